import { Counter, Histogram, type Registry } from 'prom-client'

export interface LookupMetrics {
  observe(kind: string, outcome: string, seconds: number): void
  /** n: decisions with this outcome (the lookup worker sends them counted) */
  decision(outcome: string, n?: number): void
  event(type: string): void
}

/** beforeCollect: runs before each scrape reads the metrics (the lookup worker flushes its batch) */
export function lookupMetrics(registry: Registry, beforeCollect?: () => Promise<void>): LookupMetrics {
  const collect = beforeCollect ? async () => beforeCollect().catch(() => undefined) : undefined
  const latency = new Histogram({
    name: 'sb_lookup_duration_seconds',
    help: 'Kamailio lookup latency inside the control plane, by kind and outcome',
    labelNames: ['kind', 'outcome'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [registry],
    ...(collect ? { collect } : {}),
  })
  const decisions = new Counter({ name: 'sb_route_decisions_total', help: 'Routing decisions by outcome', labelNames: ['outcome'], registers: [registry], ...(collect ? { collect } : {}) })
  const events = new Counter({ name: 'sb_kamailio_events_total', help: 'Events received from Kamailio', labelNames: ['type'], registers: [registry] })
  return {
    observe: (kind, outcome, seconds) => latency.observe({ kind, outcome }, seconds),
    decision: (outcome, n = 1) => decisions.inc({ outcome }, n),
    event: (type) => events.inc({ type }),
  }
}
