// The three questions Kamailio asks (docs/kamailio-contract.md), answered from memory: the HA1 of
// a subscriber, the route of a new call, and the events it reports. Shared by the JSON-RPC
// listener (Kamailio's hot path) and the HTTP endpoints (tests, explain, other callers). In
// production auth and route run in the lookup worker (lookup-worker.ts) and events in the main
// thread; LookupService is what both arrangements offer the rest of the app.
import type { FastifyBaseLogger } from 'fastify'
import { decide, rejectToRpcError, toRtjson, type Decision, type RouteRequest } from '../routing/engine/index.ts'
import type { SnapshotView } from '../routing/snapshot-store.ts'
import { RpcError } from './jsonrpc-server.ts'
import { LookupInputError, parseAuthParams, parseDecisionToken, parseEvent, parseRouteParams, type KamailioEvent } from './lookup-params.ts'
import type { DecisionSummary } from '../cdr/cdr.service.ts'
import type { LookupMetrics } from './lookup-metrics.ts'
import { withSpan } from '../../lib/tracing.ts'
import type { CallerProfile, TraceStep } from '../routing/engine/types.ts'

export interface LookupDeps {
  snapshot: SnapshotView
  metrics: LookupMetrics
  log: FastifyBaseLogger
  /** the diagnostic log stream (registrations, SIP-side detail); defaults to `log` */
  diagnostic?: FastifyBaseLogger
  onEvent: (event: KamailioEvent, decision: DecisionSummary | undefined) => Promise<void>
  now?: () => Date
  /** the caller's CRM profile when the call's domain has a connector (undefined: none, no wait) */
  crm?: { profileFor(req: RouteRequest): Promise<CallerProfile | undefined> | undefined }
}

/** POST /routing/explain's answer: plain data, so it crosses from the lookup worker as is. */
export interface ExplainReport {
  snapshotVersion: number
  decision: { outcome: 'route'; kind: string; label: string; rtjson: unknown } | { outcome: 'reject'; sipCode: number; reason: string; code: string }
  trace: TraceStep[]
}

/** What the app asks of the lookups, wherever they run (in this thread, or the lookup worker). */
export interface LookupService {
  auth(params: unknown): Promise<unknown>
  route(params: unknown): Promise<unknown>
  event(params: unknown): Promise<unknown>
  report(req: RouteRequest, at?: Date, profile?: CallerProfile): ExplainReport | Promise<ExplainReport>
  /** resolves when lookups can be answered (the readiness check) */
  ping(): Promise<void>
}


