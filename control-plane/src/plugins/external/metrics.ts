// Prometheus metrics. One registry per app instance (tests build many apps in one process).
import fp from 'fastify-plugin'
import { PerformanceObserver, constants as perf } from 'node:perf_hooks'
import { Registry, collectDefaultMetrics, Histogram } from 'prom-client'

const GC_KINDS: Record<number, string> = {
  [perf.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [perf.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [perf.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [perf.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
}

/** nodejs_gc_duration_seconds, counting every collection. prom-client's own (15.1) records only the
 *  first entry of each observer callback, and Node hands over several at once when collections come
 *  in quick succession (a busy process with a small young generation: docs/benchmarks.md §2), so it
 *  counted ~1 in 4. Same name and labels; finer buckets, as pauses here are well under 10 ms. */
function gcHistogram(registry: Registry): PerformanceObserver {
  registry.removeSingleMetric('nodejs_gc_duration_seconds')
  const h = new Histogram({
    name: 'nodejs_gc_duration_seconds',
    help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    labelNames: ['kind'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  })
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = GC_KINDS[(e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other'
      h.observe({ kind }, e.duration / 1000)
    }
  })
  obs.observe({ entryTypes: ['gc'] })
  return obs
}

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
    const gc = gcHistogram(registry)
    app.addHook('onClose', async () => gc.disconnect())
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
