// The main thread's side of the lookup worker (lookup-worker.ts): starts it, hands it every routing
// snapshot (it is SnapshotHolder's target), answers what it asks (events, CRM profiles), replays its
// logs and metrics, and offers the app the same LookupService as the in-thread lookups (the HTTP
// twins and explain go to the worker too, so they answer from the very snapshot Kamailio's lookups
// use).
//
// If the worker dies (a bug: it has no I/O of its own to fail on), the host starts a new one after
// a second and asks for a snapshot again (onRestart); calls meanwhile get no answer from the
// listener, and Kamailio's janssonrpcc times them out into its failure route (503).
import { Worker } from 'node:worker_threads'
import { Unavailable } from '../../lib/errors.ts'
import type { FastifyBaseLogger } from 'fastify'
import type { ExplainReport, LookupService } from './lookups.ts'
import type { LookupMetrics } from './lookup-metrics.ts'
import type { AgentStates, SnapshotData, SnapshotTarget } from '../routing/snapshot-store.ts'
import type { CallerProfile, RouteRequest } from '../routing/engine/types.ts'
import { PendingRequests, wireError, type HostMessage, type WorkerData, type WorkerMessage } from './lookup-worker-protocol.ts'

export interface LookupWorkerOptions {
  jsonRpc: { enabled: boolean; host: string; port: number }
  deadlineMs: number
  notificationConcurrency: number
  tracing?: WorkerData['tracing']
  log: FastifyBaseLogger
  diagnostic: FastifyBaseLogger
  metrics: LookupMetrics
  /** applies an event Kamailio sent (the main thread's lookups.event) */
  onEvent: (params: unknown) => Promise<unknown>
  /** the CRM profile of a call the worker routes (only asked for domains in setCrmDomains) */
  crmProfile: (req: RouteRequest) => Promise<CallerProfile | undefined> | undefined
  /** a new worker replaced one that died: it needs a snapshot (SnapshotHolder.rebuild) */
  onRestart: () => void
  /** wait before a dead worker is replaced (default 1,000 ms) */
  restartDelayMs?: number
}

export interface LookupWorkerHost extends SnapshotTarget, LookupService {
  /** the worker's metrics batch, replayed now (resolves at once when no worker runs) */
  flushMetrics(): Promise<void>
  setCrmDomains(ids: string[]): void
  /** the worker's thread id (tests and diagnostics) */
  readonly threadId: number
  /** stops the worker as if it had died (tests): it is replaced after restartDelayMs */
  terminate(): Promise<void>
  close(): Promise<void>
}


/** The worker's module: the compiled file under dist/, the TypeScript source under tsx. */
function workerUrl(): { url: URL; workerData?: { entry: string } } {
  const self = import.meta.url
  if (self.endsWith('.js')) return { url: new URL('./lookup-worker.js', self) }
  // a worker does not inherit tsx's loader (Node 20): a small boot module registers it first
  return { url: new URL('../../lib/tsx-worker-boot.mjs', self), workerData: { entry: new URL('./lookup-worker.ts', self).href } }
}

