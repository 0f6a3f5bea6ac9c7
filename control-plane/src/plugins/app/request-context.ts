// Every request has an id (taken from X-Request-Id when a proxy set a sane one), echoed back and
// carried by every log line of that request.
import fp from 'fastify-plugin'

export const REQUEST_ID_HEADER = 'x-request-id'
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/

export function pickRequestId(header: string | string[] | undefined, generate: () => string): string {
  const v = Array.isArray(header) ? header[0] : header
  return v && SAFE_ID.test(v) ? v : generate()
}

export default fp(
  async (app) => {
    app.addHook('onRequest', async (req, reply) => {
      reply.header(REQUEST_ID_HEADER, req.id)
    })
  },
  { name: 'request-context' },
)
