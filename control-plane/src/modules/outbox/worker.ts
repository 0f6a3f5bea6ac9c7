// The outbox worker: delivers every committed event at least once. Two steps per tick, on the
// leader only:
//  1. dispatch: the oldest undispatched events are published to AMQP (publisher confirms), written
//     to the audit log stream (audit.*), and fanned out into one delivery row per matching webhook;
//     then marked published. A failure leaves them for the next tick, in order.
//  2. deliver: due webhook deliveries are POSTed, signed; a failure is retried with exponential
//     backoff, and the last failed attempt makes the delivery DEAD (replayable from the API).
import type { Logger } from 'pino'
import type { FastifyBaseLogger } from 'fastify'
import type { PrismaClient } from '../../generated/prisma/client.ts'
import { decrypt, type KeyRing } from '../../lib/crypto.ts'
import { withSpan } from '../../lib/tracing.ts'
import type { ObservabilityConfig } from '../../config/observability.ts'
import { toEnvelope } from '../events/outbox.ts'
import { matchesFilter } from '../webhooks/signature.ts'
import type { AmqpPublisher } from './amqp-publisher.ts'
import type { LeaderLock } from './leader-lock.ts'
import type { OutboxMetrics } from './outbox-metrics.ts'
import { outboxRepository } from './outbox.repository.ts'
import { backoffMs, sendWebhook } from './webhook-sender.ts'

export interface WorkerDeps {
  prisma: PrismaClient
  keys: KeyRing
  config: Pick<ObservabilityConfig, 'outbox' | 'webhooks'>
  lock: LeaderLock
  amqp?: AmqpPublisher
  metrics: OutboxMetrics
  log: FastifyBaseLogger
  audit: Logger
}

const CONCURRENCY = 8

export function outboxWorker(d: WorkerDeps) {
  const repo = outboxRepository(d.prisma)
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let stopped = false

  async function dispatch(): Promise<number> {
    const rows = await repo.unpublished(d.config.outbox.batch)
    const oldest = rows[0]?.createdAt
    d.metrics.lag.set(oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0)
    if (rows.length === 0) return 0
    const events = rows.map(toEnvelope)
    if (d.amqp) {
      try {
        await withSpan('outbox.amqp.publish', { 'messaging.batch.message_count': events.length }, () => d.amqp!.publish(events))
        d.metrics.amqp.inc({ result: 'confirmed' }, events.length)
      } catch (err) {
        d.metrics.amqp.inc({ result: 'failed' }, events.length)
        await repo.failedDispatch(rows.map((r) => r.id))
        d.log.warn({ err: (err as Error).message, events: events.length }, 'AMQP publish failed; the events stay in the outbox')
        return 0
      }
    }
    const subs = await repo.enabledSubscriptions()
    const deliveries = events.flatMap((e) =>
      subs.filter((s) => (s.domainId === null || s.domainId === e.domainId) && matchesFilter(s.eventTypes, e.type)).map((s) => ({ subscriptionId: s.id, eventId: e.id })),
    )
    await repo.markDispatched(rows.map((r) => r.id), deliveries)
    for (const e of events) {
      d.metrics.dispatched.inc({ type: e.type.split('.')[0] })
      // the audit stream only ever shows committed entries: they come from the outbox
      if (e.type.startsWith('audit.')) d.audit.info({ reqId: e.correlation.requestId, traceId: e.correlation.traceId, eventId: e.id, domainId: e.domainId, ...e.data }, e.type)
    }
    return rows.length
  }

  async function deliverOne(row: Awaited<ReturnType<typeof repo.dueDeliveries>>[number]) {
    const event = toEnvelope(row.event)
    const attempts = row.attempts + 1
    const t0 = performance.now()
    const result = await withSpan('outbox.webhook.deliver', { callId: event.correlation.callId, 'sb.event_id': event.id, 'sb.event_type': event.type, 'http.url': row.subscription.url, 'sb.attempt': attempts }, async () => {
      let secret: string
      try {
        secret = decrypt(row.subscription.secretCiphertext, row.subscription.secretKeyId, d.keys, `webhook:${row.subscription.id}`)
      } catch (err) {
        return { ok: false, error: `secret unusable: ${(err as Error).message}` }
      }
      return sendWebhook(row.subscription.url, secret, event, d.config.webhooks.timeoutMs)
    })
    d.metrics.webhookLatency.observe((performance.now() - t0) / 1000)
    if (result.ok) {
      await repo.delivered(row.id, result.status, attempts)
      d.metrics.webhook.inc({ result: 'delivered' })
      return
    }
    const dead = attempts >= d.config.webhooks.maxAttempts
    const next = new Date(Date.now() + backoffMs(attempts, d.config.webhooks.backoffBaseMs, d.config.webhooks.backoffMaxMs))
    await repo.failed(row.id, attempts, dead, next, 'status' in result ? result.status : undefined, result.error ?? 'failed')
    d.metrics.webhook.inc({ result: dead ? 'dead' : 'failed' })
    d.log.warn({ callId: event.correlation.callId, eventId: event.id, subscriptionId: row.subscriptionId, attempts, dead, error: result.error }, dead ? 'webhook delivery dead-lettered' : 'webhook delivery failed; will retry')
  }

  // Subscriptions are served in parallel (CONCURRENCY at a time); one subscription's deliveries go
  // one after the other, oldest event first, so a receiver sees a call's events in order unless a
  // retry reorders them (consumers order by occurredAt and deduplicate on id).
  async function deliver(): Promise<number> {
    const due = await repo.dueDeliveries(d.config.outbox.batch)
    const bySub = new Map<string, typeof due>()
    for (const row of due) bySub.set(row.subscriptionId, [...(bySub.get(row.subscriptionId) ?? []), row])
    const queues = [...bySub.values()].map((rows) => rows.sort((a, b) => a.event.createdAt.getTime() - b.event.createdAt.getTime()))
    const serve = async (rows: typeof due) => {
      for (const row of rows) await deliverOne(row)
    }
    for (let i = 0; i < queues.length; i += CONCURRENCY) await Promise.all(queues.slice(i, i + CONCURRENCY).map(serve))
    return due.length
  }

  /** One pass; true when there may be more work right away. */
  async function tick(): Promise<boolean> {
    const leader = await d.lock.check()
    d.metrics.leader.set(leader ? 1 : 0)
    if (!leader) return false
    const n = await dispatch()
    const m = await deliver()
    return n === d.config.outbox.batch || m === d.config.outbox.batch
  }

  const schedule = (ms: number) => {
    if (stopped) return
    timer = setTimeout(() => {
      running = tick()
        .then((more) => schedule(more ? 0 : d.config.outbox.pollMs))
        .catch((err) => {
          d.log.error({ err: (err as Error).message }, 'outbox worker tick failed')
          schedule(d.config.outbox.pollMs * 4)
        })
    }, ms)
  }

  return {
    tick,
    start: () => schedule(0),
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running?.catch(() => {})
      await d.lock.release()
      await d.amqp?.close()
    },
  }
}
