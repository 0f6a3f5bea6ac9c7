// /api/v1/api-keys: create (the key is in that answer and never again), list (prefixes only), revoke.
import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@fastify/type-provider-typebox'
import { ErrorBody, IdParams, PageQuery } from '../provisioning/resource-routes.ts'
import { requestCtx } from '../provisioning/context.ts'
import { Nullable, StringEnum, Uuid } from '../provisioning/schema-helpers.ts'
import { ALL_PERMISSIONS } from './permissions.ts'
import { apiKeysService, DEFAULT_KEY_DAYS, MAX_KEY_DAYS, type ApiKeyCreate } from './apikeys.service.ts'

const ROLES = ['ADMIN', 'OPERATOR', 'AUDITOR', 'AGENT'] as const
const Item = Type.Object({
  id: Uuid, name: Type.String(), prefix: Type.String({ description: 'identifies the key; the secret part is never shown again' }),
  role: StringEnum(ROLES), domainId: Nullable(Uuid), scopes: Type.Array(Type.String()),
  expiresAt: Nullable(Type.String({ format: 'date-time' })), revokedAt: Nullable(Type.String({ format: 'date-time' })), lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
  createdById: Nullable(Uuid), createdAt: Type.String({ format: 'date-time' }),
})
const Create = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  role: StringEnum(ROLES),
  domainId: Type.Optional(Nullable(Uuid)),
  scopes: Type.Optional(Type.Array(StringEnum(ALL_PERMISSIONS), { maxItems: 64, description: 'a subset of the role\'s permissions; empty: the whole role' })),
  expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_KEY_DAYS, default: DEFAULT_KEY_DAYS })),
}, { additionalProperties: false })
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody }

const apiKeysRoutes: FastifyPluginAsync = async (app) => {
  const service = apiKeysService({ prisma: app.database.prisma })
  const tags = ['api-keys']

  app.get('/api-keys', {
    config: { permission: 'apikeys:read' },
    schema: { tags, querystring: Type.Object({ ...PageQuery, includeRevoked: Type.Optional(Type.Boolean()) }), response: { 200: Type.Object({ items: Type.Array(Item), total: Type.Integer() }), ...errors } },
  }, async (req) => {
    const { limit = 50, offset = 0, includeRevoked } = req.query as { limit?: number; offset?: number; includeRevoked?: boolean }
    return service.list({ limit, offset }, { includeRevoked }, requestCtx(req))
  })

  app.post('/api-keys', {
    config: { permission: 'apikeys:write' },
    schema: { tags, body: Create, response: { 201: Type.Intersect([Item, Type.Object({ key: Type.String({ description: 'shown once: store it now' }) })]), ...errors } },
  }, async (req, reply) => reply.status(201).send(await service.create(req.body as ApiKeyCreate, requestCtx(req))))

  app.delete('/api-keys/:id', { config: { permission: 'apikeys:write' }, schema: { tags, params: IdParams, response: { 200: Item, ...errors } } }, async (req) =>
    service.revoke((req.params as { id: string }).id, requestCtx(req)))
}

export default apiKeysRoutes
