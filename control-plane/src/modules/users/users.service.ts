// SIP users (extensions). The password is write-only: only its digests are kept (sip-digest.ts),
// and they are recomputed whenever the extension or the password changes.
import type { Domain, User } from '../../generated/prisma/client.ts'
import { Invalid } from '../../lib/errors.ts'
import { assertCodecs, assertE164, assertEmail, assertExtension } from '../../lib/validation.ts'
import type { ChangeDeps } from '../provisioning/change.ts'
import { assertExtensionFree, assertUnused, referencesRepository as refs } from '../provisioning/references.ts'
import { defined, scopedService, type Tx } from '../provisioning/scoped-service.ts'
import { usersRepository } from './users.repository.ts'
import type { UserCreate, UserFilter, UserItem, UserUpdate } from './users.schemas.ts'
import { assertPasswordStrength, sipDigests } from './sip-digest.ts'

export function toUserItem(u: User): UserItem {
  const { ha1: _ha1, ha1b: _ha1b, ...rest } = u
  return rest as unknown as UserItem
}

async function checkFields(tx: Tx, domainId: string, u: { email?: string | null; callerId?: string | null; codecs?: string[]; dialPlanId?: string | null }) {
  assertEmail(u.email)
  assertE164(u.callerId, 'callerId')
  assertCodecs(u.codecs)
  if (u.dialPlanId && !(await refs.dialPlanInDomain(tx, u.dialPlanId, domainId))) {
    throw Invalid('dial_plan_not_found', `dial plan ${u.dialPlanId} does not exist in this domain`, { field: 'dialPlanId' })
  }
}

function credentials(extension: string, password: string, domain: Domain) {
  assertPasswordStrength(password, extension)
  return sipDigests(extension, domain.name, password)
}

export function usersService(deps: ChangeDeps) {
  return scopedService(deps, {
    entity: 'user',
    repo: usersRepository,
    toItem: toUserItem,
    where: (f: UserFilter) => ({
      ...(f.domainId ? { domainId: f.domainId } : {}),
      ...(f.extension ? { extension: { startsWith: f.extension } } : {}),
      ...(f.enabled !== undefined ? { enabled: f.enabled } : {}),
      ...(f.q ? { OR: [{ displayName: { contains: f.q, mode: 'insensitive' } }, { email: { contains: f.q, mode: 'insensitive' } }] } : {}),
    }),
    async prepareCreate(tx, input: UserCreate, domain) {
      const { password, domainId: _d, ...rest } = input
      assertExtension(rest.extension)
      const digests = credentials(rest.extension, password, domain)
      await checkFields(tx, domain.id, rest)
      await assertExtensionFree(tx, domain.id, rest.extension, { type: 'user' })
      return { data: { ...rest, ...digests } }
    },
    async prepareUpdate(tx, before, patch: UserUpdate, domain) {
      const { password, ...rest } = defined(patch)
      const extension = rest.extension ?? before.extension
      if (rest.extension !== undefined && rest.extension !== before.extension) {
        assertExtension(extension)
        if (password === undefined) throw Invalid('password_required', 'changing the extension needs the password too: the SIP digests cover the username', { field: 'password' })
        await assertExtensionFree(tx, before.domainId, extension, { type: 'user', id: before.id })
      }
      await checkFields(tx, before.domainId, rest)
      return { data: { ...rest, ...(password !== undefined ? credentials(extension, password, domain) : {}) } }
    },
    async beforeDelete(tx, row) {
      assertUnused('user', [...(await refs.userMemberships(tx, row.id)), ...(await refs.targetUsages(tx, 'USER', row.id))])
    },
  })
}

