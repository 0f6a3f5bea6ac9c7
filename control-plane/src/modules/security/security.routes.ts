// /api/v1/security: the SIP ban list (list with reason and expiry, ban, unban), the allowlist and
// the resulting trusted set with the state of its last push to Kamailio. Platform-wide: a
// domain-scoped principal never holds security:* (see permissions.ts).
import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@fastify/type-provider-typebox'
import { ErrorBody, IdParams } from '../provisioning/resource-routes.ts'
import { requestCtx } from '../provisioning/context.ts'
import { Nullable, Uuid } from '../provisioning/schema-helpers.ts'
import { bansService } from './bans.service.ts'
import type { TrustedSyncer } from './trusted-sync.plugin.ts'

const Ban = Type.Object({ ip: Type.String(), reason: Type.String(), expiresAt: Nullable(Type.String({ format: 'date-time' })) })
const Allow = Type.Object({ id: Uuid, ip: Type.String(), reason: Nullable(Type.String()), createdAt: Type.String({ format: 'date-time' }) })
const IpParams = Type.Object({ ip: Type.String({ minLength: 2, maxLength: 45 }) })
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 503: ErrorBody }

const securityRoutes: FastifyPluginAsync<{ syncer: TrustedSyncer }> = async (app, opts) => {
  const service = bansService({ prisma: app.database.prisma, rpc: opts.syncer.rpc, sync: () => opts.syncer.run() })
  const tags = ['security']

  app.get('/security/bans', { config: { permission: 'security:read' }, schema: { tags, response: { 200: Type.Object({ items: Type.Array(Ban) }), ...errors } } }, async () => ({ items: await service.list() }))

  app.post('/security/bans', {
    config: { permission: 'security:write' },
    schema: { tags, body: Type.Object({ ip: Type.String({ maxLength: 45 }), seconds: Type.Integer({ minimum: 1, maximum: 30 * 86_400 }), reason: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }), response: { 201: Ban, ...errors } },
  }, async (req, reply) => reply.status(201).send(await service.ban(req.body as { ip: string; seconds: number; reason?: string }, requestCtx(req))))

  app.delete('/security/bans/:ip', { config: { permission: 'security:write' }, schema: { tags, params: IpParams, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    await service.unban((req.params as { ip: string }).ip, requestCtx(req))
    return reply.status(204).send()
  })

  app.get('/security/allowlist', { config: { permission: 'security:read' }, schema: { tags, response: { 200: Type.Object({ items: Type.Array(Allow) }), ...errors } } }, async () => ({ items: await service.allowlist() }))

  app.post('/security/allowlist', {
    config: { permission: 'security:write' },
    schema: { tags, body: Type.Object({ ip: Type.String({ maxLength: 45 }), reason: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }), response: { 201: Allow, ...errors } },
  }, async (req, reply) => reply.status(201).send(await service.allow(req.body as { ip: string; reason?: string }, requestCtx(req))))

  app.delete('/security/allowlist/:id', { config: { permission: 'security:write' }, schema: { tags, params: IdParams, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    await service.disallow((req.params as { id: string }).id, requestCtx(req))
    return reply.status(204).send()
  })

  app.get('/security/trusted', {
    config: { permission: 'security:read' },
    schema: {
      tags,
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({ ip: Type.String(), source: Type.String() })),
          lastSync: Nullable(Type.Object({ at: Type.String(), ok: Type.Boolean(), added: Type.Integer(), removed: Type.Integer(), error: Type.Optional(Type.String()) })),
        }),
        ...errors,
      },
    },
  }, async () => ({ items: await service.trusted(), lastSync: opts.syncer.last ?? null }))
}

export default securityRoutes
