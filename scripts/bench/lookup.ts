// Lookup benchmark (issue 4): how many routing decisions per second one control-plane process
// serves, at what latency and memory, on a realistic dataset. NOT a test: run it by hand.
//
//   node_modules/.bin/tsx scripts/bench/lookup.ts [--runs 3] [--seconds 8] [--cpu-prof DIR] [--log-level info]
//     [--node-flags=--trace-gc] [--http-port 7480] [--rpc-port 7489] [--server compiled|tsx]
//
// 1. a throw-away PostgreSQL database (control-plane/test/support/postgres.ts) filled with
//    scripts/bench/dataset.ts FULL (10 domains × 1,000 users, 5,000 DIDs, 200 dial-plan rules, …);
// 2. in-process: snapshot load (DB) and compile times, pure decide() throughput (no I/O);
// 3. the real control plane as a child process, compiled (dist/, as `npm start` runs it; --server tsx
//    for the sources), NODE_ENV=production:
//    - HTTP POST /internal/kamailio/v1/route with autocannon, saturation and a fixed rate;
//    - the JSON-RPC netstring listener Kamailio uses, saturation and fixed rates;
//    its RSS and CPU are sampled from /proc during every phase.
// Prints a JSON report on stdout (progress on stderr).
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import net from 'node:net'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { createTestDatabase } from '../../control-plane/test/support/postgres.ts'
import { openDatabase } from '../../control-plane/src/db/database.ts'
import { loadSnapshotSource } from '../../control-plane/src/modules/routing/routing.repository.ts'
import { compileSnapshot, decide, toRtjson, type AgentView, type RouteRequest } from '../../control-plane/src/modules/routing/engine/index.ts'
import { parseRouteParams } from '../../control-plane/src/modules/kamailio/lookup-params.ts'
import { buildDataset, FULL } from './dataset.ts'
import { buildMix } from './mix.ts'
import { runRpc, type RpcRunResult } from './netstring-client.ts'
import { machine, median, peakRssMb, round, rssMb, sampler } from './stats.ts'
import { buildServer, npmStartEnv, npmStartNodeFlags, productionEnv, ROOT, SERVER_ENTRY, snapshotLogged, startServer, stopProcess } from './production-server.ts'

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '8' },
    'cpu-prof': { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
    /** extra flags for the control plane's node, space-separated (e.g. "--trace-gc") */
    'node-flags': { type: 'string', default: '' },
    'http-port': { type: 'string', default: '7480' },
    'rpc-port': { type: 'string', default: '7489' },
    /** compiled = `npm run build` then dist/ (what `npm start` runs); tsx = the TypeScript sources */
    server: { type: 'string', default: 'compiled' },
  },
})
const RUNS = Number(args.runs)
const SECONDS = Number(args.seconds)
const HTTP_PORT = Number(args['http-port'])
const RPC_PORT = Number(args['rpc-port'])
const log = (s: string) => process.stderr.write(`[lookup-bench] ${s}\n`)

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

