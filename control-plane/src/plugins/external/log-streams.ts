// The audit and diagnostic log streams beside Fastify's own (application) logger: see
// lib/logger.ts streamLoggers(). Decorated as app.logs.
import fp from 'fastify-plugin'
import type { Logger } from 'pino'
import type { LogStream } from '../../lib/logger.ts'

declare module 'fastify' {
  interface FastifyInstance {
    logs: Record<LogStream, Logger>
  }
}

export default fp<{ logs: Record<LogStream, Logger> }>(
  async (app, opts) => {
    app.decorate('logs', opts.logs)
  },
  { name: 'log-streams' },
)
