// SIP call-rate benchmark (issue 10): Kamailio rendered from the product templates (without
// RTPengine: RTPENGINE_ENABLED=false) in front of the real control plane, SIPp as caller and callee,
// at rising call rates, in two modes in ONE run:
//   lookup: the product cfg; every INVITE asks the control plane over JSON-RPC (janssonrpcc);
//   (the two modes alternate at every rate, each step on a freshly started Kamailio)
//   native: the same rendered cfg with route[INVITE] rewritten by this script to apply a STATIC
//           rtjson document (the very answer the control plane gives for this call) without asking;
//           the product templates are untouched.
// Then REGISTER with digest at rising rates, every HA1 from the control plane (auth cache off).
// NOT a test: run by hand.
//
//   node_modules/.bin/tsx scripts/bench/sip-calls.ts [--rates 200,400,800,1200,1600,2000] [--seconds 10]
//     [--reg-rates 500,1000,2000,3000,4000] [--reg-seconds 5] [--children 4] [--async-workers 4]
//     [--wire auto|off] [--server compiled|in-process] [--log-level info] [--no-build] [--node-flags=…] [--env K=V …]
//     [--cpu-prof DIR]
//
// --server compiled (default): the control plane as production runs it (scripts/bench/production-server.ts):
//   `npm run build` (skipped with --no-build), then a child `node <npm start's flags> dist/…/server.js`
//   with npm start's environment, NODE_ENV=production, LOG_LEVEL=--log-level (its log in the temp dir),
//   on a throw-away PostgreSQL database that holds the dataset before it boots (--node-flags: added
//   after npm start's, a later V8 flag wins, e.g. --node-flags=--max-semi-space-size=16). The route document of
//   the native mode comes from its HTTP twin (POST /internal/kamailio/v1/route, INTERNAL_TOKEN). Its
//   CPU comes from /proc/<pid>; its GC pauses and event-loop delay from its Prometheus /metrics
//   (prom-client's default metrics, diffed over each step: nodejs_gc_duration_seconds by kind, and
//   nodejs_eventloop_lag_p99/max_seconds, sampled every 20 ms and reset at every scrape).
// --server in-process: the control plane in this script's process (buildTestApp: NODE_ENV=test, logs
//   silent, no production V8 flags), sharing its event loop with the benchmark's bookkeeping; loop
//   delay (1 ms resolution), GC pauses and CPU measured in this process (which includes the script).
// --wire: INVITE→180 also measured on the wire with tcpdump (sip-wire.ts; when it is installed).
// --cpu-prof DIR: a V8 CPU profile of the control plane: per measured step in-process; compiled,
//   one profile of the server's whole run (node --cpu-prof, written when it exits).
// After each step the script waits until the control plane has written that step's events (CDR +
// outbox rows, counted with this script's own Prisma client on the same database) and reports how
// long that took: a backlog left over would load the next step.
//
// Ports (nothing else here uses them): SIP 7060, Kamailio RPC 7071, control-plane JSON-RPC 7089 and
// HTTP 7080 (compiled), SIPp callee 7062, caller 7063 (from 127.0.0.2, the trunk's address),
// registrations 7064; SIPp media ports 15000 (callee), 15100 (caller), 15200 (registrations) (SIPp
// opens them even without RTP).
//
// A step counts when SIPp exits 0 (every call successful) and its final counters say so: calls
// that do not complete fail on -recv_timeout instead of hanging until the global timeout.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { buildTestApp, type TestApp } from '../../control-plane/test/support/app.ts'
import { createTestDatabase } from '../../control-plane/test/support/postgres.ts'
import { openDatabase } from '../../control-plane/src/db/database.ts'
import { kamailioContext, kamailioRpc } from '../../tests/support/daemons.ts'
import { renderKamailio } from '../../control-plane/src/modules/config-render/render.ts'
import { buildDataset, type Dataset } from './dataset.ts'
import { cpuSeconds, machine, peakRssMb, percentile, round, rssMb, treeSampler } from './stats.ts'
import { captureSip } from './sip-wire.ts'
import { buildServer, envAssignments, npmStartEnv, npmStartNodeFlags, productionEnv, ROOT, SERVER_ENTRY, snapshotLogged, startServer, stopProcess } from './production-server.ts'
import { Session } from 'node:inspector/promises'
import { monitorEventLoopDelay, PerformanceObserver, constants as perfConstants } from 'node:perf_hooks'
import type { PrismaClient } from '../../control-plane/src/generated/prisma/client.ts'

