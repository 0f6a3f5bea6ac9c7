// /api/v1/audit: the journal, newest first with keyset pagination (`before` = the last id seen),
// and /audit/verify, which walks the whole chain (archive included). A domain-scoped principal
// only reads its domain's entries; verifying the chain is platform-wide, so it needs an unscoped one.
import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@fastify/type-provider-typebox'
import { Forbidden } from '../../lib/errors.ts'
import { ErrorBody } from '../provisioning/resource-routes.ts'
import { Nullable, Uuid } from '../provisioning/schema-helpers.ts'
import { auditRepository } from './audit.repository.ts'
import { verifyJournal } from './verify.ts'

const Entry = Type.Object({
  id: Type.String(), at: Type.String({ format: 'date-time' }), actorType: Type.String(), actorId: Nullable(Type.String()), actorRole: Nullable(Type.String()),
  ip: Nullable(Type.String()), action: Type.String(), entityType: Type.String(), entityId: Nullable(Type.String()), domainId: Nullable(Type.String()),
  before: Type.Unknown(), after: Type.Unknown(), requestId: Nullable(Type.String()), traceId: Nullable(Type.String()), prevHash: Type.String(), hash: Type.String(),
})
const Query = Type.Object({
  action: Type.Optional(Type.String({ maxLength: 100, description: 'exact (user.created) or a prefix ending with a dot or without one (auth)' })),
  entityType: Type.Optional(Type.String({ maxLength: 100 })),
  entityId: Type.Optional(Type.String({ maxLength: 100 })),
  actorId: Type.Optional(Type.String({ maxLength: 100 })),
  domainId: Type.Optional(Uuid),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  before: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
}, { additionalProperties: false })
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody }

const auditRoutes: FastifyPluginAsync = async (app) => {
  const prisma = app.database.prisma

  app.get('/audit', { config: { permission: 'audit:read' }, schema: { tags: ['audit'], querystring: Query, response: { 200: Type.Object({ items: Type.Array(Entry), nextBefore: Nullable(Type.String()) }), ...errors } } }, async (req) => {
    const q = req.query as { action?: string; entityType?: string; entityId?: string; actorId?: string; domainId?: string; from?: string; to?: string; before?: string; limit?: number }
    const scope = req.principal?.domainId ?? null
    const limit = q.limit ?? 100
    const rows = await auditRepository.list(prisma, {
      ...q, domainId: scope ?? q.domainId, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, before: q.before ? BigInt(q.before) : undefined,
    }, limit)
    const items = rows.map((r) => ({ ...r, id: r.id.toString(), at: r.at.toISOString() }))
    return { items, nextBefore: rows.length === limit ? items[items.length - 1].id : null }
  })

  app.get('/audit/verify', {
    config: { permission: 'audit:read' },
    schema: {
      tags: ['audit'],
      response: {
        200: Type.Object({
          ok: Type.Boolean(), checked: Type.Integer(), firstBrokenId: Type.Optional(Type.String()), reason: Type.Optional(Type.String()), where: Type.Optional(Type.String()),
          archived: Type.Object({ checked: Type.Integer(), boundaryId: Nullable(Type.String()), boundaryHash: Nullable(Type.String()) }),
        }),
        ...errors,
      },
    },
  }, async (req) => {
    if (req.principal?.domainId) throw Forbidden('platform_wide', 'verifying the journal covers every domain: use an unscoped principal')
    return verifyJournal(prisma)
  })
}

export default auditRoutes
