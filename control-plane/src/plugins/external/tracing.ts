// OpenTelemetry for the app: starts the process-wide tracer when OTEL_EXPORTER_OTLP_ENDPOINT is set,
// and gives every API request a server span (continuing a W3C traceparent if the caller sent one)
// in whose context the handler, its DB work and its logs run. Off: one boolean test per request.
import fp from 'fastify-plugin'
import type { Span } from '@opentelemetry/api'
import { contextFromTraceparent, runInContext, startSpan, startTracing, stopTracing, tracingEnabled } from '../../lib/tracing.ts'

declare module 'fastify' {
  interface FastifyRequest {
    span?: Span
  }
}

export default fp(
  async (app) => {
    const otel = app.config.events.otel
    const owned = otel ? await startTracing({ endpoint: otel.endpoint, serviceName: otel.serviceName, instanceId: app.config.instanceId }) : false
    if (owned) app.log.info({ endpoint: otel!.endpoint }, 'tracing: exporting spans over OTLP/HTTP')
    app.decorateRequest('span', undefined)
    app.addHook('onRequest', (req, _reply, done) => {
      if (!tracingEnabled()) return done()
      const s = startSpan(`HTTP ${req.method}`, { 'http.request.method': req.method, 'url.path': req.url.split('?')[0], 'sb.request_id': req.id }, contextFromTraceparent(req.headers.traceparent))
      if (!s) return done()
      req.span = s.span
      runInContext(s.ctx, done)
    })
    app.addHook('onResponse', async (req, reply) => {
      if (!req.span) return
      req.span.updateName(`${req.method} ${req.routeOptions.url ?? 'unmatched'}`)
      req.span.setAttributes({ 'http.route': req.routeOptions.url ?? '', 'http.response.status_code': reply.statusCode })
      req.span.end()
    })
    app.addHook('onClose', async () => {
      if (owned) await stopTracing()
    })
  },
  { name: 'tracing' },
)