const { values: args } = parseArgs({
  options: {
    rates: { type: 'string', default: '200,400,800,1200,1600,2000' },
    seconds: { type: 'string', default: '10' },
    'reg-rates': { type: 'string', default: '500,1000,2000,3000,4000' },
    'reg-seconds': { type: 'string', default: '5' },
    children: { type: 'string', default: '4' },
    'async-workers': { type: 'string', default: '4' },
    wire: { type: 'string', default: 'auto' },
    'cpu-prof': { type: 'string' },
    /** compiled = `npm run build` then dist/ as `npm start` runs it; in-process = buildTestApp in this process */
    server: { type: 'string', default: 'compiled' },
    'log-level': { type: 'string', default: 'info' },
    'no-build': { type: 'boolean', default: false },
    /** compiled: extra flags for the control plane's node after npm start's, space-separated (e.g. --max-semi-space-size=16) */
    'node-flags': { type: 'string', default: '' },
    /** KEY=VALUE for the compiled server's environment (repeatable), e.g. --env OUTBOX_BATCH=20 */
    env: { type: 'string', multiple: true, default: [] },
  },
})
if (args.server !== 'compiled' && args.server !== 'in-process') throw new Error(`--server must be compiled or in-process, got ${args.server}`)
const P = { sip: 7060, rpc: 7071, cp: 7089, cpHttp: 7080, uas: 7062, uac: 7063, reg: 7064, uasMedia: 15000, uacMedia: 15100, regMedia: 15200 }
const DOMAIN = 'bench.switchboard.local'
const DID = '+33179990001' // outside the dataset's +3317DDNNNNN range
const HERE = import.meta.dirname
const log = (s: string) => process.stderr.write(`[sip-bench] ${s}\n`)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Proc { child: ChildProcess; out: () => string; stop(): Promise<void> }
function run(cmd: string, argv: string[], cwd: string): Proc {
  const child = spawn(cmd, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  // the last ~200 kB of output, kept as chunks: re-slicing one 200 kB string per chunk of Kamailio's
  // log cost this process (which is also the control plane) ~5 % of a core at 1,000 calls/s
  const chunks: Buffer[] = []
  let size = 0
  const keep = (b: Buffer) => {
    chunks.push(b)
    size += b.length
    while (chunks.length > 1 && size - chunks[0].length >= 200_000) size -= chunks.shift()!.length
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  return {
    child,
    out: () => Buffer.concat(chunks).toString(),
    stop: () => stopProcess(child, 5000),
  }
}

/** Kamailio from the rendered product cfg, optionally transformed (the native mode). */
async function startKamailio(dir: string, transform: (cfg: string) => string = (c) => c): Promise<Proc> {
  fs.mkdirSync(dir, { recursive: true })
  const ctx = kamailioContext({
    sipPort: P.sip, rpcPort: P.rpc, cpPort: P.cp, rtpengineNgPort: null,
    env: { SIP_ALIASES: DOMAIN, KAMAILIO_CHILDREN: args.children, KAMAILIO_ASYNC_WORKERS: args['async-workers'], KAMAILIO_AUTH_CACHE_TTL: '0' },
  }, dir)
  fs.mkdirSync(ctx.runtimeDir, { recursive: true })
  const cfgFile = path.join(dir, 'kamailio.cfg')
  fs.writeFileSync(cfgFile, transform(renderKamailio(ctx)))
  const k = run('kamailio', ['-DD', '-E', '-f', cfgFile, '-Y', ctx.runtimeDir, '-m', '1024', '-M', '64'], dir)
  const until = Date.now() + 15_000
  for (;;) {
    if (k.child.exitCode !== null) throw new Error(`kamailio exited ${k.child.exitCode}:\n${k.out().slice(-3000)}`)
    if (await kamailioRpc(P.rpc, 'core.uptime').then(() => true, () => false)) break
    if (Date.now() > until) { await k.stop(); throw new Error(`kamailio not ready:\n${k.out().slice(-3000)}`) }
    await sleep(100)
  }
  await sleep(1500) // janssonrpcc connects to the control plane
  return k
}

/** route[INVITE] without the lookup: the static rtjson document instead of route(ROUTE_LOOKUP). */
function nativeTransform(doc: unknown) {
  const literal = JSON.stringify(doc).replace(/\\/g, '\\\\').replace(/'/g, "\\'")
  return (cfg: string) => {
    const start = cfg.indexOf('route[INVITE] {')
    const at = cfg.indexOf('\troute(ROUTE_LOOKUP);\n}', start)
    if (start < 0 || at < 0) throw new Error('route[INVITE] … route(ROUTE_LOOKUP) not found in the rendered cfg: update nativeTransform')
    return cfg.slice(0, at) + `\t# benchmark: static route, no control-plane lookup\n\t$var(rtdoc) = '${literal}';\n\troute(APPLY_ROUTE);\n\texit;\n}` + cfg.slice(at + '\troute(ROUTE_LOOKUP);\n}'.length)
  }
}

interface Quantiles { p50: number; p99: number; n: number }
/** The control plane over one step. */
interface CpFigures {
  /** CPU cores it used (compiled: /proc/<pid>; in-process: this process, script included) */
  cpCores: number
  /** compiled: this script's own cores, for comparison */
  benchCores?: number
  /** event-loop delay p99/max as monitorEventLoopDelay reports it (the sampling interval included) */
  cpLoopMs?: { p99: number; max: number; resolutionMs: number }
  /** GC pauses (major = mark-compact); compiled: from /metrics, the max only as its histogram bucket's bound */
  cpGc?: { pauses: number; totalMs: number; majors: number; maxMs?: number; maxMsAtMost?: number; byKind?: Record<string, { n: number; ms: number }> }
  /** compiled: the lookups the control plane answered, by kind (route, auth, event: sb_lookup_duration_seconds;
   *  an event's time includes its wait for the batched database write), p99 as its histogram bucket's
   *  bound (negative: above the last bucket, -250 = "> 250 ms") */
  cpLookups?: Record<string, { n: number; meanMs: number; p99MsAtMost: number }>
}
interface SippStep extends CpFigures {
  rate: number; /** SIPp exit code: 0 = every call succeeded */ code: number; attempted: number; successful: number; failed: number
  /** SIPp's response time (~4 ms clock steps) */ rttMs: Quantiles
  /** the same on the wire (tcpdump, µs timestamps), when captured; invites: calls seen on the wire */ wireMs?: Quantiles & { invites: number; dropped: number | null }
  kamailioCores: number; kamailioBusiestProcessCores: number; loadAvg1: number
  /** outbox rows the control plane wrote for the step, seconds after SIPp's end until it had written
   *  them all, and the step's CDRs (one per call) with those still missing their end */
  events?: { rows: number; drainSec: number; cdrs: number; cdrsNotEnded: number }
}

/** The control plane under test, in this process or as the compiled server. */
interface ControlPlane {
  /** this script's Prisma client on the control plane's database (dataset, event counts) */
  prisma: PrismaClient
  ds: Dataset
  /** the route answer for the benchmark call */
  route(params: Record<string, string>): Promise<unknown>
  /** starts measuring a step; the returned function ends it */
  begin(profile?: string): Promise<() => Promise<CpFigures>>
  info: Record<string, unknown>
  close(): Promise<void>
}

type DatasetSetup = (prisma: PrismaClient) => Promise<Dataset>

async function inProcessControlPlane(setup: DatasetSetup): Promise<ControlPlane> {
  const h: TestApp = await buildTestApp({ env: { CP_JSONRPC_ENABLED: 'true', CP_JSONRPC_HOST: '127.0.0.1', CP_JSONRPC_PORT: String(P.cp), KAMAILIO_RPC_URL: `http://127.0.0.1:${P.rpc}/RPC` } })
  try {
    const ds = await setup(h.database.prisma)
    await h.app.routingSnapshot.rebuild()
    return {
      prisma: h.database.prisma,
      ds,
      route: (params) => h.app.lookups.route(params),
      info: { server: 'in-process (buildTestApp: NODE_ENV=test, logs silent, no production V8 flags)' },
      close: () => h.close(),
      async begin(profile) {
        const prof = profile ? new Session() : undefined
        if (prof) {
          prof.connect()
          await prof.post('Profiler.enable')
          await prof.post('Profiler.start')
        }
        const loop = monitorEventLoopDelay({ resolution: 1 })
        loop.enable()
        const gc = { pauses: 0, totalMs: 0, maxMs: 0, majors: 0 }
        const gcObs = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            gc.pauses++
            gc.totalMs += e.duration
            gc.maxMs = Math.max(gc.maxMs, e.duration)
            if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) gc.majors++
          }
        })
        gcObs.observe({ entryTypes: ['gc'] })
        const cpu0 = process.cpuUsage()
        const t0 = performance.now()
        return async () => {
          const wall = (performance.now() - t0) / 1000
          const cpu = process.cpuUsage(cpu0)
          loop.disable()
          gcObs.disconnect()
          if (prof) {
            const { profile: p } = await prof.post('Profiler.stop')
            fs.writeFileSync(profile!, JSON.stringify(p))
            prof.disconnect()
          }
          return {
            cpCores: round((cpu.user + cpu.system) / 1e6 / wall),
            cpLoopMs: { p99: round(loop.percentile(99) / 1e6), max: round(loop.max / 1e6), resolutionMs: 1 },
            cpGc: { pauses: gc.pauses, totalMs: round(gc.totalMs), maxMs: round(gc.maxMs), majors: gc.majors },
          }
        }
      },
    }
  } catch (err) {
    await h.close()
    throw err
  }
}