async function main() {
  for (const p of [HTTP_PORT, RPC_PORT]) if (!(await portFree(p))) throw new Error(`port ${p} is in use: pick others with --http-port/--rpc-port`)
  const report: Record<string, unknown> = { machine: machine() }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-lookup-'))
  const db = await createTestDatabase()
  let child: ChildProcess | undefined
  try {
    // ------------------------------------------------------------ dataset
    const database = await openDatabase({ databaseUrl: db.url, dataDir: tmp, migrate: false })
    const ds = await buildDataset(database.prisma, FULL)
    log(`dataset inserted in ${ds.insertMs} ms: ${JSON.stringify(ds.counts)}`)
    report.dataset = { ...ds.counts, insertMs: ds.insertMs }

    // ------------------------------------------------------------ snapshot load + compile
    const loadMs: number[] = []
    const compileMs: number[] = []
    let snapshot
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now()
      const { source, version } = await loadSnapshotSource(database.prisma)
      const t1 = performance.now()
      snapshot = compileSnapshot(source, version)
      compileMs.push(performance.now() - t1)
      loadMs.push(t1 - t0)
    }
    report.snapshot = { loadFromDbMsMedian: round(median(loadMs), 1), compileMsMedian: round(median(compileMs), 1), warnings: snapshot!.warnings.length }
    log(`snapshot: load ${round(median(loadMs), 1)} ms, compile ${round(median(compileMs), 1)} ms (medians of 5)`)
    await database.close()

    // ------------------------------------------------------------ the mix, checked against the engine
    const { params, kinds } = buildMix(ds, 20_000)
    const reqs: RouteRequest[] = params.map(parseRouteParams)
    const agents: AgentView = { state: () => undefined, cursor: () => -1 }
    const now = new Date()
    const byKind: Record<string, Record<string, number>> = {}
    reqs.forEach((r, i) => {
      const d = decide(snapshot!, r, { now, agents })
      const o = d.outcome === 'route' ? `route:${d.kind}` : `reject:${d.sipCode}`
      ;(byKind[kinds[i]] ??= {})[o] = (byKind[kinds[i]][o] ?? 0) + 1
    })
    report.mix = byKind
    log(`mix outcomes: ${JSON.stringify(byKind)}`)

    // ------------------------------------------------------------ pure decide()
    const pure: number[] = []
    const pureDoc: number[] = []
    for (let run = 0; run < 5; run++) {
      for (const [out, withDoc] of [[pure, false], [pureDoc, true]] as const) {
        let n = 0
        const t0 = performance.now()
        while (performance.now() - t0 < 1000) {
          for (let j = 0; j < 500; j++, n++) {
            const d = decide(snapshot!, reqs[n % reqs.length], { now: new Date(), agents })
            if (withDoc && d.outcome === 'route') JSON.stringify(toRtjson(d))
          }
        }
        out.push(n / ((performance.now() - t0) / 1000))
      }
    }
    report.pureDecide = { perSecondMedian: Math.round(median(pure)), withRtjsonAndStringifyPerSecondMedian: Math.round(median(pureDoc)), runs: pure.map(Math.round) }
    log(`pure decide(): ${Math.round(median(pure))}/s; + toRtjson + JSON.stringify: ${Math.round(median(pureDoc))}/s`)

    // ------------------------------------------------------------ the real control plane
    const serverLog = path.join(tmp, 'server.log')
    const nodeArgs: string[] = []
    let entry = path.join(ROOT, 'control-plane/src/server.ts')
    if (args.server === 'compiled') {
      log('building the control plane (npm run build)')
      buildServer()
      entry = SERVER_ENTRY
      nodeArgs.push(...npmStartNodeFlags())
    } else if (args.server === 'tsx') {
      nodeArgs.push('--import', 'tsx')
    } else {
      throw new Error(`--server must be compiled or tsx, got ${args.server}`)
    }
    nodeArgs.push(...args['node-flags'].split(' ').filter(Boolean))
    if (args['cpu-prof']) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`)
    report.serverEntry = path.relative(ROOT, entry) + (nodeArgs.length ? ` (node ${nodeArgs.join(' ')})` : '')
    const server = await startServer({ entry, nodeArgs, logFile: serverLog, httpPort: HTTP_PORT, ready: snapshotLogged(serverLog),
      env: productionEnv({ databaseUrl: db.url, dataDir: path.join(tmp, 'data'), httpPort: HTTP_PORT, rpcPort: RPC_PORT, logLevel: args['log-level'], extra: npmStartEnv() }) })
    child = server.child
    const pid = server.pid
    const rebuilt = server.log().split('\n').filter((l) => l.includes('routing snapshot rebuilt')).map((l) => JSON.parse(l))
    const lastRebuild = rebuilt[rebuilt.length - 1]
    if (!lastRebuild || lastRebuild.users !== ds.counts.users) throw new Error(`the server's snapshot does not hold the dataset: ${JSON.stringify(lastRebuild)}`)
    report.server = { pid, logLevel: args['log-level'], snapshotRebuildMs: lastRebuild.ms, rssIdleMb: round(rssMb(pid), 1) }
    log(`control plane pid ${pid} up; snapshot rebuilt in ${lastRebuild.ms} ms (DB read + compile); RSS ${round(rssMb(pid), 1)} MB`)

    const bodies = params.map((p) => JSON.stringify(p))
    let bi = 0
    const httpRun = async (opts: { connections: number; seconds: number; overallRate?: number }) => {
      const s = sampler(pid)
      const r = await autocannon({
        url: `http://127.0.0.1:${HTTP_PORT}`,
        connections: opts.connections,
        duration: opts.seconds,
        ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
        requests: [{ method: 'POST', path: '/internal/kamailio/v1/route', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: bodies[bi++ % bodies.length] }) }],
      })
      const proc = s.stop()
      return { perSecond: Math.round(r.requests.total / r.duration), p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, errors: r.errors + r.timeouts, non2xx: r.non2xx, ...proc }
    }
    log('HTTP warm-up')
    await httpRun({ connections: 16, seconds: 3 })

    const httpSat = []
    for (let i = 0; i < RUNS; i++) {
      httpSat.push(await httpRun({ connections: 32, seconds: SECONDS }))
      log(`HTTP saturation run ${i + 1}: ${JSON.stringify(httpSat[i])}`)
    }
    const httpFixed = []
    for (let i = 0; i < RUNS; i++) {
      httpFixed.push(await httpRun({ connections: 16, seconds: SECONDS, overallRate: 5000 }))
      log(`HTTP 5,000/s run ${i + 1}: ${JSON.stringify(httpFixed[i])}`)
    }
    report.http = { saturation32conns: summarise(httpSat), fixed5000PerSecond16conns: summarise(httpFixed) }

    // ------------------------------------------------------------ JSON-RPC over netstrings
    const rpcRun = async (o: { connections: number; window?: number; rate?: number }) => {
      const s = sampler(pid)
      const r: RpcRunResult = await runRpc({ port: RPC_PORT, method: 'route', params: bodies, seconds: SECONDS, ...o })
      const proc = s.stop()
      return { perSecond: r.perSecond, ...r.latencyMs, outcomes: r.outcomes, lost: r.sent - r.completed, ...proc }
    }
    log('JSON-RPC warm-up')
    await runRpc({ port: RPC_PORT, method: 'route', params: bodies, seconds: 3, connections: 2, window: 32 })
    const rpcSat = []
    for (let i = 0; i < RUNS; i++) {
      rpcSat.push(await rpcRun({ connections: 2, window: 64 }))
      log(`JSON-RPC saturation run ${i + 1}: ${JSON.stringify(rpcSat[i])}`)
    }
    const rpcFixed: Record<string, unknown> = {}
    for (const rate of [2000, 5000, 10_000]) {
      const runs = []
      for (let i = 0; i < RUNS; i++) {
        runs.push(await rpcRun({ connections: 1, rate }))
        log(`JSON-RPC ${rate}/s run ${i + 1}: ${JSON.stringify(runs[i])}`)
      }
      rpcFixed[`rate${rate}`] = summarise(runs)
    }
    report.jsonrpc = { saturation2conns64inFlight: summarise(rpcSat), openLoop1conn: rpcFixed }
    report.server = { ...(report.server as object), rssAfterMb: round(rssMb(pid), 1), rssPeakLifetimeMb: round(peakRssMb(pid), 1) }
  } finally {
    if (child) await stopProcess(child, 12_000)
    await db.drop().catch(() => undefined)
    if (process.env.KEEP_BENCH_TMP) log(`kept ${tmp}`)
    else fs.rmSync(tmp, { recursive: true, force: true })
  }
  process.stdout.write(JSON.stringify(report, null, 2) + '\n')
}

/** Medians over the runs of every numeric field; the runs themselves are kept. */
function summarise(runs: Array<Record<string, unknown>>) {
  const med: Record<string, number> = {}
  for (const k of Object.keys(runs[0])) if (typeof runs[0][k] === 'number') med[k] = round(median(runs.map((r) => r[k] as number)))
  return { median: med, runs }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})
