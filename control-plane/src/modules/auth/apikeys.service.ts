// API keys for machines (creating one needs apikeys:write, an ADMIN's), optionally narrowed to
// a list of permissions, always expiring (90 days unless asked otherwise, two years at most),
// shown once, revocable. A domain-scoped creator makes keys of its own domain only.
import type { PrismaClient } from '../../generated/prisma/client.ts'
import type { Role } from '../../generated/prisma/enums.ts'
import { Conflict, Invalid, NotFound } from '../../lib/errors.ts'
import { recordAudit } from '../audit/audit.ts'
import type { RequestCtx } from '../provisioning/context.ts'
import { apiKeysRepository as repo, createApiKey, toApiKeyItem } from './api-keys.ts'
import { accountsRepository } from './accounts.repository.ts'
import { ROLE_PERMISSIONS, type Permission } from './permissions.ts'

export interface ApiKeyCreate {
  name: string
  role: Role
  domainId?: string | null
  scopes?: string[]
  expiresInDays?: number
}

export const MAX_KEY_DAYS = 730
export const DEFAULT_KEY_DAYS = 90

export function apiKeysService(deps: { prisma: PrismaClient }) {
  const { prisma } = deps

  async function inScope(id: string, ctx: RequestCtx) {
    const k = await repo.byId(prisma, id)
    if (!k || (ctx.domainScope !== null && k.domainId !== ctx.domainScope)) throw NotFound('api_key', id)
    return k
  }

  return {
    async list(page: { limit: number; offset: number }, filter: { includeRevoked?: boolean }, ctx: RequestCtx) {
      const where = { ...(ctx.domainScope === null ? {} : { domainId: ctx.domainScope }), ...(filter.includeRevoked ? {} : { revokedAt: null }) }
      const [rows, total] = await repo.list(prisma, where, page.limit, page.offset)
      return { items: rows.map(toApiKeyItem), total }
    },

    async create(input: ApiKeyCreate, ctx: RequestCtx) {
      const allowed = ROLE_PERMISSIONS[input.role]
      const bad = (input.scopes ?? []).filter((s) => !allowed.has(s as Permission))
      if (bad.length) throw Invalid('invalid_scope', `role ${input.role} does not hold ${bad.join(', ')}`, { field: 'scopes', scopes: bad })
      let domainId = input.domainId ?? null
      if (ctx.domainScope !== null) {
        if (domainId !== null && domainId !== ctx.domainScope) throw NotFound('domain', domainId)
        domainId = ctx.domainScope
      }
      const days = input.expiresInDays ?? DEFAULT_KEY_DAYS
      const expiresAt = new Date(Date.now() + days * 86_400_000)
      return prisma.$transaction(async (tx) => {
        if (domainId !== null && !(await accountsRepository.domainExists(tx, domainId))) throw Invalid('domain_not_found', `domain ${domainId} does not exist`, { field: 'domainId' })
        const createdById = ctx.actor.type === 'admin' ? (ctx.actor.id ?? null) : null
        const created = await createApiKey(tx, { name: input.name, role: input.role, domainId, expiresAt, createdById, scopes: [...new Set(input.scopes ?? [])] })
        const item = toApiKeyItem((await repo.byId(tx, created.id))!)
        await recordAudit(tx, ctx.actor, { action: 'apikey.created', entityType: 'api_key', entityId: created.id, domainId, after: item })
        return { ...item, key: created.key }
      })
    },

    async revoke(id: string, ctx: RequestCtx) {
      const before = await inScope(id, ctx)
      if (before.revokedAt) throw Conflict('api_key_revoked', 'this key is already revoked')
      return prisma.$transaction(async (tx) => {
        const after = toApiKeyItem(await repo.revoke(tx, id))
        await recordAudit(tx, ctx.actor, { action: 'apikey.revoked', entityType: 'api_key', entityId: id, domainId: before.domainId, before: toApiKeyItem(before), after })
        return after
      })
    },
  }
}