/** Prometheus text: one sample per line, `name{label="v",…} value`. */
interface Sample { name: string; labels: Record<string, string>; value: number }
function parseMetrics(text: string): Sample[] {
  const out: Sample[] = []
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line)
    if (!m) continue
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2]
    out.push({ name: m[1], labels, value: Number(m[3]) })
  }
  return out
}
const sum = (xs: Sample[], name: string, where: (l: Record<string, string>) => boolean = () => true) => xs.filter((x) => x.name === name && where(x.labels)).reduce((a, x) => a + x.value, 0)
/** The upper bound of the histogram bucket that holds the quantile q of the observations between two
 *  scrapes; above the last finite bucket: minus that bucket's bound (e.g. -0.25 = "> 0.25"). */
function bucketQuantile(before: Sample[], after: Sample[], name: string, q: number, where: (l: Record<string, string>) => boolean = () => true): number {
  const les = [...new Set(after.filter((x) => x.name === `${name}_bucket` && where(x.labels)).map((x) => x.labels.le))]
  const diff = (le: string) => sum(after, `${name}_bucket`, (l) => l.le === le && where(l)) - sum(before, `${name}_bucket`, (l) => l.le === le && where(l))
  const total = sum(after, `${name}_count`, where) - sum(before, `${name}_count`, where)
  if (total === 0) return 0
  const bounds = les.map((le) => ({ le: le === '+Inf' ? Infinity : Number(le), n: diff(le) })).sort((a, b) => a.le - b.le)
  const at = bounds.find((b) => b.n >= q * total)?.le ?? Infinity
  // JSON has no Infinity: above the last finite bucket reads as that bound, negated
  return Number.isFinite(at) ? at : -Math.max(...bounds.map((b) => b.le).filter(Number.isFinite))
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

/** The compiled server as `npm start` runs it, a child on a throw-away database that holds the dataset at boot. */
async function compiledControlPlane(setup: DatasetSetup, tmp: string): Promise<ControlPlane> {
  for (const p of [P.cp, P.cpHttp]) if (!(await portFree(p))) throw new Error(`port ${p} is in use`)
  const db = await createTestDatabase()
  let database: Awaited<ReturnType<typeof openDatabase>> | undefined
  let child: ChildProcess | undefined
  const stop = async () => {
    if (child) await stopProcess(child, 12_000)
    await database?.close().catch(() => undefined)
    await db.drop().catch((err) => log(`could not drop ${db.name}: ${err}`))
  }
  try {
    database = await openDatabase({ databaseUrl: db.url, dataDir: tmp, migrate: false })
    const ds = await setup(database.prisma)
    if (!args['no-build']) {
      log('building the control plane (npm run build)')
      buildServer()
    }
    const nodeArgs = [...npmStartNodeFlags(), ...args['node-flags'].split(' ').filter(Boolean)]
    if (args['cpu-prof']) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`)
    const extra = {
      ...npmStartEnv(),
      KAMAILIO_RPC_URL: `http://127.0.0.1:${P.rpc}/RPC`,
      // no rtpengine in this bench: the control plane's ng address answers nothing (as in-process);
      // RTPENGINE_ENABLED is read by the cfg renderer, set for symmetry with the rendered Kamailio
      RTPENGINE_NG: '127.0.0.1:9',
      RTPENGINE_ENABLED: 'false',
      ...envAssignments(args.env),
    }
    const env = productionEnv({ databaseUrl: db.url, dataDir: path.join(tmp, 'cp-data'), httpPort: P.cpHttp, rpcPort: P.cp, logLevel: args['log-level'], extra })
    const serverLog = path.join(tmp, 'server.log')
    const server = await startServer({ nodeArgs, env, logFile: serverLog, httpPort: P.cpHttp, ready: snapshotLogged(serverLog) })
    child = server.child
    const pid = server.pid
    const base = `http://127.0.0.1:${P.cpHttp}`
    await sleep(2000) // the first GCs after boot settle
    const idle0 = cpuSeconds(pid)
    await sleep(3000)
    const idleCores = round((cpuSeconds(pid) - idle0) / 3)
    const rebuilt = server.log().split('\n').filter((l) => l.includes('routing snapshot rebuilt')).map((l) => JSON.parse(l) as { ms: number; users: number })
    const lastRebuild = rebuilt[rebuilt.length - 1]
    if (lastRebuild && lastRebuild.users !== ds.counts.users) throw new Error(`the server's snapshot does not hold the dataset: ${JSON.stringify(lastRebuild)}`)
    const token = env.INTERNAL_TOKEN!
    const metrics = async () => parseMetrics(await (await fetch(`${base}/metrics`)).text())
    if (!(await metrics()).some((x) => x.name === 'nodejs_gc_duration_seconds_count')) log('the server\'s /metrics has no nodejs_gc_duration_seconds: GC figures will be 0')
    log(`control plane pid ${pid} up (node ${nodeArgs.join(' ')} ${path.relative(ROOT, SERVER_ENTRY)}); snapshot ${lastRebuild ? `${lastRebuild.users} users in ${lastRebuild.ms} ms` : '(not logged at this level)'}; RSS ${round(rssMb(pid), 1)} MB; idle ${idleCores} core`)
    const info: Record<string, unknown> = {
      server: 'compiled', entry: path.relative(ROOT, SERVER_ENTRY), nodeArgs, env: { ...npmStartEnv(), NODE_ENV: 'production', LOG_LEVEL: args['log-level'] },
      pid, snapshotRebuildMs: lastRebuild?.ms, rssIdleMb: round(rssMb(pid), 1), idleCores,
    }
    return {
      prisma: database.prisma,
      ds,
      info,
      async route(params) {
        const r = await fetch(`${base}/internal/kamailio/v1/route`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(params) })
        const body = (await r.json()) as { result?: unknown; error?: unknown }
        if (!r.ok || !body.result) throw new Error(`route lookup over HTTP: ${r.status} ${JSON.stringify(body)}`)
        return body.result
      },
      async begin() {
        const m0 = await metrics() // this scrape also resets prom-client's event-loop histogram
        const cpu0 = cpuSeconds(pid)
        const own0 = process.cpuUsage()
        const t0 = performance.now()
        return async () => {
          const wall = (performance.now() - t0) / 1000
          const cpu = cpuSeconds(pid) - cpu0
          const own = process.cpuUsage(own0)
          const m1 = await metrics()
          const d = (name: string, where?: (l: Record<string, string>) => boolean) => sum(m1, name, where) - sum(m0, name, where)
          const kinds = [...new Set(m1.filter((x) => x.name === 'nodejs_gc_duration_seconds_count').map((x) => x.labels.kind))]
          const byKind = Object.fromEntries(kinds.map((k) => [k, { n: d('nodejs_gc_duration_seconds_count', (l) => l.kind === k), ms: round(d('nodejs_gc_duration_seconds_sum', (l) => l.kind === k) * 1000) }]))
          const lookupKinds = [...new Set(m1.filter((x) => x.name === 'sb_lookup_duration_seconds_count').map((x) => x.labels.kind))]
          const cpLookups = Object.fromEntries(lookupKinds.map((k) => {
            const of = (l: Record<string, string>) => l.kind === k
            const n = d('sb_lookup_duration_seconds_count', of)
            return [k, { n, meanMs: n ? round((d('sb_lookup_duration_seconds_sum', of) / n) * 1000, 3) : 0, p99MsAtMost: bucketQuantile(m0, m1, 'sb_lookup_duration_seconds', 0.99, of) * 1000 }]
          }).filter(([, v]) => (v as { n: number }).n > 0))
          return {
            cpCores: round(cpu / wall),
            benchCores: round((own.user + own.system) / 1e6 / wall),
            cpLoopMs: { p99: round(sum(m1, 'nodejs_eventloop_lag_p99_seconds') * 1000), max: round(sum(m1, 'nodejs_eventloop_lag_max_seconds') * 1000), resolutionMs: 20 },
            cpGc: {
              pauses: d('nodejs_gc_duration_seconds_count'), totalMs: round(d('nodejs_gc_duration_seconds_sum') * 1000), majors: d('nodejs_gc_duration_seconds_count', (l) => l.kind === 'major'),
              maxMsAtMost: bucketQuantile(m0, m1, 'nodejs_gc_duration_seconds', 1) * 1000, byKind,
            },
            cpLookups,
          }
        }
      },
      async close() {
        info.rssEndMb = round(rssMb(pid), 1)
        info.rssPeakLifetimeMb = round(peakRssMb(pid), 1)
        const logBytes = fs.statSync(serverLog).size
        info.logBytes = logBytes
        await stop()
      },
    }
  } catch (err) {
    await stop()
    throw err
  }
}

