// OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set. When off, `withSpan` calls
// the function directly (one boolean test): Kamailio's lookup path pays nothing for tracing it does
// not use. When on, spans are batched and exported over OTLP/HTTP.
//
// Keyed to the Call-ID: every span about a call (its route lookup, its dialog events, the CDR write,
// the delivery of its events) descends from a parent whose trace id is derived from the Call-ID,
// so one call is one trace even though Kamailio reaches us in separate, unrelated requests.
import { AsyncLocalStorage } from 'node:async_hooks'
import { createHash, randomBytes } from 'node:crypto'
import { context, trace, ROOT_CONTEXT, SpanStatusCode, TraceFlags, isSpanContextValid, type Attributes, type Context, type ContextManager, type Span } from '@opentelemetry/api'
// The SDK and the OTLP exporter are loaded only when tracing is switched on: they cost ~25 MB of
// RSS that a control plane without OTEL_EXPORTER_OTLP_ENDPOINT should not pay.
import type { BasicTracerProvider, SpanExporter } from '@opentelemetry/sdk-trace-base'

let enabled = false
let provider: BasicTracerProvider | undefined

/** A context manager on AsyncLocalStorage, so the active span follows awaits. */
class AlsContextManager implements ContextManager {
  private als = new AsyncLocalStorage<Context>()
  active = () => this.als.getStore() ?? ROOT_CONTEXT
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.als.run(ctx, () => fn.apply(thisArg, args))
  }
  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target
    const self = this
    return function (this: unknown, ...args: unknown[]) {
      return self.with(ctx, () => (target as (...a: unknown[]) => unknown).apply(this, args))
    } as T
  }
  enable = () => this
  disable = () => {
    this.als.disable()
    return this
  }
}

export interface TracingOptions {
  endpoint?: string
  serviceName: string
  instanceId: string
  /** tests: an in-memory exporter instead of OTLP */
  exporter?: SpanExporter
}

/** Process-wide (OpenTelemetry's API is global). Returns false when tracing stays off. */
export async function startTracing(o: TracingOptions): Promise<boolean> {
  if (enabled || (!o.endpoint && !o.exporter)) return false
  const [{ BasicTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ])
  if (enabled) return false
  const exporter = o.exporter ?? new OTLPTraceExporter({ url: `${o.endpoint!.replace(/\/$/, '')}/v1/traces` })
  provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': o.serviceName, 'service.instance.id': o.instanceId }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500 })],
  })
  context.setGlobalContextManager(new AlsContextManager())
  trace.setGlobalTracerProvider(provider)
  enabled = true
  return true
}

export async function stopTracing(): Promise<void> {
  if (!enabled) return
  enabled = false
  await provider?.forceFlush().catch(() => {})
  await provider?.shutdown().catch(() => {})
  trace.disable()
  context.disable()
  provider = undefined
}

export const tracingEnabled = () => enabled
export const flushTraces = async () => void (await provider?.forceFlush())

const tracer = () => trace.getTracer('switchboard-control-plane')

/** The trace id of a call: the same for every span about that Call-ID, on every instance. */
export const callTraceId = (callId: string) => createHash('sha256').update(callId).digest('hex').slice(0, 32)

function callContext(callId: string): Context {
  return trace.setSpanContext(context.active(), { traceId: callTraceId(callId), spanId: randomBytes(8).toString('hex'), traceFlags: TraceFlags.SAMPLED, isRemote: true })
}

/**
 * Runs fn inside a span (when tracing is on). With `callId`, and no active span of that call
 * already, the span joins the call's trace.
 */
export function withSpan<T>(name: string, attributes: Attributes & { callId?: string }, fn: (span?: Span) => T): T {
  if (!enabled) return fn()
  const { callId, ...attrs } = attributes
  let parent = context.active()
  if (callId) {
    attrs['sip.call_id'] = callId
    if (trace.getSpanContext(parent)?.traceId !== callTraceId(callId)) parent = callContext(callId)
  }
  return tracer().startActiveSpan(name, { attributes: attrs }, parent, (span) => {
    const end = (err?: unknown) => {
      if (err) span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) })
      span.end()
    }
    try {
      const r = fn(span)
      if (r instanceof Promise) return r.then((v) => (end(), v), (e) => (end(e), Promise.reject(e))) as T
      end()
      return r
    } catch (e) {
      end(e)
      throw e
    }
  })
}

/** A span the caller ends (API requests: started in onRequest, ended in onResponse). */
export function startSpan(name: string, attributes: Attributes, parent: Context = context.active()): { span: Span; ctx: Context } | undefined {
  if (!enabled) return undefined
  const span = tracer().startSpan(name, { attributes }, parent)
  return { span, ctx: trace.setSpan(parent, span) }
}

export function runInContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn)
}

/** The active trace id, for logs and event correlation (undefined when tracing is off). */
export function currentTraceId(): string | undefined {
  if (!enabled) return undefined
  const sc = trace.getSpanContext(context.active())
  return sc && isSpanContextValid(sc) ? sc.traceId : undefined
}

/** W3C traceparent → a parent context (RFC: https://www.w3.org/TR/trace-context/#traceparent-header). */
export function contextFromTraceparent(header: string | string[] | undefined): Context {
  const v = Array.isArray(header) ? header[0] : header
  const m = v && /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(v.trim())
  if (!m) return ROOT_CONTEXT
  const sc = { traceId: m[1], spanId: m[2], traceFlags: parseInt(m[3], 16), isRemote: true }
  return isSpanContextValid(sc) ? trace.setSpanContext(ROOT_CONTEXT, sc) : ROOT_CONTEXT
}
