// POST /api/v1/routing/explain: the decision Kamailio would get for this call, with the trace of
// which rule, schedule and trunk matched and why. It runs the very code the lookup runs.
import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@fastify/type-provider-typebox'
import { parseRouteParams, LookupInputError } from '../kamailio/lookup-params.ts'
import { BadRequest } from '../../lib/errors.ts'

const ExplainBody = Type.Object(
  {
    from: Type.String({ minLength: 1, description: 'caller: an extension (authenticated subscriber) or a number (from a trunk)' }),
    to: Type.String({ minLength: 1, description: 'dialled number or extension' }),
    domain: Type.Optional(Type.String({ description: "the caller's SIP domain" })),
    srcIp: Type.Optional(Type.String({ description: 'source address; a trunk inbound IP makes it an inbound call' })),
    // no schema default: Fastify's ajv fills defaults in, and a default of true made every call
    // with srcIp (a trunk's address) an authenticated subscriber's instead of trunk traffic
    authenticated: Type.Optional(Type.Boolean({ description: 'default: true without srcIp, false with it; false = an unauthenticated caller (trunk traffic)' })),
    at: Type.Optional(Type.String({ format: 'date-time', description: 'evaluate schedules at this instant' })),
  },
  { additionalProperties: false },
)

const explainRoutes: FastifyPluginAsync = async (app) => {
  app.post('/routing/explain', { config: { permission: 'routing:read' }, schema: { tags: ['routing'], body: ExplainBody } }, async (req) => {
    const b = req.body as { from: string; to: string; domain?: string; srcIp?: string; authenticated?: boolean; at?: string }
    const domain = b.domain ?? ''
    const authenticated = b.authenticated ?? !b.srcIp
    let request
    try {
      request = parseRouteParams({
        callid: `explain-${req.id}`, from_user: b.from, from_domain: domain, to_user: b.to, ruri_user: b.to, ruri_domain: domain,
        src_ip: b.srcIp ?? '127.0.0.1', src_port: '5060', proto: 'udp', auth_user: authenticated ? b.from : '', auth_domain: authenticated ? domain : '',
      })
    } catch (err) {
      if (err instanceof LookupInputError) throw BadRequest('invalid_request', err.message)
      throw err
    }
    return app.lookups.report(request, b.at ? new Date(b.at) : undefined)
  })
}

export default explainRoutes
