// Prometheus metrics. One registry per app instance (tests build many apps in one process).
import fp from 'fastify-plugin'
import { Registry, collectDefaultMetrics, Histogram } from 'prom-client'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry
  }
}

export default fp(
  async (app) => {
    const registry = new Registry()
    registry.setDefaultLabels({ service: 'control-plane' })
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 })
    const httpDuration = new Histogram({
      name: 'sb_http_request_duration_seconds',
      help: 'API request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    })
    app.decorate('metrics', registry)
    app.addHook('onResponse', async (req, reply) => {
      // the route pattern, never the raw URL: ids in paths would explode the label cardinality
      const route = req.routeOptions.url ?? 'unmatched'
      httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000)
    })
    app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
      reply.header('content-type', registry.contentType)
      return registry.metrics()
    })
  },
  { name: 'metrics' },
)