export function lookups(deps: LookupDeps) {
  // Call-ID → the last event of that call still being applied (see `event`).
  const inFlight = new Map<string, Promise<void>>()

  // Lookups over JSON-RPC have no HTTP request id: each gets a sequence number, turned into a
  // request id only when a line is actually logged (the hot path does not pay for it).
  let seq = 0
  const logFor = (log: FastifyBaseLogger, n: number, callId: string) => log.child({ reqId: `kam-${n}`, callId })
  const diagnostic = deps.diagnostic ?? deps.log
  const debugging = () => deps.log.level === 'debug' || deps.log.level === 'trace'

  const guard = <P extends { callId?: string }, R>(kind: string, parse: (p: unknown) => P, fn: (p: P, n: number) => R | Promise<R>) => async (params: unknown): Promise<R> => {
    const n = ++seq
    const t0 = performance.now()
    let outcome = 'ok'
    try {
      let parsed: P
      try {
        parsed = parse(params)
      } catch (err) {
        if (err instanceof LookupInputError) throw new RpcError(400, `bad ${kind} request: ${err.message}`)
        throw err
      }
      return await withSpan(`kamailio.${kind}`, { callId: parsed.callId || undefined }, () => fn(parsed, n))
    } catch (err) {
      outcome = err instanceof RpcError ? String(err.rpcCode) : 'error'
      throw err
    } finally {
      deps.metrics.observe(kind, outcome, (performance.now() - t0) / 1000)
    }
  }

  const explain = (req: RouteRequest, now: Date = deps.now?.() ?? new Date(), callerProfile?: CallerProfile, trace = true): Decision =>
    decide(deps.snapshot.current, req, { now, agents: deps.snapshot.agentView, trace, ...(callerProfile ? { callerProfile } : {}) })

  const routeWith = (req: RouteRequest, n: number, profile: CallerProfile | undefined) => {
    // Kamailio never reads the trace: not building it is most of a decision's allocations
    const decision = explain(req, undefined, profile, false)
    deps.metrics.decision(decision.outcome === 'route' ? decision.kind : `reject_${decision.code}`)
    if (decision.outcome === 'reject') {
      // a 407 is the first INVITE of every authenticated call, not news: debug; other rejects: info
      if (decision.sipCode !== 407) logFor(deps.log, n, req.callId).info({ code: decision.code, sipCode: decision.sipCode }, 'route rejected')
      else if (debugging()) logFor(deps.log, n, req.callId).debug({ code: decision.code }, 'route rejected: challenge the caller')
      const e = rejectToRpcError(decision)
      throw new RpcError(e.code, e.message)
    }
    if (decision.acd) deps.snapshot.setCursor(decision.acd.queueId, decision.acd.nextCursor)
    if (debugging()) logFor(deps.log, n, req.callId).debug({ decision: decision.label }, 'route decided')
    return toRtjson(decision)
  }

  const report = (req: RouteRequest, at?: Date, profile?: CallerProfile): ExplainReport => {
    const decision = explain(req, at, profile)
    return {
      snapshotVersion: deps.snapshot.current.version,
      decision: decision.outcome === 'route' ? { outcome: 'route', kind: decision.kind, label: decision.label, rtjson: toRtjson(decision) } : { outcome: 'reject', sipCode: decision.sipCode, reason: decision.reason, code: decision.code },
      trace: decision.trace,
    }
  }

  return {
    explain,
    report,
    ping: async () => void deps.snapshot.current,

    auth: guard('auth', parseAuthParams, (p) => {
      const row = deps.snapshot.auth(p.user, p.domain)
      if (!row || !row.enabled) throw new RpcError(404, 'unknown user')
      return { ha1: row.ha1, ha1b: row.ha1b, expires: { min: row.regMinExpires, max: row.regMaxExpires, default: row.regDefaultExpires }, tls_only: row.tlsOnly }
    }),

    route: guard('route', parseRouteParams, (req, n) => {
      // the CRM's answer, when the call's domain has a connector: bounded by its budget, never fatal
      const pending = deps.crm?.profileFor(req)
      return pending ? pending.then((profile) => routeWith(req, n, profile)) : routeWith(req, n, undefined)
    }),

    event: guard('event', parseEvent, async (event, n) => {
      deps.metrics.event(event.type)
      if (event.type === 'registration') {
        logFor(diagnostic, n, event.callId).info({ aor: event.fields.aor, expires: event.fields.expires }, 'registration')
        await deps.onEvent(event, undefined)
        return { ok: true }
      }
      logFor(diagnostic, n, event.callId).info({ event: event.type, code: event.fields.code, side: event.fields.side }, 'dialog event')
      // Kamailio sends a call's events back to back (dialog.start and dialog.answered are often in
      // the same 10 ms batch) and notifications are handled concurrently: applied in parallel, two
      // CDR transactions raced on the same Call-ID and one was lost (no answeredAt, or no
      // call.started). Apply the events of one call in arrival order.
      const previous = inFlight.get(event.callId) ?? Promise.resolve()
      // what the CDR needs of the routing comes back with the event (the decision token Kamailio
      // keeps in the dialog): no per-call memory here, and a standby knows it as well as the active
      const mine = previous.catch(() => undefined).then(() => deps.onEvent(event, parseDecisionToken(event.fields.decision)))
      inFlight.set(event.callId, mine)
      try {
        await mine
      } finally {
        if (inFlight.get(event.callId) === mine) inFlight.delete(event.callId)
      }
      return { ok: true }
    }),
  }
}

export type Lookups = ReturnType<typeof lookups>
