// HTTP twins of the JSON-RPC lookups, for tests and other callers. Only Kamailio's addresses or a
// caller holding INTERNAL_TOKEN may use them. The body mirrors JSON-RPC: { result } or
// { error: { code, message } } where code is a SIP status for route rejections.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { timingSafeEqual } from 'node:crypto'
import { Type } from '@fastify/type-provider-typebox'
import { Forbidden } from '../../lib/errors.ts'
import { RpcError } from './jsonrpc-server.ts'
import { bearer } from '../../plugins/app/auth.ts'

function allowed(req: FastifyRequest, token: string | undefined, ips: string[]): boolean {
  const given = bearer(req)
  if (token && given) {
    const a = Buffer.from(given)
    const b = Buffer.from(token)
    return a.length === b.length && timingSafeEqual(a, b)
  }
  return ips.includes(req.ip)
}

const internalRoutes: FastifyPluginAsync = async (app) => {
  const { token, allowedIps } = app.config.internal
  app.addHook('onRequest', async (req) => {
    if (!allowed(req, token, allowedIps)) throw Forbidden('internal_forbidden', 'the Kamailio hooks accept only Kamailio addresses or the internal token')
  })
  const Body = Type.Object({}, { additionalProperties: true })
  const handlers = { auth: app.lookups.auth, route: app.lookups.route, events: app.lookups.event }
  for (const [name, handler] of Object.entries(handlers)) {
    app.post(`/internal/kamailio/v1/${name}`, { schema: { hide: true, body: Body } }, async (req, reply) => {
      try {
        return { result: await handler(req.body) }
      } catch (err) {
        if (err instanceof RpcError) {
          reply.status(err.rpcCode === 400 ? 400 : 200)
          return { error: { code: err.rpcCode, message: err.message } }
        }
        throw err
      }
    })
  }
}

export default internalRoutes
