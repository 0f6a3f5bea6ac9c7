// Settings of the event pipeline and observability (issue 7): outbox worker, webhooks, AMQP,
// OpenTelemetry, CRM circuit breaker. Same rules as config.ts: validated at boot, one-line errors.
import { ConfigError, bool, int, optional, str, url } from './env.ts'

type Env = Record<string, string | undefined>

export interface ObservabilityConfig {
  outbox: { enabled: boolean; pollMs: number; batch: number; lockTtlMs: number }
  webhooks: { timeoutMs: number; maxAttempts: number; backoffBaseMs: number; backoffMaxMs: number }
  /** undefined: no AMQP delivery */
  amqp?: { url: string; exchange: string }
  /** undefined: tracing off */
  otel?: { endpoint: string; serviceName: string }
  crm: { breakerFailures: number; breakerCooldownMs: number; maxBudgetMs: number }
}

export function loadObservabilityConfig(env: Env, mode: 'development' | 'test' | 'production'): ObservabilityConfig {
  const amqpUrl = url(env, 'AMQP_URL', ['amqp', 'amqps'])
  const exchange = str(env, 'AMQP_EXCHANGE', 'switchboard.events')
  if (!/^[A-Za-z0-9_.:-]{1,255}$/.test(exchange)) throw new ConfigError('AMQP_EXCHANGE may only contain letters, digits and _.:-')
  const otelEndpoint = url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', ['http', 'https'])
  const backoffBaseMs = int(env, 'WEBHOOK_BACKOFF_BASE_MS', 1000, 10, 3_600_000)
  const backoffMaxMs = int(env, 'WEBHOOK_BACKOFF_MAX_MS', 3_600_000, 10, 86_400_000)
  if (backoffMaxMs < backoffBaseMs) throw new ConfigError('WEBHOOK_BACKOFF_MAX_MS must be >= WEBHOOK_BACKOFF_BASE_MS')
  return {
    // tests build many apps in one process: the worker runs only where a test asks for it
    outbox: {
      enabled: bool(env, 'OUTBOX_WORKER_ENABLED', mode !== 'test'),
      pollMs: int(env, 'OUTBOX_POLL_MS', 500, 10, 60_000),
      batch: int(env, 'OUTBOX_BATCH', 100, 1, 1000),
      lockTtlMs: int(env, 'OUTBOX_LOCK_TTL_MS', 15_000, 1000, 600_000),
    },
    webhooks: { timeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', 5000, 100, 60_000), maxAttempts: int(env, 'WEBHOOK_MAX_ATTEMPTS', 10, 1, 100), backoffBaseMs, backoffMaxMs },
    amqp: amqpUrl ? { url: amqpUrl, exchange } : undefined,
    otel: otelEndpoint ? { endpoint: otelEndpoint, serviceName: optional(env, 'OTEL_SERVICE_NAME') ?? 'switchboard-control-plane' } : undefined,
    crm: {
      breakerFailures: int(env, 'CRM_BREAKER_FAILURES', 5, 1, 1000),
      breakerCooldownMs: int(env, 'CRM_BREAKER_COOLDOWN_MS', 30_000, 100, 3_600_000),
      maxBudgetMs: int(env, 'CRM_MAX_BUDGET_MS', 300, 10, 5000),
    },
  }
}
