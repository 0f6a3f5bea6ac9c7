// GET /cdrs (JSON, or CSV when the client asks for text/csv), GET /cdrs.csv and GET /cdrs/:id.
// Validation here, rules in cdr-query.service.ts.
import { Readable } from 'node:stream'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { ErrorBody, IdParams, type Page } from '../provisioning/resource-routes.ts'
import { requestCtx } from '../provisioning/context.ts'
import { CdrFilter, CdrItem, CdrList, CdrListQuery } from './cdr.schemas.ts'
import { cdrQueryService } from './cdr-query.service.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody }

const wantsCsv = (req: FastifyRequest) => {
  const accept = String(req.headers.accept ?? '')
  return /\btext\/csv\b/i.test(accept) && !/\bapplication\/json\b/i.test(accept)
}

const cdrRoutes: FastifyPluginAsync = async (app) => {
  const service = cdrQueryService(app.database.prisma)

  const sendCsv = (req: FastifyRequest, reply: FastifyReply, filter: CdrFilter) => {
    const chunks = service.exportCsv(filter, requestCtx(req))
    reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="cdrs.csv"')
    return reply.send(Readable.from(chunks))
  }

  app.get('/cdrs', { config: { permission: 'cdrs:read' }, schema: { tags: ['cdrs'], querystring: CdrListQuery, response: { 200: CdrList, ...errors } } }, async (req, reply) => {
    const { limit = 50, offset = 0, ...filter } = req.query as CdrFilter & Partial<Page>
    if (wantsCsv(req)) return sendCsv(req, reply, filter)
    const { items, total } = await service.list(filter, { limit, offset }, requestCtx(req))
    return { items, total, limit, offset }
  })

  app.get('/cdrs.csv', { config: { permission: 'cdrs:read' }, schema: { tags: ['cdrs'], querystring: CdrFilter, response: errors } }, async (req, reply) =>
    sendCsv(req, reply, req.query as CdrFilter),
  )

  app.get('/cdrs/:id', { config: { permission: 'cdrs:read' }, schema: { tags: ['cdrs'], params: IdParams, response: { 200: CdrItem, ...errors } } }, async (req) =>
    service.get((req.params as { id: string }).id, requestCtx(req)),
  )
}

export default cdrRoutes
