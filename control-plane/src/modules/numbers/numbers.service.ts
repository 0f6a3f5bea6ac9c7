// DIDs: an E.164 number we receive calls on, and where such a call goes. The target is polymorphic,
// so its existence in the same domain is checked here (a DID pointing at a missing queue is a 422).
import type { PhoneNumber } from '../../generated/prisma/client.ts'
import { Conflict } from '../../lib/errors.ts'
import { assertE164 } from '../../lib/validation.ts'
import type { ChangeDeps } from '../provisioning/change.ts'
import { checkTarget } from '../provisioning/references.ts'
import { defined, scopedService } from '../provisioning/scoped-service.ts'
import { numbersRepository as repo } from './numbers.repository.ts'
import type { NumberCreate, NumberFilter, NumberItem, NumberUpdate } from './numbers.schemas.ts'

export function numbersService(deps: ChangeDeps) {
  return scopedService(deps, {
    entity: 'number',
    repo,
    toItem: (n: PhoneNumber) => n as unknown as NumberItem,
    where: (f: NumberFilter) => ({
      ...(f.domainId ? { domainId: f.domainId } : {}),
      ...(f.e164 ? { e164: { startsWith: f.e164 } } : {}),
      ...(f.targetType ? { targetType: f.targetType } : {}),
    }),
    async prepareCreate(tx, input: NumberCreate, domain) {
      const { domainId: _d, targetType, targetId, targetNumber, ...data } = input
      assertE164(data.e164, 'e164')
      // numbers are global: a DID belongs to one domain only (a race still ends in the unique index)
      if (await repo.exists(tx, data.e164)) throw Conflict('number_exists', `${data.e164} is already provisioned`, { field: 'e164' })
      const t = await checkTarget(tx, domain.id, { type: targetType, id: targetId, number: targetNumber }, 'target')
      return { data: { ...data, targetType: t.type, targetId: t.id, targetNumber: t.number } }
    },
    async prepareUpdate(tx, before, patch: NumberUpdate) {
      const { targetType, targetId, targetNumber, ...data } = defined(patch)
      const t = await checkTarget(tx, before.domainId, { type: targetType ?? before.targetType, id: targetId === undefined ? before.targetId : targetId, number: targetNumber === undefined ? before.targetNumber : targetNumber }, 'target')
      return { data: { ...data, targetType: t.type, targetId: t.id, targetNumber: t.number } }
    },
  })
}
