// /api/v1/users/:id/personal-data (GDPR export) and /api/v1/users/:id/erase (erasure with
// pseudonymised CDRs). ADMIN only (privacy:*), and journaled.
import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@fastify/type-provider-typebox'
import { ErrorBody, IdParams } from '../provisioning/resource-routes.ts'
import { requestCtx } from '../provisioning/context.ts'
import { privacyService } from './privacy.service.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }

const privacyRoutes: FastifyPluginAsync = async (app) => {
  const service = privacyService({ prisma: app.database.prisma, state: app.state })
  app.get('/users/:id/personal-data', { config: { permission: 'privacy:read' }, schema: { tags: ['privacy'], params: IdParams, response: { 200: Type.Unknown(), ...errors } } }, async (req, reply) => {
    const data = await service.export((req.params as { id: string }).id, requestCtx(req))
    reply.header('content-disposition', `attachment; filename="personal-data-${(req.params as { id: string }).id}.json"`)
    return JSON.parse(JSON.stringify(data, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)))
  })
  app.post('/users/:id/erase', {
    config: { permission: 'privacy:write' },
    schema: { tags: ['privacy'], params: IdParams, response: { 200: Type.Object({ pseudonym: Type.String(), cdrsPseudonymised: Type.Integer(), accountsDeleted: Type.Integer() }), ...errors } },
  }, async (req) => service.erase((req.params as { id: string }).id, requestCtx(req)))
}

export default privacyRoutes
