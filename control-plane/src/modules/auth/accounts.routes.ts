// /api/v1/admin-accounts: the people who may log in. Passwords are write-only; the answer says
// whether MFA is on and the account locked, never the hashes.
import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@fastify/type-provider-typebox'
import { ErrorBody, IdParams, PageQuery } from '../provisioning/resource-routes.ts'
import { requestCtx } from '../provisioning/context.ts'
import { Nullable, StringEnum, Uuid } from '../provisioning/schema-helpers.ts'
import { accountsService, type AccountCreate, type AccountUpdate } from './accounts.service.ts'

const ROLES = ['ADMIN', 'OPERATOR', 'AUDITOR', 'AGENT'] as const
const Item = Type.Object({
  id: Uuid, email: Type.String(), role: StringEnum(ROLES), domainId: Nullable(Uuid), userId: Nullable(Uuid), enabled: Type.Boolean(),
  mfaEnabled: Type.Boolean(), recoveryCodesLeft: Type.Integer(), locked: Type.Boolean(), lastLoginAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }), updatedAt: Type.String({ format: 'date-time' }),
})
const Password = Type.String({ minLength: 1, maxLength: 1024, description: 'at least 12 characters' })
const Create = Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }), password: Password, role: StringEnum(ROLES), domainId: Type.Optional(Nullable(Uuid)), userId: Type.Optional(Nullable(Uuid)) }, { additionalProperties: false })
const Update = Type.Object({
  password: Type.Optional(Password), role: Type.Optional(StringEnum(ROLES)), enabled: Type.Optional(Type.Boolean()),
  unlock: Type.Optional(Type.Boolean()), resetMfa: Type.Optional(Type.Boolean({ description: 'lost authenticator: the account enrols again at its next login' })),
}, { additionalProperties: false, minProperties: 1 })
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody }

const accountsRoutes: FastifyPluginAsync = async (app) => {
  const service = accountsService({ prisma: app.database.prisma })
  const tags = ['admin-accounts']
  app.get('/admin-accounts', { config: { permission: 'accounts:read' }, schema: { tags, querystring: Type.Object(PageQuery), response: { 200: Type.Object({ items: Type.Array(Item), total: Type.Integer() }), ...errors } } }, async (req) => {
    const { limit = 50, offset = 0 } = req.query as { limit?: number; offset?: number }
    return service.list({ limit, offset }, requestCtx(req))
  })
  app.get('/admin-accounts/:id', { config: { permission: 'accounts:read' }, schema: { tags, params: IdParams, response: { 200: Item, ...errors } } }, async (req) =>
    service.get((req.params as { id: string }).id, requestCtx(req)))
  app.post('/admin-accounts', { config: { permission: 'accounts:write' }, schema: { tags, body: Create, response: { 201: Item, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await service.create(req.body as AccountCreate, requestCtx(req))))
  app.patch('/admin-accounts/:id', { config: { permission: 'accounts:write' }, schema: { tags, params: IdParams, body: Update, response: { 200: Item, ...errors } } }, async (req) =>
    service.update((req.params as { id: string }).id, req.body as AccountUpdate, requestCtx(req)))
  app.delete('/admin-accounts/:id', { config: { permission: 'accounts:write' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    await service.remove((req.params as { id: string }).id, requestCtx(req))
    return reply.status(204).send()
  })
}

export default accountsRoutes
