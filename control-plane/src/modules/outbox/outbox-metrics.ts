import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export function outboxMetrics(registry: Registry) {
  return {
    lag: new Gauge({ name: 'sb_outbox_lag_seconds', help: 'Age of the oldest event not yet dispatched (0: none waiting)', registers: [registry] }),
    leader: new Gauge({ name: 'sb_outbox_leader', help: '1 when this instance runs the outbox worker', registers: [registry] }),
    dispatched: new Counter({ name: 'sb_outbox_dispatched_total', help: 'Events dispatched (fanned out to webhooks, published to AMQP)', labelNames: ['type'], registers: [registry] }),
    webhook: new Counter({ name: 'sb_webhook_deliveries_total', help: 'Webhook delivery attempts by result (delivered, failed, dead)', labelNames: ['result'], registers: [registry] }),
    webhookLatency: new Histogram({ name: 'sb_webhook_duration_seconds', help: 'Webhook POST duration', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] }),
    amqp: new Counter({ name: 'sb_amqp_publish_total', help: 'AMQP messages by result (confirmed, failed)', labelNames: ['result'], registers: [registry] }),
  }
}

export type OutboxMetrics = ReturnType<typeof outboxMetrics>
