// /domains/:id/crm: the domain's CRM connector (one per domain). A change bumps the routing epoch,
// so every instance reloads its connectors with its snapshot.
import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@fastify/type-provider-typebox'
import { Invalid, NotFound } from '../../lib/errors.ts'
import { commitChange } from '../provisioning/change.ts'
import { assertInScope, requestCtx } from '../provisioning/context.ts'
import { ErrorBody, IdParams } from '../provisioning/resource-routes.ts'
import { Nullable, Uuid } from '../provisioning/schema-helpers.ts'
import { crmRepository as repo } from './crm.repository.ts'

const Body = Type.Object({
  url: Type.String({ minLength: 8, maxLength: 2048, description: 'GET <url>?caller=&domain= → { vip, owner? }' }),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 2000, description: 'the time budget; capped by CRM_MAX_BUDGET_MS' })),
  cacheTtlSec: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
  vipQueueId: Type.Optional(Nullable(Uuid)),
  enabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody }
const tags = ['integrations']

const crmRoutes: FastifyPluginAsync = async (app) => {
  const deps = { prisma: app.database.prisma, state: app.state }
  const domainOf = async (id: string, req: Parameters<typeof requestCtx>[0]) => {
    const d = await app.database.prisma.domain.findUnique({ where: { id }, select: { id: true } })
    if (!d) throw NotFound('domain', id)
    assertInScope(requestCtx(req), id, 'domain', id)
    return d
  }

  app.get('/domains/:id/crm', { config: { permission: 'integrations:read' }, schema: { tags, params: IdParams, response: errors } }, async (req) => {
    const { id } = req.params as { id: string }
    await domainOf(id, req)
    const c = await repo.findByDomain(app.database.prisma, id)
    if (!c) throw NotFound('crm_connector', id)
    return c
  })

  app.put('/domains/:id/crm', { config: { permission: 'integrations:write' }, schema: { tags, params: IdParams, body: Body, response: errors } }, async (req) => {
    const { id } = req.params as { id: string }
    await domainOf(id, req)
    const body = req.body as { url: string; timeoutMs?: number; cacheTtlSec?: number; vipQueueId?: string | null; enabled?: boolean }
    let u: URL
    try { u = new URL(body.url) } catch { throw Invalid('invalid_url', 'url must be an absolute http(s) URL') }
    if (!['http:', 'https:'].includes(u.protocol)) throw Invalid('invalid_url', 'url must use http or https')
    if (body.vipQueueId) {
      const q = await app.database.prisma.queue.findUnique({ where: { id: body.vipQueueId }, select: { domainId: true } })
      if (!q || q.domainId !== id) throw Invalid('target_not_found', 'vipQueueId must be a queue of this domain')
    }
    const ctx = requestCtx(req)
    return commitChange(deps, ctx.actor, 'crm_connector', async (tx) => {
      const before = await repo.findByDomain(tx, id)
      const after = await repo.upsert(tx, id, { url: body.url, timeoutMs: body.timeoutMs ?? 150, cacheTtlSec: body.cacheTtlSec ?? 300, vipQueueId: body.vipQueueId ?? null, enabled: body.enabled ?? true })
      return { result: after, audit: { action: before ? 'crm_connector.updated' : 'crm_connector.created', entityType: 'crm_connector', entityId: after.id, domainId: id, before, after } }
    })
  })

  app.delete('/domains/:id/crm', { config: { permission: 'integrations:write' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    const { id } = req.params as { id: string }
    await domainOf(id, req)
    const before = await repo.findByDomain(app.database.prisma, id)
    if (!before) throw NotFound('crm_connector', id)
    await commitChange(deps, requestCtx(req).actor, 'crm_connector', async (tx) => {
      await repo.delete(tx, id)
      return { result: undefined, audit: { action: 'crm_connector.deleted', entityType: 'crm_connector', entityId: before.id, domainId: id, before } }
    })
    return reply.status(204).send()
  })
}

export default crmRoutes
