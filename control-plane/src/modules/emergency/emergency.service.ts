// Emergency numbers: short codes that must reach a trunk flagged for emergency calls, whatever the
// caller's class of service. They share the dialling space with extensions, so "112" cannot be both.
import type { EmergencyNumber } from '../../generated/prisma/client.ts'
import { Invalid } from '../../lib/errors.ts'
import type { ChangeDeps } from '../provisioning/change.ts'
import { assertExtensionFree, loadTrunks } from '../provisioning/references.ts'
import { defined, scopedService, type Tx } from '../provisioning/scoped-service.ts'
import { emergencyRepository as repo } from './emergency.repository.ts'
import type { EmergencyCreate, EmergencyFilter, EmergencyItem, EmergencyUpdate } from './emergency.schemas.ts'

async function checkTrunk(tx: Tx, domainId: string, trunkId: string) {
  const [trunk] = await loadTrunks(tx, domainId, [trunkId], 'trunkId')
  if (!trunk.isEmergency) throw Invalid('not_an_emergency_trunk', `trunk ${trunkId} is not flagged isEmergency: emergency calls must use a trunk meant for them`, { field: 'trunkId' })
}

async function checkNumber(tx: Tx, domainId: string, number: string, id?: string) {
  if (!/^[0-9]{2,6}$/.test(number)) throw Invalid('invalid_emergency_number', `number must be 2–6 digits, got "${number}"`, { field: 'number' })
  await assertExtensionFree(tx, domainId, number, { type: 'emergency_number', id })
}

export function emergencyService(deps: ChangeDeps) {
  return scopedService(deps, {
    entity: 'emergency_number',
    repo,
    toItem: (e: EmergencyNumber) => e as unknown as EmergencyItem,
    where: (f: EmergencyFilter) => (f.domainId ? { domainId: f.domainId } : {}),
    async prepareCreate(tx, input: EmergencyCreate, domain) {
      const { domainId: _d, ...data } = input
      await checkNumber(tx, domain.id, data.number)
      await checkTrunk(tx, domain.id, data.trunkId)
      return { data }
    },
    async prepareUpdate(tx, before, patch: EmergencyUpdate) {
      const data = defined(patch)
      if (data.number !== undefined && data.number !== before.number) await checkNumber(tx, before.domainId, data.number, before.id)
      if (data.trunkId !== undefined) await checkTrunk(tx, before.domainId, data.trunkId)
      return { data }
    },
  })
}
