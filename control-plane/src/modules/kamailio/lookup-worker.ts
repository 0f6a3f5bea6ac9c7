// The lookup worker: a worker thread that answers Kamailio's auth and route lookups on the JSON-RPC
// listener, from the only compiled copy of the routing snapshot. Why a thread of its own: in the
// main thread a lookup waited behind everything else there (CDR writes through Prisma, the API) and
// behind the collections of that heap; at 400 calls/s the main loop's p99 delay was ~50 ms, and every
// INVITE paid it (docs/benchmarks.md). Here the heap is the snapshot and the lookups' short-lived
// garbage, and nothing else runs on the loop.
//
// What stays in the main thread, asked over messages (lookup-worker-host.ts holds the other end):
// the database (snapshots arrive ready to compile), Kamailio's events (forwarded; they write CDRs),
// CRM lookups (only for domains with a connector), logs and metrics (forwarded in batches).
import { parentPort, workerData } from 'node:worker_threads'
import type { FastifyBaseLogger } from 'fastify'
import { SnapshotStore } from '../routing/snapshot-store.ts'
import { createJsonRpcServer, type JsonRpcServer } from './jsonrpc-server.ts'
import { lookups } from './lookups.ts'
import type { LookupMetrics } from './lookup-metrics.ts'
import type { CallerProfile } from '../routing/engine/types.ts'
import { startTracing, stopTracing } from '../../lib/tracing.ts'
import { crmTarget } from '../crm/crm.service.ts'
import { PendingRequests, wireError, type HostMessage, type WorkerData, type WorkerMessage, type Observation } from './lookup-worker-protocol.ts'

const port = parentPort
if (!port) throw new Error('lookup-worker.ts runs as a worker thread (lookup-worker-host.ts starts it)')
const config = workerData as WorkerData
const send = (m: WorkerMessage) => port.postMessage(m)
// a thread has its own copy of the tracer: started here too, the lookups' spans (trace id from the
// Call-ID, as the main thread's) join their call's trace
if (config.tracing) await startTracing(config.tracing)

// ------------------------------------------------------------------ logs and metrics, forwarded
function forwardingLogger(stream: 'app' | 'diagnostic', bindings: Record<string, unknown> = {}): FastifyBaseLogger {
  const at = (level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal') => (obj: unknown, msg?: string) => {
    const plain = obj instanceof Error ? { err: { message: obj.message } } : typeof obj === 'object' && obj !== null ? obj : { msg: String(obj) }
    send({ t: 'log', stream, level, bindings, obj: plain as Record<string, unknown>, msg })
  }
  return {
    level: config.logLevel,
    child: (b: Record<string, unknown>) => forwardingLogger(stream, { ...bindings, ...b }),
    trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal'),
    silent: () => undefined,
  } as unknown as FastifyBaseLogger
}
const log = forwardingLogger('app', { component: 'lookup-worker' })

// observations are sent as they are (the main thread feeds its histogram with them) every 200 ms:
// at 10,000 lookups/s that is 5 messages a second, not 10,000
let observations: Observation[] = []
let decisions: Record<string, number> = {}
const metrics: LookupMetrics = {
  observe: (kind, outcome, seconds) => void observations.push([kind, outcome, seconds]),
  decision: (outcome) => void (decisions[outcome] = (decisions[outcome] ?? 0) + 1),
  event: () => undefined, // events are counted where they are applied, in the main thread
}
function flushMetrics(): void {
  if (observations.length === 0 && Object.keys(decisions).length === 0) return
  send({ t: 'metrics', observations, decisions })
  observations = []
  decisions = {}
}
setInterval(flushMetrics, 200).unref()

// ------------------------------------------------------------------ requests to the main thread
const asked = new PendingRequests()
const ask = (m: (id: number) => WorkerMessage): Promise<unknown> => asked.ask((id) => send(m(id)))

// ------------------------------------------------------------------ the lookups
const store = new SnapshotStore()
let crmDomainIds = new Set<string>()
const service = lookups({
  snapshot: store,
  metrics,
  log,
  diagnostic: forwardingLogger('diagnostic'),
  onEvent: async () => undefined, // never called: events go to the main thread whole
  crm: {
    profileFor(req) {
      if (crmDomainIds.size === 0) return undefined
      const target = crmTarget(store, req)
      if (!target || !crmDomainIds.has(target.domain.id)) return undefined
      return ask((id) => ({ t: 'crm', id, req })) as Promise<CallerProfile | undefined>
    },
  },
})
const forwardEvent = (params: unknown) => ask((id) => ({ t: 'event', id, params }))

let rpc: JsonRpcServer | undefined
async function listen(): Promise<string | undefined> {
  if (!config.jsonRpc.enabled || rpc) return undefined
  const server = createJsonRpcServer({
    host: config.jsonRpc.host,
    port: config.jsonRpc.port,
    deadlineMs: config.deadlineMs,
    logger: log,
    handlers: { auth: service.auth, route: service.route, event: forwardEvent },
    notificationConcurrency: config.notificationConcurrency,
    onNotification: (method, params) => {
      if (method !== 'event') return void log.warn({ method }, 'unknown JSON-RPC notification')
      return forwardEvent(params).catch((err: Error) => log.warn({ err: err.message }, 'event not processed'))
    },
  })
  await server.listen()
  rpc = server
  const a = server.address()
  return `${a.address}:${a.port}`
}

port.on('message', (m: HostMessage) => {
  switch (m.t) {
    case 'install':
      try {
        const { warnings } = store.install(m.data)
        listen().then((listening) => send({ t: 'installed', id: m.id, warnings, listening }), (err) => send({ t: 'failed', id: m.id, error: wireError(err) }))
      } catch (err) {
        send({ t: 'failed', id: m.id, error: wireError(err) })
      }
      return
    case 'agents':
      return store.setAgents(m.states)
    case 'crmDomains':
      crmDomainIds = new Set(m.ids)
      return
    case 'call': {
      const run = (): Promise<unknown> | unknown => {
        if (m.method === 'ping') return store.loaded
        // messages keep their order: the batch is replayed before this answer arrives
        if (m.method === 'flushMetrics') return flushMetrics()
        if (m.method === 'report') return service.report(m.req, m.at === undefined ? undefined : new Date(m.at), m.profile)
        return m.method === 'auth' ? service.auth(m.params) : service.route(m.params)
      }
      Promise.resolve().then(run).then((result) => send({ t: 'reply', id: m.id, result }), (err: unknown) => send({ t: 'reply', id: m.id, error: wireError(err) }))
      return
    }
    case 'answer':
      return asked.settle(m.id, m.error, m.result)
    case 'close':
      void (rpc?.close() ?? Promise.resolve()).then(() => stopTracing()).finally(() => port.close())
      return
  }
})
