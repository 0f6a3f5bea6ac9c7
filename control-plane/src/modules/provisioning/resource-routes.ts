// One route plugin for every provisioned resource: list (pagination + filters), get (ETag),
// create (201, Location, Idempotency-Key), patch and delete (If-Match). Each resource brings its
// own TypeBox schemas and a service that holds its rules; nothing here knows about users or trunks.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type TSchema } from '@fastify/type-provider-typebox'
import type { Resource } from '../auth/permissions.ts'
import { BadRequest, PreconditionFailed } from '../../lib/errors.ts'
import { requestCtx, type RequestCtx } from './context.ts'
import { findReplay, idempotencyIntent } from './idempotency.ts'

export interface Page {
  limit: number
  offset: number
}

export interface Versioned {
  id: string
  version: number
}

export interface ResourceService<Item extends Versioned, Create, Update, Filter> {
  list(filter: Filter, page: Page, ctx: RequestCtx): Promise<{ items: Item[]; total: number }>
  get(id: string, ctx: RequestCtx): Promise<Item>
  create(input: Create, ctx: RequestCtx): Promise<Item>
  update(id: string, patch: Update, expectedVersion: number | undefined, ctx: RequestCtx): Promise<Item>
  remove(id: string, expectedVersion: number | undefined, ctx: RequestCtx): Promise<void>
}

export interface ResourceDefinition<Item extends Versioned, Create, Update, Filter> {
  /** URL segment under /api/v1, e.g. "users" */
  path: string
  resource: Resource
  tag: string
  schemas: { item: TSchema; create: TSchema; update: TSchema; filter: TSchema }
  service: ResourceService<Item, Create, Update, Filter>
}

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
}
export const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()), requestId: Type.String() }),
})

export const etagOf = (item: Versioned) => `"${item.id}.v${item.version}"`

/** If-Match → the version the client saw; absent means "no precondition". */
export function expectedVersion(req: FastifyRequest, id: string): number | undefined {
  const h = req.headers['if-match']
  if (h === undefined || h === '*') return undefined
  const m = /^(?:W\/)?"([0-9a-f-]{36})\.v(\d+)"$/.exec(String(h).trim())
  if (!m) throw BadRequest('invalid_if_match', 'If-Match must be an ETag returned by this API, e.g. "<id>.v3"')
  if (m[1] !== id) throw PreconditionFailed('the If-Match ETag belongs to another resource')
  return Number(m[2])
}

function sendItem(reply: FastifyReply, item: Versioned, status = 200) {
  reply.header('etag', etagOf(item))
  return reply.status(status).send(item)
}

export function resourceRoutes<Item extends Versioned, Create, Update, Filter>(def: ResourceDefinition<Item, Create, Update, Filter>): FastifyPluginAsync {
  const { path, resource, tag, schemas, service } = def
  const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 412: ErrorBody, 422: ErrorBody }
  const ListQuery = Type.Intersect([Type.Object(PageQuery), schemas.filter])
  const ListBody = Type.Object({ items: Type.Array(schemas.item), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() })

  return async (app) => {
    app.get(`/${path}`, { config: { permission: `${resource}:read` }, schema: { tags: [tag], querystring: ListQuery, response: { 200: ListBody, ...errors } } }, async (req) => {
      const { limit = 50, offset = 0, ...filter } = req.query as Page & Record<string, unknown>
      const { items, total } = await service.list(filter as Filter, { limit, offset }, requestCtx(req))
      return { items, total, limit, offset }
    })

    app.get(`/${path}/:id`, { config: { permission: `${resource}:read` }, schema: { tags: [tag], params: IdParams, response: { 200: schemas.item, ...errors } } }, async (req, reply) => {
      const { id } = req.params as { id: string }
      return sendItem(reply, await service.get(id, requestCtx(req)))
    })

    app.post(`/${path}`, { config: { permission: `${resource}:write` }, schema: { tags: [tag], body: schemas.create, response: { 200: schemas.item, 201: schemas.item, ...errors } } }, async (req, reply) => {
      const base = requestCtx(req)
      const intent = idempotencyIntent(req.headers['idempotency-key'], `${base.actor.type}:${base.actor.id ?? '-'}`, 'POST', `/${path}`, req.body)
      if (intent) {
        const replay = await findReplay(app.database.prisma, intent)
        if (replay) {
          reply.header('idempotent-replayed', 'true')
          return sendItem(reply, replay.body as Versioned, replay.statusCode)
        }
      }
      const item = await service.create(req.body as Create, { ...base, idempotency: intent })
      reply.header('location', `/api/v1/${path}/${item.id}`)
      return sendItem(reply, item, 201)
    })

    app.patch(`/${path}/:id`, { config: { permission: `${resource}:write` }, schema: { tags: [tag], params: IdParams, body: schemas.update, response: { 200: schemas.item, ...errors } } }, async (req, reply) => {
      const { id } = req.params as { id: string }
      return sendItem(reply, await service.update(id, req.body as Update, expectedVersion(req, id), requestCtx(req)))
    })

    app.delete(`/${path}/:id`, { config: { permission: `${resource}:write` }, schema: { tags: [tag], params: IdParams, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
      const { id } = req.params as { id: string }
      await service.remove(id, expectedVersion(req, id), requestCtx(req))
      return reply.status(204).send()
    })
  }
}
