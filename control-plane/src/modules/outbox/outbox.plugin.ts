// Starts the outbox worker when OUTBOX_WORKER_ENABLED (every instance competes for the leader
// lock; one works). Metrics are registered whether it runs or not, so dashboards see zeros.
import fp from 'fastify-plugin'
import { outboxMetrics } from './outbox-metrics.ts'
import { outboxWorker } from './worker.ts'
import { advisoryLeaderLock, alwaysLeader } from './leader-lock.ts'

declare module 'fastify' {
  interface FastifyInstance {
    outbox: ReturnType<typeof outboxWorker>
  }
}

export default fp(
  async (app) => {
    const cfg = app.config.events
    const onError = (what: string) => (err: Error) => app.log.warn({ err: err.message }, what)
    const worker = outboxWorker({
      prisma: app.database.prisma,
      keys: app.config.encryption,
      config: cfg,
      lock: app.database.kind === 'postgres' && app.config.databaseUrl ? advisoryLeaderLock(app.config.databaseUrl, onError('outbox leader connection')) : alwaysLeader(),
      // amqplib is loaded only when AMQP is configured (memory: issue 4's RSS budget)
      amqp: cfg.amqp ? (await import('./amqp-publisher.js')).amqpPublisher({ url: cfg.amqp.url, exchange: cfg.amqp.exchange, onError: onError('AMQP connection') }) : undefined,
      metrics: outboxMetrics(app.metrics),
      log: app.log,
      audit: app.logs.audit,
    })
    app.decorate('outbox', worker)
    if (cfg.outbox.enabled) app.addHook('onReady', async () => worker.start())
    app.addHook('onClose', async () => worker.stop())
  },
  { name: 'outbox', dependencies: ['database', 'metrics', 'log-streams'] },
)