const quantiles = (xs: number[], digits = 3): Quantiles => {
  const sorted = Float64Array.from(xs).sort()
  return { p50: round(percentile(sorted, 50), digits), p99: round(percentile(sorted, 99), digits), n: sorted.length }
}

/** Outbox rows so far, once the count has stopped moving for 1.5 s (the control plane's event backlog is written). */
async function settledEvents(prisma: PrismaClient, since: number): Promise<{ rows: number; drainSec: number }> {
  let last = -1, lastChange = performance.now()
  const until = performance.now() + 180_000
  for (;;) {
    const n = await prisma.outboxEvent.count()
    if (n !== last) { last = n; lastChange = performance.now() }
    if (performance.now() - lastChange >= 1500 || performance.now() > until) return { rows: last, drainSec: round(Math.max(0, lastChange - since) / 1000, 1) }
    await sleep(250)
  }
}

const loadAvg1 = () => Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0])

async function sippStep(o: { scenario: string; port: number; ip: string; mediaPort: number; rate: number; seconds: number; extra: string[]; kamPid: number; dir: string; cp: ControlPlane; wire?: boolean; profile?: string }): Promise<SippStep> {
  const dir = fs.mkdtempSync(path.join(o.dir, `sipp-${o.rate}-`))
  const calls = o.rate * o.seconds
  const argv = [
    '-sf', path.join(HERE, 'sipp', o.scenario), '-i', o.ip, '-p', String(o.port), '-t', 'u1',
    '-r', String(o.rate), '-m', String(calls), '-l', String(o.rate * 4),
    '-default_behaviors', 'all,-abortunexp', '-nostdin', '-timeout', `${o.seconds + 30}s`, '-timeout_error',
    '-recv_timeout', '10000', '-mp', String(o.mediaPort),
    '-trace_stat', '-stf', path.join(dir, 'stat.csv'), '-fd', '1', '-trace_rtt', '-rtt_freq', '1',
    ...o.extra, `127.0.0.1:${P.sip}`,
  ]
  const wire = o.wire ? await captureSip(o.port, path.join(dir, 'sip.pcap')) : null
  const cpEnd = await o.cp.begin(o.profile)
  const kam = treeSampler(o.kamPid)
  const s = run('sipp', argv, dir)
  const code = await new Promise<number>((r) => s.child.once('exit', (c) => r(c ?? -1)))
  const k = kam.stop()
  const cpFigures = await cpEnd()
  const w = wire ? await wire.stop() : null
  const load = loadAvg1()
  const statLines = fs.readFileSync(path.join(dir, 'stat.csv'), 'utf8').trim().split('\n')
  const head = statLines[0].split(';')
  const last = statLines[statLines.length - 1].split(';')
  const col = (name: string) => Number(last[head.indexOf(name)] ?? NaN)
  const rttFile = fs.readdirSync(dir).find((f) => f.endsWith('_rtt.csv'))
  const rtts = rttFile
    ? fs.readFileSync(path.join(dir, rttFile), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(';')[1])).filter(Number.isFinite)
    : []
  return {
    // SIPp writes a last stat row when it exits: its counters are final
    rate: o.rate, code, attempted: calls, successful: col('SuccessfulCall(C)'), failed: col('FailedCall(C)'), loadAvg1: load,
    rttMs: quantiles(rtts),
    ...(w ? { wireMs: { ...quantiles(w.ms), invites: w.invites, dropped: w.dropped } } : {}),
    kamailioCores: k.cores, kamailioBusiestProcessCores: k.busiestProcessCores,
    ...cpFigures,
  }
}

