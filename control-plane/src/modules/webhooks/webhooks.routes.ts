// /webhooks: subscriptions (CRUD), their deliveries, and replay. Validation here; rules in
// webhooks.service.ts.
import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@fastify/type-provider-typebox'
import { ErrorBody, IdParams, PageQuery, expectedVersion, type Page } from '../provisioning/resource-routes.ts'
import { requestCtx } from '../provisioning/context.ts'
import { Nullable, StringEnum, Uuid } from '../provisioning/schema-helpers.ts'
import { webhooksService, type ReplayInput, type WebhookInput } from './webhooks.service.ts'

const EventType = Type.String({ pattern: '^(\\*|[a-z_]+(\\.[a-z_]+)*(\\.\\*)?)$', maxLength: 100 })
const Secret = Type.String({ minLength: 16, maxLength: 256 })
const fields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  url: Type.String({ minLength: 8, maxLength: 2048 }),
  eventTypes: Type.Array(EventType, { maxItems: 50, description: 'exact types or families ("call.*"); empty: every event' }),
  enabled: Type.Boolean(),
}
const Create = Type.Object({ domainId: Type.Optional(Nullable(Uuid)), name: fields.name, url: fields.url, eventTypes: Type.Optional(fields.eventTypes), enabled: Type.Optional(fields.enabled), secret: Type.Optional(Secret) }, { additionalProperties: false })
const Update = Type.Object({ name: Type.Optional(fields.name), url: Type.Optional(fields.url), eventTypes: Type.Optional(fields.eventTypes), enabled: Type.Optional(fields.enabled), secret: Type.Optional(Secret), rotateSecret: Type.Optional(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 })
const Item = Type.Object({ id: Uuid, domainId: Nullable(Uuid), ...fields, version: Type.Integer(), createdAt: Type.String({ format: 'date-time' }), updatedAt: Type.String({ format: 'date-time' }), secret: Type.Optional(Type.String({ description: 'only in the create/rotate answer' })) })
const STATUSES = ['PENDING', 'FAILED', 'DELIVERED', 'DEAD'] as const
const Replay = Type.Object({ deliveryIds: Type.Optional(Type.Array(Uuid, { maxItems: 1000 })), eventIds: Type.Optional(Type.Array(Uuid, { maxItems: 1000 })), status: Type.Optional(StringEnum(STATUSES)) }, { additionalProperties: false, minProperties: 1 })
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 412: ErrorBody, 422: ErrorBody }
const tags = ['webhooks']

const webhooksRoutes: FastifyPluginAsync = async (app) => {
  const service = webhooksService({ prisma: app.database.prisma, state: app.state, keys: app.config.encryption })

  app.get('/webhooks', { config: { permission: 'webhooks:read' }, schema: { tags, querystring: Type.Object({ ...PageQuery, domainId: Type.Optional(Uuid) }), response: { 200: Type.Object({ items: Type.Array(Item), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }), ...errors } } }, async (req) => {
    const { limit = 50, offset = 0, domainId } = req.query as Page & { domainId?: string }
    return { ...(await service.list({ domainId }, { limit, offset }, requestCtx(req))), limit, offset }
  })
  app.post('/webhooks', { config: { permission: 'webhooks:write' }, schema: { tags, body: Create, response: { 201: Item, ...errors } } }, async (req, reply) => {
    const item = await service.create(req.body as WebhookInput, requestCtx(req))
    return reply.status(201).header('location', `/api/v1/webhooks/${item.id}`).send(item)
  })
  app.get('/webhooks/:id', { config: { permission: 'webhooks:read' }, schema: { tags, params: IdParams, response: { 200: Item, ...errors } } }, async (req) =>
    service.get((req.params as { id: string }).id, requestCtx(req)),
  )
  app.patch('/webhooks/:id', { config: { permission: 'webhooks:write' }, schema: { tags, params: IdParams, body: Update, response: { 200: Item, ...errors } } }, async (req) => {
    const { id } = req.params as { id: string }
    return service.update(id, req.body as Parameters<typeof service.update>[1], expectedVersion(req, id), requestCtx(req))
  })
  app.delete('/webhooks/:id', { config: { permission: 'webhooks:write' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    await service.remove((req.params as { id: string }).id, requestCtx(req))
    return reply.status(204).send()
  })
  app.get('/webhooks/:id/deliveries', { config: { permission: 'webhooks:read' }, schema: { tags, params: IdParams, querystring: Type.Object({ ...PageQuery, status: Type.Optional(StringEnum(STATUSES)) }) } }, async (req) => {
    const { limit = 50, offset = 0, status } = req.query as Page & { status?: (typeof STATUSES)[number] }
    return { ...(await service.deliveries((req.params as { id: string }).id, status, { limit, offset }, requestCtx(req))), limit, offset }
  })
  app.post('/webhooks/:id/replay', { config: { permission: 'webhooks:write' }, schema: { tags, params: IdParams, body: Replay, response: { 200: Type.Object({ requeued: Type.Integer() }), ...errors } } }, async (req) =>
    service.replay((req.params as { id: string }).id, req.body as ReplayInput, requestCtx(req)),
  )
}

export default webhooksRoutes
