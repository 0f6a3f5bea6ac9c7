// Ring groups: a short number that forks to its members at once (RING_ALL) or one after the other
// (HUNT). The member list is replaced as a whole; members must be users of the same domain.
import { assertExtension } from '../../lib/validation.ts'
import type { ChangeDeps } from '../provisioning/change.ts'
import { assertExtensionFree, assertMembers, assertUnused, referencesRepository as refs } from '../provisioning/references.ts'
import { defined, scopedService, type Tx } from '../provisioning/scoped-service.ts'
import { groupsRepository as repo, type GroupRow } from './groups.repository.ts'
import type { GroupCreate, GroupFilter, GroupItem, GroupUpdate } from './groups.schemas.ts'

type MemberInput = NonNullable<GroupCreate['members']>

async function prepareMembers(tx: Tx, domainId: string, members: MemberInput | undefined) {
  if (members === undefined) return undefined
  await assertMembers(tx, domainId, members.map((m) => m.userId))
  const list = members.map((m, i) => ({ userId: m.userId, position: m.position ?? i }))
  return (t: Tx, id: string) => repo.setMembers(t, id, list)
}

async function checkExtension(tx: Tx, domainId: string, extension: string | null | undefined, id?: string) {
  if (!extension) return
  assertExtension(extension)
  await assertExtensionFree(tx, domainId, extension, { type: 'group', id })
}

export function groupsService(deps: ChangeDeps) {
  return scopedService(deps, {
    entity: 'group',
    repo,
    toItem: (g: GroupRow) => ({ ...g, members: g.members.map((m) => ({ userId: m.userId, position: m.position })) }) as unknown as GroupItem,
    where: (f: GroupFilter) => ({ ...(f.domainId ? { domainId: f.domainId } : {}), ...(f.name ? { name: { contains: f.name, mode: 'insensitive' } } : {}) }),
    async prepareCreate(tx, input: GroupCreate, domain) {
      const { domainId: _d, members, ...data } = input
      await checkExtension(tx, domain.id, data.extension)
      return { data, children: await prepareMembers(tx, domain.id, members) }
    },
    async prepareUpdate(tx, before, patch: GroupUpdate) {
      const { members, ...data } = defined(patch)
      if (data.extension !== before.extension) await checkExtension(tx, before.domainId, data.extension, before.id)
      return { data, children: await prepareMembers(tx, before.domainId, members) }
    },
    async beforeDelete(tx, row) {
      assertUnused('group', await refs.targetUsages(tx, 'GROUP', row.id))
    },
  })
}
