// Cross-entity rules shared by the provisioning services: polymorphic targets must exist in the
// same domain, members must be users of the domain, extensions are one dialling space per domain,
// and nothing still referenced may be deleted.
import type { TargetType } from '../../generated/prisma/enums.ts'
import { Conflict, Invalid } from '../../lib/errors.ts'
import { assertDialable } from '../../lib/validation.ts'
import { referencesRepository as refs, type EntityTargetType } from './references.repository.ts'
import type { Db } from './scoped-service.ts'

export interface TargetInput {
  type: TargetType
  id?: string | null
  number?: string | null
}

export interface Target {
  type: TargetType
  id: string | null
  number: string | null
}

/**
 * Checks a DID / schedule / overflow target and returns it normalised: an entity target keeps only
 * its id, EXTERNAL only its number, HANGUP nothing. `field` prefixes the error details.
 */
export async function checkTarget(db: Db, domainId: string, t: TargetInput, field: string, self?: { type: TargetType; id: string }): Promise<Target> {
  if (t.type === 'HANGUP') return { type: 'HANGUP', id: null, number: null }
  if (t.type === 'EXTERNAL') {
    if (!t.number) throw Invalid('target_number_required', `${field}: an EXTERNAL target needs a number`, { field })
    assertDialable(t.number, `${field}Number`)
    return { type: 'EXTERNAL', id: null, number: t.number }
  }
  if (!t.id) throw Invalid('target_not_found', `${field}: a ${t.type} target needs an id`, { field })
  if (self && self.type === t.type && self.id === t.id) throw Invalid('target_is_self', `${field}: an entity cannot target itself`, { field })
  if (!(await refs.targetExists(db, t.type as EntityTargetType, t.id, domainId))) {
    throw Invalid('target_not_found', `${field}: ${t.type.toLowerCase()} ${t.id} does not exist in this domain`, { field, targetType: t.type, targetId: t.id })
  }
  return { type: t.type, id: t.id, number: null }
}

export function assertUnused(entity: string, usages: string[]) {
  if (usages.length) {
    throw Conflict(`${entity}_in_use`, `the ${entity.replace(/_/g, ' ')} is still referenced by ${usages.join(', ')}`, { references: usages })
  }
}

/** 409 unless `extension` is free in the domain (or owned by `self`). */
export async function assertExtensionFree(db: Db, domainId: string, extension: string, self: { type: 'user' | 'group' | 'queue' | 'emergency_number'; id?: string }) {
  const others = (await refs.extensionOwners(db, domainId, extension)).filter((o) => !(o.type === self.type && o.id === self.id))
  if (others.length) {
    const what = self.type === 'emergency_number' ? 'number' : 'extension'
    const code = self.type === 'emergency_number' && others.every((o) => o.type === 'emergency_number') ? 'emergency_number_exists' : 'extension_taken'
    throw Conflict(code, `${what} ${extension} is already used by ${others.map((o) => o.label).join(', ')}`, { field: self.type === 'emergency_number' ? 'number' : 'extension' })
  }
}

/** Group and queue members: each once, each a user of the domain. */
export async function assertMembers(db: Db, domainId: string, userIds: string[]) {
  if (new Set(userIds).size !== userIds.length) throw Invalid('duplicate_member', 'a user is listed twice among the members', { field: 'members' })
  if (!userIds.length) return
  const found = await refs.userIdsInDomain(db, domainId, userIds)
  const missing = userIds.filter((id) => !found.has(id))
  if (missing.length) throw Invalid('member_not_found', `no user ${missing.join(', ')} in this domain`, { field: 'members', missing })
}

/** Trunks named by a rule or an emergency number must be trunks of the domain. */
export async function loadTrunks(db: Db, domainId: string, trunkIds: string[], field: string) {
  const unique = [...new Set(trunkIds)]
  const found = unique.length ? await refs.trunksInDomain(db, domainId, unique) : []
  const missing = unique.filter((id) => !found.some((t) => t.id === id))
  if (missing.length) throw Invalid('trunk_not_found', `${field}: no trunk ${missing.join(', ')} in this domain`, { field, missing })
  return found
}

export { refs as referencesRepository }