export async function startLookupWorker(opts: LookupWorkerOptions): Promise<LookupWorkerHost> {
  const data: WorkerData = { jsonRpc: opts.jsonRpc, deadlineMs: opts.deadlineMs, notificationConcurrency: opts.notificationConcurrency, logLevel: opts.log.level, ...(opts.tracing ? { tracing: opts.tracing } : {}) }
  let worker!: Worker
  const pending = new PendingRequests()
  let closing = false
  let crmDomains: string[] = []
  let alive = false
  let restartTimer: NodeJS.Timeout | undefined

  const post = (m: HostMessage) => worker.postMessage(m)
  function request<T>(m: (id: number) => HostMessage): Promise<T> {
    // between a worker's death and its replacement nothing would answer
    // (explain and the HTTP twins answer 503 lookups_unavailable, not 500)
    if (!alive) return Promise.reject(Unavailable('lookups_unavailable', 'the lookup worker is restarting; retry in a few seconds'))
    return pending.ask<T>((id) => post(m(id)))
  }
  const answer = (id: number, p: Promise<unknown> | unknown) =>
    Promise.resolve(p).then((result) => post({ t: 'answer', id, result }), (err: unknown) => post({ t: 'answer', id, error: wireError(err) }))

  function onMessage(m: WorkerMessage): void {
    switch (m.t) {
      case 'installed':
        if (m.listening) opts.log.info({ address: m.listening, threadId: worker.threadId }, 'JSON-RPC listener for Kamailio ready (lookup worker)')
        return pending.settle(m.id, undefined, { warnings: m.warnings })
      case 'failed':
        return pending.settle(m.id, m.error)
      case 'reply':
        return pending.settle(m.id, m.error, m.result)
      case 'event':
        return void answer(m.id, opts.onEvent(m.params))
      case 'crm':
        return void answer(m.id, opts.crmProfile(m.req))
      case 'metrics':
        for (const [kind, outcome, seconds] of m.observations) opts.metrics.observe(kind, outcome, seconds)
        for (const [outcome, n] of Object.entries(m.decisions)) opts.metrics.decision(outcome, n)
        return
      case 'log': {
        // the bindings as fields of the line: a pino child per forwarded line cost more than the line
        const logger = m.stream === 'diagnostic' ? opts.diagnostic : opts.log
        logger[m.level]({ ...m.bindings, ...m.obj }, m.msg)
        return
      }
    }
  }

  function spawn(): Promise<void> {
    const { url, workerData } = workerUrl()
    worker = new Worker(url, { workerData: { ...workerData, ...data } })
    worker.on('message', onMessage)
    worker.on('error', (err) => opts.log.error({ err: err.message, stack: err.stack }, 'lookup worker failed'))
    const started = new Promise<void>((resolve, reject) => {
      worker.once('online', () => {
        alive = true
        resolve()
      })
      worker.once('exit', (code) => reject(new Error(`the lookup worker exited (code ${code}) while starting`)))
    })
    worker.on('exit', (code) => {
      alive = false
      pending.rejectAll(Unavailable('lookups_unavailable', 'the lookup worker exited; retry in a few seconds'))
      if (closing) return
      opts.log.error({ code }, 'lookup worker exited; starting a new one')
      restartTimer = setTimeout(() => {
        spawn().then(() => {
          if (crmDomains.length) post({ t: 'crmDomains', ids: crmDomains })
          opts.onRestart()
        }, (err: Error) => opts.log.error({ err: err.message }, 'lookup worker did not restart'))
      }, opts.restartDelayMs ?? 1000)
    })
    return started
  }
  await spawn()

  return {
    get threadId() {
      return worker.threadId
    },
    install: (snapshot: SnapshotData) => request<{ warnings: string[] }>((id) => ({ t: 'install', id, data: snapshot })),
    setAgents(states: AgentStates) {
      post({ t: 'agents', states })
    },
    setCrmDomains(ids) {
      crmDomains = ids
      post({ t: 'crmDomains', ids })
    },
    auth: (params) => request((id) => ({ t: 'call', id, method: 'auth', params })),
    route: (params) => request((id) => ({ t: 'call', id, method: 'route', params })),
    event: (params) => opts.onEvent(params),
    flushMetrics: () => (alive ? request<void>((id) => ({ t: 'call', id, method: 'flushMetrics' })) : Promise.resolve()),
    async ping() {
      if (!(await request<boolean>((id) => ({ t: 'call', id, method: 'ping' })))) throw new Error('the lookup worker has no routing snapshot yet')
    },
    report: (req, at, profile) => request<ExplainReport>((id) => ({ t: 'call', id, method: 'report', req, ...(at ? { at: at.getTime() } : {}), ...(profile ? { profile } : {}) })),
    async terminate() {
      await worker.terminate()
    },
    async close() {
      closing = true
      clearTimeout(restartTimer)
      if (!alive) return
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
      post({ t: 'close' })
      const timer = setTimeout(() => void worker.terminate(), 2000)
      await exited
      clearTimeout(timer)
    },
  }
}