async function main() {
  const report: Record<string, unknown> = { machine: machine(), kamailioChildren: Number(args.children), kamailioAsyncWorkers: Number(args['async-workers']), rtpengine: 'disabled (RTPENGINE_ENABLED=false)' }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-sip-'))
  const rates = args.rates.split(',').map(Number)
  const seconds = Number(args.seconds)
  let kam: Proc | undefined
  let uas: Proc | undefined
  // one domain of 10,000 users; carrier trunks towards the SIPp callee; the caller is the carrier
  // at 127.0.0.2 dialling a DID forwarded to an outside number (one route lookup per call)
  const setup: DatasetSetup = async (prisma) => {
    const ds = await buildDataset(prisma, { domains: 1, usersPerDomain: 10_000, didsPerDomain: 100, groupsPerDomain: 5, queuesPerDomain: 2, schedulesPerDomain: 2 }, { domainName: () => DOMAIN, carrier: { host: '127.0.0.1', port: P.uas } })
    const d = ds.domains[0]
    await prisma.trunk.updateMany({ where: { domainId: d.id, name: 'carrier-a' }, data: { inboundIps: ['127.0.0.2'] } })
    await prisma.phoneNumber.create({ data: { domainId: d.id, e164: DID, targetType: 'EXTERNAL', targetNumber: '+33180000001' } })
    return ds
  }
  let cp: ControlPlane | undefined
  try {
    const c = (cp = args.server === 'compiled' ? await compiledControlPlane(setup, tmp) : await inProcessControlPlane(setup))
    report.server = c.info
    const { prisma, ds } = c
    const d = ds.domains[0]
    const params = { method: 'INVITE', callid: 'probe', from_user: '+33612345678', from_domain: 'carrier.example', to_user: DID, ruri_user: DID, ruri_domain: DOMAIN, src_ip: '127.0.0.2', src_port: String(P.uac), proto: 'udp', auth_user: '', auth_domain: '', pai: '', diversion: '' }
    const doc = await c.route(params)
    log(`route answer for the benchmark call: ${JSON.stringify(doc)}`)

    uas = run('sipp', ['-sf', path.join(HERE, 'sipp/uas_answer.xml'), '-i', '127.0.0.1', '-p', String(P.uas), '-t', 'u1', '-default_behaviors', 'all,-abortunexp', '-nostdin', '-mp', String(P.uasMedia)], tmp)
    await sleep(500)

    // the modes alternate at every rate (lookup, native, then the next rate) with a fresh Kamailio
    // each: the machine's load from other jobs drifts within minutes, so each pair shares it
    const modes: Record<'lookup' | 'native', SippStep[]> = { lookup: [], native: [] }
    const wire = args.wire !== 'off'
    if (args['cpu-prof']) fs.mkdirSync(args['cpu-prof'], { recursive: true })
    const call = (rate: number, secs: number, profile?: string) => sippStep({ scenario: 'uac_call.xml', port: P.uac, ip: '127.0.0.2', mediaPort: P.uacMedia, rate, seconds: secs, extra: ['-s', DID, '-key', 'domain', DOMAIN], kamPid: kam!.child.pid!, dir: tmp, cp: c, wire, profile })
    for (const rate of rates) {
      for (const mode of ['lookup', 'native'] as const) {
        kam = await startKamailio(path.join(tmp, `kam-${mode}-${rate}`), mode === 'native' ? nativeTransform(doc) : undefined)
        await call(100, 2) // warm-up, not reported
        const before = (await settledEvents(prisma, performance.now())).rows
        const stepStart = new Date()
        const st = await call(rate, seconds, args['cpu-prof'] && args.server === 'in-process' ? path.join(args['cpu-prof'], `${mode}-${rate}.cpuprofile`) : undefined)
        const ev = await settledEvents(prisma, performance.now())
        const cdrs = await prisma.cdr.count({ where: { createdAt: { gte: stepStart } } })
        const cdrsNotEnded = await prisma.cdr.count({ where: { createdAt: { gte: stepStart }, endedAt: null } })
        st.events = { rows: ev.rows - before, drainSec: ev.drainSec, cdrs, cdrsNotEnded }
        log(`${mode} ${rate}/s: ${JSON.stringify(st)}`)
        modes[mode].push(st)
        await kam.stop()
        kam = undefined
        await sleep(1000)
      }
    }
    const best = (steps: SippStep[]) => steps.filter((s) => s.code === 0 && s.failed === 0 && s.successful === s.attempted).reduce((m, s) => Math.max(m, s.rate), 0)
    const at = (steps: SippStep[], rate: number) => steps.find((s) => s.rate === rate)
    const lookupBest = best(modes.lookup)
    const nativeBest = best(modes.native)
    const common = Math.min(lookupBest, nativeBest)
    report.calls = {
      steps: modes,
      highestRateWithZeroFailures: { lookup: lookupBest, native: nativeBest, ratio: round(lookupBest / nativeBest) },
      // INVITE→180 at every rate both modes ran, with the lookup/native ratios (same run)
      perRate: rates.map((rate) => {
        const l = at(modes.lookup, rate)!, n = at(modes.native, rate)!
        const wireRatio = l.wireMs && n.wireMs ? { wireP50Ratio: round(l.wireMs.p50 / n.wireMs.p50), wireP99Ratio: round(l.wireMs.p99 / n.wireMs.p99) } : {}
        return { rate, lookupOk: l.code === 0 && l.failed === 0 && l.successful === l.attempted, nativeOk: n.code === 0 && n.failed === 0 && n.successful === n.attempted, lookup: l.rttMs, native: n.rttMs, p50Ratio: round(l.rttMs.p50 / n.rttMs.p50), p99Ratio: round(l.rttMs.p99 / n.rttMs.p99), lookupWire: l.wireMs, nativeWire: n.wireMs, ...wireRatio, loadAvg1: [l.loadAvg1, n.loadAvg1] }
      }),
      invite180AtCommonRate: common ? { rate: common, lookup: at(modes.lookup, common)?.rttMs, native: at(modes.native, common)?.rttMs, p99Ratio: round(at(modes.lookup, common)!.rttMs.p99 / at(modes.native, common)!.rttMs.p99), lookupWire: at(modes.lookup, common)?.wireMs, nativeWire: at(modes.native, common)?.wireMs } : null,
    }

    // REGISTER with digest, HA1 from the control plane every time (KAMAILIO_AUTH_CACHE_TTL=0)
    kam = await startKamailio(path.join(tmp, 'kam-register'))
    const csv = path.join(tmp, 'users.csv')
    fs.writeFileSync(csv, 'SEQUENTIAL\n' + [...d.intlUsers, ...d.nationalUsers].map((u) => `${u};${DOMAIN};[authentication username=${u} password=pw-${u}]`).join('\n') + '\n')
    const regSteps: SippStep[] = []
    for (const rate of args['reg-rates'].split(',').map(Number)) {
      const st = await sippStep({ scenario: 'register.xml', port: P.reg, ip: '127.0.0.1', mediaPort: P.regMedia, rate, seconds: Number(args['reg-seconds']), extra: ['-inf', csv], kamPid: kam.child.pid!, dir: tmp, cp: c })
      log(`REGISTER ${rate}/s: ${JSON.stringify(st)}`)
      regSteps.push(st)
      await sleep(1500)
    }
    report.register = { steps: regSteps, highestRateWithZeroFailures: best(regSteps) }
  } finally {
    await kam?.stop()
    await uas?.stop()
    await cp?.close()
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  process.stdout.write(JSON.stringify(report, null, 2) + '\n')
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})
