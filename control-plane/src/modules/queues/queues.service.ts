// ACD queues: members (agents) with priorities, a ring strategy, and an overflow target once the
// caller has waited maxWait. Live agent state is not here but in modules/acd (shared state).
import { Invalid } from '../../lib/errors.ts'
import { assertExtension } from '../../lib/validation.ts'
import type { ChangeDeps } from '../provisioning/change.ts'
import { assertExtensionFree, assertMembers, assertUnused, checkTarget, referencesRepository as refs } from '../provisioning/references.ts'
import { defined, scopedService, type Tx } from '../provisioning/scoped-service.ts'
import { queuesRepository as repo, type QueueRow } from './queues.repository.ts'
import type { QueueCreate, QueueFilter, QueueItem, QueueUpdate } from './queues.schemas.ts'

type Settings = Pick<QueueRow, 'agentTimeout' | 'maxWait' | 'overflowTargetType' | 'overflowTargetId' | 'overflowTargetNumber'>

async function checkSettings(tx: Tx, domainId: string, q: Settings, selfId?: string) {
  if (q.maxWait < q.agentTimeout) throw Invalid('invalid_max_wait', `maxWait (${q.maxWait}s) must be at least agentTimeout (${q.agentTimeout}s)`, { field: 'maxWait' })
  if (q.overflowTargetType === null) return { overflowTargetType: null, overflowTargetId: null, overflowTargetNumber: null }
  const t = await checkTarget(tx, domainId, { type: q.overflowTargetType, id: q.overflowTargetId, number: q.overflowTargetNumber }, 'overflowTarget', selfId ? { type: 'QUEUE', id: selfId } : undefined)
  return { overflowTargetType: t.type, overflowTargetId: t.id, overflowTargetNumber: t.number }
}

async function prepareMembers(tx: Tx, domainId: string, members: QueueCreate['members']) {
  if (members === undefined) return undefined
  await assertMembers(tx, domainId, members.map((m) => m.userId))
  const list = members.map((m) => ({ userId: m.userId, priority: m.priority ?? 0 }))
  return (t: Tx, id: string) => repo.setMembers(t, id, list)
}

async function checkExtension(tx: Tx, domainId: string, extension: string | null | undefined, id?: string) {
  if (!extension) return
  assertExtension(extension)
  await assertExtensionFree(tx, domainId, extension, { type: 'queue', id })
}

const DEFAULTS: Settings = { agentTimeout: 15, maxWait: 60, overflowTargetType: null, overflowTargetId: null, overflowTargetNumber: null }

export function queuesService(deps: ChangeDeps) {
  return scopedService(deps, {
    entity: 'queue',
    repo,
    toItem: (q: QueueRow) => ({ ...q, members: q.members.map((m) => ({ userId: m.userId, priority: m.priority })) }) as unknown as QueueItem,
    where: (f: QueueFilter) => ({ ...(f.domainId ? { domainId: f.domainId } : {}), ...(f.name ? { name: { contains: f.name, mode: 'insensitive' } } : {}) }),
    async prepareCreate(tx, input: QueueCreate, domain) {
      const { domainId: _d, members, ...rest } = input
      await checkExtension(tx, domain.id, rest.extension)
      const overflow = await checkSettings(tx, domain.id, { ...DEFAULTS, ...rest })
      return { data: { ...rest, ...overflow }, children: await prepareMembers(tx, domain.id, members) }
    },
    async prepareUpdate(tx, before, patch: QueueUpdate) {
      const { members, ...rest } = defined(patch)
      if (rest.extension !== before.extension) await checkExtension(tx, before.domainId, rest.extension, before.id)
      const overflow = await checkSettings(tx, before.domainId, { ...before, ...rest }, before.id)
      return { data: { ...rest, ...overflow }, children: await prepareMembers(tx, before.domainId, members) }
    },
    async beforeDelete(tx, row) {
      assertUnused('queue', await refs.targetUsages(tx, 'QUEUE', row.id))
    },
  })
}
