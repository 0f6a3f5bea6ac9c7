// Memory probe (issues 4 and 8): where the control plane's RSS goes, on the realistic dataset, run
// the way `npm start` runs it. NOT a test: run it by hand to compare one change against another.
//
//   node_modules/.bin/tsx scripts/bench/memory.ts [--lookups 200000] [--heap-snapshot DIR]
//     [--node-flags "--max-semi-space-size=4"] [--env MALLOC_ARENA_MAX=2] [--no-build]
//
// 1. a throw-away PostgreSQL database filled with scripts/bench/dataset.ts FULL (10,000 users);
// 2. the compiled server with package.json "start"'s flags and environment, NODE_ENV=production;
// 3. RSS split from /proc (anonymous vs file-backed) and V8's heap spaces, idle after boot, then
//    after --lookups route lookups over JSON-RPC (the path Kamailio uses) and a few API reads.
// Prints a JSON report on stdout (progress on stderr).
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { createTestDatabase } from '../../control-plane/test/support/postgres.ts'
import { openDatabase } from '../../control-plane/src/db/database.ts'
import { buildDataset, FULL } from './dataset.ts'
import { buildMix } from './mix.ts'
import { runRpc } from './netstring-client.ts'
import { machine, round } from './stats.ts'
import { buildServer, envAssignments, npmStartEnv, npmStartNodeFlags, productionEnv, ROOT, SERVER_ENTRY, startServer } from './production-server.ts'

const { values: args } = parseArgs({
  options: {
    lookups: { type: 'string', default: '200000' },
    'heap-snapshot': { type: 'string' },
    'node-flags': { type: 'string', default: '' },
    env: { type: 'string', multiple: true, default: [] },
    'no-build': { type: 'boolean', default: false },
    'http-port': { type: 'string', default: '7580' },
    'rpc-port': { type: 'string', default: '7589' },
  },
})
const HTTP_PORT = Number(args['http-port'])
const RPC_PORT = Number(args['rpc-port'])
const log = (s: string) => process.stderr.write(`[memory-bench] ${s}\n`)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** RSS split (MB) from /proc: what the kernel charges the process with. */
function rss(pid: number) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024
  return { rss: round(kb('VmRSS'), 1), anon: round(kb('RssAnon'), 1), file: round(kb('RssFile'), 1), peak: round(kb('VmHWM'), 1) }
}

/** Resident MB per mapping (file path, [heap], [anon], …) from /proc/PID/smaps, largest first. */
function mappings(pid: number, top = 12) {
  const by = new Map<string, number>()
  let name = ''
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line)
    if (head) name = head[1] || '[anon]'
    const rss = /^Rss:\s+(\d+) kB/.exec(line)
    if (rss) by.set(name, (by.get(name) ?? 0) + Number(rss[1]) / 1024)
  }
  return Object.fromEntries([...by].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, round(v, 1)]))
}

async function main() {
  const report: Record<string, unknown> = { machine: machine() }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-memory-'))
  const db = await createTestDatabase()
  let child: ChildProcess | undefined
  try {
    const database = await openDatabase({ databaseUrl: db.url, dataDir: tmp, migrate: false })
    const ds = await buildDataset(database.prisma, FULL)
    await database.close()
    log(`dataset: ${JSON.stringify(ds.counts)}`)
    report.dataset = ds.counts

    if (!args['no-build']) buildServer()
    const extraEnv = envAssignments(args.env)
    const nodeArgs = [...npmStartNodeFlags(), ...args['node-flags'].split(' ').filter(Boolean)]
    if (args['heap-snapshot']) fs.mkdirSync(args['heap-snapshot'], { recursive: true })
    if (args['heap-snapshot']) nodeArgs.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${path.resolve(args['heap-snapshot'])}`)
    const env = { ...productionEnv({ databaseUrl: db.url, dataDir: path.join(tmp, 'data'), httpPort: HTTP_PORT, rpcPort: RPC_PORT, logLevel: 'warn', extra: { ...npmStartEnv(), ...extraEnv } }) }
    report.server = { entry: path.relative(ROOT, SERVER_ENTRY), nodeArgs, env: { ...npmStartEnv(), ...extraEnv } }
    const server = await startServer({ nodeArgs, env, logFile: path.join(tmp, 'server.log'), httpPort: HTTP_PORT })
    child = server.child
    const pid = server.pid
    await sleep(5000) // the snapshot rebuild and the first GCs settle
    report.idle = rss(pid)
    log(`idle: ${JSON.stringify(report.idle)}`)

    const { params } = buildMix(ds, 20_000)
    const bodies = params.map((p) => JSON.stringify(p))
    const n = Number(args.lookups)
    const t0 = performance.now()
    let done = 0
    while (done < n) {
      const r = await runRpc({ port: RPC_PORT, method: 'route', params: bodies, seconds: 4, connections: 2, rate: 2500 })
      done += r.completed
    }
    report.afterLookups = { lookups: done, seconds: round((performance.now() - t0) / 1000, 1), ...rss(pid) }
    log(`after ${done} lookups: ${JSON.stringify(report.afterLookups)}`)
    await sleep(5000)
    report.settled = { ...rss(pid), mappings: mappings(pid) }
    log(`settled: ${JSON.stringify(report.settled)}`)
    if (args['heap-snapshot']) {
      process.kill(pid, 'SIGUSR2')
      await sleep(15_000)
      report.heapSnapshotDir = path.resolve(args['heap-snapshot'])
    }
    process.stdout.write(JSON.stringify(report, null, 2) + '\n')
  } finally {
    child?.kill('SIGTERM')
    await db.drop().catch(() => {})
    if (process.env.KEEP_BENCH_TMP) console.error(`[memory-bench] kept ${tmp} (server.log)`)
    else fs.rmSync(tmp, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
