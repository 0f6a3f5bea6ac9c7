// Lookup latency floor (issue 4): the tail latency this machine allows a JSON-RPC lookup at a fixed
// rate, from a server that does nothing up to the control plane as production runs it, all
// measured by the same load generator in the same run. NOT a test: run it by hand.
//
//   node_modules/.bin/tsx scripts/bench/lookup-floor.ts [--runs 3] [--seconds 6] [--rates 2000,10000]
//     [--no-production] [--no-build] [--port 7689] [--http-port 7680]
//
// Servers, each in a process of its own (scripts/bench/lookup-floor-child.ts), one after the other
// and in the same order in every run:
//   echo        a netstring echo of a fixed ~1 kB answer: no JSON parse, no engine
//   listener    the control plane's JSON-RPC listener (jsonrpc-server.ts), a constant answer
//   engine      the listener + lookups() from the compiled FULL snapshot (scripts/bench/dataset.ts),
//               V8's default heap settings
//   engine-mem  the same with the memory settings npm start runs with (--max-semi-space-size=1
//               --optimize-for-size, control-plane/src/runtime-flags.ts)
//   production  the compiled control plane as npm start runs it (lookups in the lookup worker)
// The load generator is a small process of its own (warm-up, then one open-loop run per rate).
// Then "hiccup": busy loops that record how long the CPU was taken away from them, first one
// alone, then one per core at once (the lookup runs keep both cores busy too).
// Prints a JSON report on stdout (progress on stderr).
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import { parseArgs } from 'node:util'
import { createTestDatabase } from '../../control-plane/test/support/postgres.ts'
import { openDatabase } from '../../control-plane/src/db/database.ts'
import { loadSnapshotSource } from '../../control-plane/src/modules/routing/routing.repository.ts'
import { buildDataset, FULL } from './dataset.ts'
import { buildMix } from './mix.ts'
import { machine, median, round, sampler } from './stats.ts'
import { buildServer, npmStartEnv, npmStartNodeFlags, productionEnv, ROOT, startServer, stopProcess } from './production-server.ts'

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '6' },
    rates: { type: 'string', default: '2000,10000' },
    'no-production': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    port: { type: 'string', default: '7689' },
    'http-port': { type: 'string', default: '7680' },
  },
})
const RUNS = Number(args.runs)
const SECONDS = Number(args.seconds)
const RATES = args.rates.split(',').map(Number)
const PORT = Number(args.port)
const HTTP_PORT = Number(args['http-port'])
const CHILD = path.join(ROOT, 'scripts/bench/lookup-floor-child.ts')
const log = (s: string) => process.stderr.write(`[lookup-floor] ${s}\n`)

const MEMORY_FLAGS = ['--max-semi-space-size=1', '--optimize-for-size']
const TSX = ['--import', 'tsx']
interface Mode { name: string; start(): Promise<ChildProcess> }

/** `node <flags> lookup-floor-child.ts <args>`, resolved once it prints its first line. */
function child(nodeArgs: string[], childArgs: string[]): { proc: ChildProcess; firstLine: Promise<string> } {
  const proc = spawn(process.execPath, [...nodeArgs, CHILD, ...childArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  const firstLine = new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const nl = out.indexOf('\n')
      if (nl >= 0) resolve(out.slice(0, nl))
    })
    proc.once('exit', (code) => reject(new Error(`${childArgs[0]} exited with ${code} before answering`)))
  })
  firstLine.catch(() => undefined)
  return { proc, firstLine }
}

async function main() {
  const report: Record<string, unknown> = { machine: machine(), runs: RUNS, seconds: SECONDS, rates: RATES }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-floor-'))
  const db = await createTestDatabase()
  try {
    const database = await openDatabase({ databaseUrl: db.url, dataDir: tmp, migrate: false })
    const ds = await buildDataset(database.prisma, FULL)
    log(`dataset: ${JSON.stringify(ds.counts)}`)
    const snapshotFile = path.join(tmp, 'snapshot.bin')
    fs.writeFileSync(snapshotFile, v8.serialize(await loadSnapshotSource(database.prisma)))
    await database.close()
    const bodiesFile = path.join(tmp, 'bodies.json')
    fs.writeFileSync(bodiesFile, JSON.stringify(buildMix(ds, 20_000).params.map((p) => JSON.stringify(p))))

    const served = (name: string, nodeArgs: string[], mode: string): Mode => ({
      name,
      async start() {
        const { proc, firstLine } = child(nodeArgs, ['serve', mode, String(PORT), snapshotFile])
        if ((await firstLine) !== 'ready') throw new Error(`${name} did not start`)
        return proc
      },
    })
    const modes: Mode[] = [
      served('echo', TSX, 'echo'),
      served('listener', TSX, 'listener'),
      served('engine', TSX, 'engine'),
      served('engine-mem', [...TSX, ...MEMORY_FLAGS], 'engine'),
    ]
    if (!args['no-production']) {
      if (!args['no-build']) {
        log('building the control plane (npm run build)')
        buildServer()
      }
      modes.push({
        name: 'production',
        async start() {
          const s = await startServer({ nodeArgs: npmStartNodeFlags(), logFile: path.join(tmp, 'server.log'), httpPort: HTTP_PORT,
            env: productionEnv({ databaseUrl: db.url, dataDir: path.join(tmp, 'data'), httpPort: HTTP_PORT, rpcPort: PORT, logLevel: 'info', extra: npmStartEnv() }) })
          return s.child
        },
      })
    }

    const results: Record<string, Array<Record<string, number>>> = {}
    for (let run = 1; run <= RUNS; run++) {
      for (const mode of modes) {
        const proc = await mode.start()
        const s = sampler(proc.pid!)
        const { proc: loader, firstLine } = child(TSX, ['load', String(PORT), RATES.join(','), String(SECONDS), bodiesFile])
        const rows: Array<Record<string, number>> = JSON.parse(await firstLine)
        await stopProcess(loader, 10_000)
        const proc2 = s.stop()
        await stopProcess(proc, 10_000)
        for (const r of rows) {
          const row = { run, ...r, serverRssPeakMb: proc2.rssPeakMb }
          ;(results[`${mode.name}@${r.rate}`] ??= []).push(row)
          log(`run ${run} ${mode.name} ${r.rate}/s: p50 ${round(r.p50)} p99 ${round(r.p99)} max ${round(r.max, 1)} ms, lost ${r.lost}, RSS peak ${proc2.rssPeakMb} MB`)
        }
      }
    }
    report.latencyMs = Object.fromEntries(Object.entries(results).map(([k, runs]) => [k, {
      median: { p50: round(median(runs.map((r) => r.p50))), p90: round(median(runs.map((r) => r.p90))), p99: round(median(runs.map((r) => r.p99))), max: round(median(runs.map((r) => r.max)), 1), serverRssPeakMb: round(median(runs.map((r) => r.serverRssPeakMb)), 1) },
      p99Runs: runs.map((r) => round(r.p99)),
    }]))

    // the machine itself: a busy loop alone, then one per core at once
    const hiccup = async (n: number) => {
      const kids = Array.from({ length: n }, () => child(TSX, ['hiccup', String(SECONDS)]))
      return Promise.all(kids.map(async (k) => JSON.parse(await k.firstLine)))
    }
    report.hiccup = { alone: await hiccup(1), onePerCore: await hiccup(os.availableParallelism()) }
    log(`hiccup: ${JSON.stringify(report.hiccup)}`)
  } finally {
    await db.drop().catch(() => undefined)
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  process.stdout.write(JSON.stringify(report, null, 2) + '\n')
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})
