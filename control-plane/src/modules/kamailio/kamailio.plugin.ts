// Wires the Kamailio loop into the app: the routing snapshot, the lookups (in the lookup worker, or
// in this thread with CP_LOOKUP_WORKER=false), the JSON-RPC listener Kamailio's janssonrpcc connects
// to, and the HTTP twins under /internal/kamailio/v1.
import fp from 'fastify-plugin'
import { sharedAgentStateStore } from '../acd/agent-state.ts'
import { SnapshotHolder } from '../routing/snapshot.ts'
import path from 'node:path'
import { eventSink, type SpooledEvent } from '../events/event-sink.ts'
import { eventSpool } from '../events/event-spool.ts'
import { liveState } from '../events/live-state.ts'
import { crmService } from '../crm/crm.service.ts'
import { createJsonRpcServer, type JsonRpcServer } from './jsonrpc-server.ts'
import { lookups, type LookupService } from './lookups.ts'
import { startLookupWorker, type LookupWorkerHost } from './lookup-worker-host.ts'
import { lookupMetrics } from './lookup-metrics.ts'
import { Counter, Gauge } from 'prom-client'

declare module 'fastify' {
  interface FastifyInstance {
    routingSnapshot: SnapshotHolder
    lookups: LookupService
  }
}

export default fp(
  async (app) => {
    const snapshotVersion = new Gauge({ name: 'sb_routing_snapshot_version', help: 'Routing epoch of the snapshot in memory', registers: [app.metrics] })
    const crmResults = new Counter({ name: 'sb_crm_lookups_total', help: 'CRM lookups during routing by result (hit, ok, timeout, error, open)', labelNames: ['result'], registers: [app.metrics] })
    const crm = crmService(app.database.prisma, { ...app.config.events.crm, onResult: (result) => crmResults.inc({ result }) })
    await crm.reload()
    // production: auth and route in the lookup worker, which holds the only compiled snapshot; the
    // main thread loads it from the database, applies events and answers the worker's CRM questions
    let worker: LookupWorkerHost | undefined
    // a scrape first takes the worker's latest batch (it sends one every 200 ms otherwise)
    const metrics = lookupMetrics(app.metrics, async () => worker?.flushMetrics())
    // An event's promise settles when its CDR batch is committed (cdr.service.ts), and a call's
    // events wait for each other (lookups.ts), so the events in flight bound the batch size: at
    // 4, batches of ~4 could not keep up with 1,000 calls/s (docs/benchmarks.md). The listener
    // starts queued events back to back (tens of µs each), so this also bounds how long a lookup
    // can wait behind a burst of them.
    const notificationConcurrency = 256
    if (app.config.lookupWorker) {
      worker = await startLookupWorker({
        jsonRpc: app.config.jsonRpc,
        deadlineMs: app.config.internal.lookupDeadlineMs,
        notificationConcurrency,
        ...(app.config.events.otel ? { tracing: { endpoint: app.config.events.otel.endpoint, serviceName: app.config.events.otel.serviceName, instanceId: app.config.instanceId } } : {}),
        log: app.log,
        diagnostic: app.logs.diagnostic,
        metrics,
        // the worker forwards events only once it listens, i.e. after snapshot.start() below
        onEvent: (params) => local.event(params),
        crmProfile: (req) => crm.profileFor(snapshot, req),
        onRestart: () => void snapshot.rebuild().catch((err) => app.log.error({ err: (err as Error).message }, 'no routing snapshot for the new lookup worker')),
      })
    }
    const syncCrm = () => worker?.setCrmDomains(crm.domainIds())
    syncCrm()
    const snapshot = new SnapshotHolder({
      prisma: app.database.prisma,
      state: app.state,
      agents: sharedAgentStateStore(app.state),
      logger: app.log,
      ...(worker ? { target: worker } : {}),
      onRebuilt: ({ version }) => {
        snapshotVersion.set(version)
        // connectors change through provisioning, which bumps the routing epoch
        void crm.reload().then(syncCrm, (err) => app.log.warn({ err: (err as Error).message }, 'CRM connectors not reloaded'))
      },
    })
    // CDRs and events that arrive while PostgreSQL is unreachable wait in DATA_DIR/spool (replayed every second)
    const spool = eventSpool<SpooledEvent>(path.join(app.config.dataDir, 'spool'))
    const sink = eventSink({ prisma: app.database.prisma, snapshot, live: liveState(app.metrics), media: app.hasDecorator('media') ? app.media : undefined, log: app.log, spool })
    // in this thread: every lookup when the worker is off, the events either way
    const local = lookups({
      snapshot,
      metrics,
      log: app.log,
      diagnostic: app.logs.diagnostic,
      onEvent: (event, decision) => sink.apply(event, decision),
      crm: { profileFor: (req) => crm.profileFor(snapshot, req) },
    })
    try {
      await snapshot.start()
    } catch (err) {
      await worker?.close()
      throw err
    }
    app.decorate('routingSnapshot', snapshot)

    new Gauge({ name: 'sb_event_spool_pending', help: 'CDR updates and events waiting in the local spool for the database', registers: [app.metrics], collect() { this.set(spool.pending) } })
    const replay = setInterval(() => {
      if (spool.pending === 0) return
      void sink.replaySpool().then((n) => { if (n > 0) app.log.info({ replayed: n, pending: spool.pending }, 'spooled events written to the database') })
    }, 1000)
    replay.unref()
    // registrations that ran out without a refresh become registration.changed (expired)
    const sweep = setInterval(() => void sink.sweepExpired().catch((err) => app.log.warn({ err: (err as Error).message }, 'registration expiry sweep failed')), 10_000)
    sweep.unref()
    const service: LookupService = worker ?? local
    app.decorate('lookups', service)

    let rpc: JsonRpcServer | undefined
    if (app.config.jsonRpc.enabled && !worker) {
      rpc = createJsonRpcServer({
        host: app.config.jsonRpc.host,
        port: app.config.jsonRpc.port,
        deadlineMs: app.config.internal.lookupDeadlineMs,
        logger: app.log,
        handlers: { auth: local.auth, route: local.route, event: local.event },
        notificationConcurrency,
        onNotification: (method, params) => {
          if (method !== 'event') return void app.log.warn({ method }, 'unknown JSON-RPC notification')
          return local.event(params).catch((err) => app.log.warn({ err: (err as Error).message }, 'event not processed'))
        },
      })
      await rpc.listen()
      app.log.info({ address: rpc.address() }, 'JSON-RPC listener for Kamailio ready')
    }
    app.addHook('onClose', async () => {
      clearInterval(sweep)
      clearInterval(replay)
      await rpc?.close()
      await snapshot.stop()
      await worker?.close()
    })
  },
  { name: 'kamailio-loop', dependencies: ['database', 'shared-state', 'metrics', 'log-streams'] },
)
