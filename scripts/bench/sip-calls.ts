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
//     [--wire auto|off] [--cpu-prof DIR]
//
// --wire: INVITE→180 also measured on the wire with tcpdump (sip-wire.ts; when it is installed).
// --cpu-prof DIR: a V8 CPU profile of the control plane (this process) per measured step.
// After each step the script waits until the control plane has written that step's events (CDR +
// outbox rows) and reports how long that took: a backlog left over would load the next step.
//
// Ports (nothing else here uses them): SIP 7060, Kamailio RPC 7071, control-plane JSON-RPC 7089,
// SIPp callee 7062, caller 7063 (from 127.0.0.2, the trunk's address), registrations 7064; SIPp
// media ports 15000 (callee), 15100 (caller), 15200 (registrations) (SIPp opens them even without RTP).
//
// A step counts when SIPp exits 0 (every call successful) and its final counters say so: calls
// that do not complete fail on -recv_timeout instead of hanging until the global timeout.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { buildTestApp } from '../../control-plane/test/support/app.ts'
import { kamailioContext, kamailioRpc } from '../../tests/support/daemons.ts'
import { renderKamailio } from '../../control-plane/src/modules/config-render/render.ts'
import { buildDataset } from './dataset.ts'
import { machine, percentile, round, treeSampler } from './stats.ts'
import { captureSip } from './sip-wire.ts'
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
  },
})
const P = { sip: 7060, rpc: 7071, cp: 7089, uas: 7062, uac: 7063, reg: 7064, uasMedia: 15000, uacMedia: 15100, regMedia: 15200 }
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
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  return {
    child,
    out: () => Buffer.concat(chunks).toString(),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      if (!(await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]))) {
        child.kill('SIGKILL')
        await exited
      }
    },
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
interface SippStep {
  rate: number; /** SIPp exit code: 0 = every call succeeded */ code: number; attempted: number; successful: number; failed: number
  /** SIPp's response time (~4 ms clock steps) */ rttMs: Quantiles
  /** the same on the wire (tcpdump, µs timestamps), when captured; invites: calls seen on the wire */ wireMs?: Quantiles & { invites: number; dropped: number | null }
  kamailioCores: number; kamailioBusiestProcessCores: number; cpCores: number; loadAvg1: number
  /** the control plane's event loop (this process): delay p99/max, and its GC pauses (major = mark-compact) */
  cpLoopMs?: { p99: number; max: number }; cpGc?: { pauses: number; totalMs: number; maxMs: number; majors: number }
  /** outbox rows the control plane wrote for the step, seconds after SIPp's end until it had written
   *  them all, and the step's CDRs (one per call) with those still missing their end */
  events?: { rows: number; drainSec: number; cdrs: number; cdrsNotEnded: number }
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

async function sippStep(o: { scenario: string; port: number; ip: string; mediaPort: number; rate: number; seconds: number; extra: string[]; kamPid: number; dir: string; wire?: boolean; profile?: string }): Promise<SippStep> {
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
  const prof = o.profile ? new Session() : undefined
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
  const kam = treeSampler(o.kamPid)
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const s = run('sipp', argv, dir)
  const code = await new Promise<number>((r) => s.child.once('exit', (c) => r(c ?? -1)))
  const wall = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const k = kam.stop()
  loop.disable()
  gcObs.disconnect()
  if (prof) {
    const { profile } = await prof.post('Profiler.stop')
    fs.writeFileSync(o.profile!, JSON.stringify(profile))
    prof.disconnect()
  }
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
    kamailioCores: k.cores, kamailioBusiestProcessCores: k.busiestProcessCores, cpCores: round((cpu.user + cpu.system) / 1e6 / wall),
    cpLoopMs: { p99: round(loop.percentile(99) / 1e6), max: round(loop.max / 1e6) },
    cpGc: { pauses: gc.pauses, totalMs: round(gc.totalMs), maxMs: round(gc.maxMs), majors: gc.majors },
  }
}

async function main() {
  const report: Record<string, unknown> = { machine: machine(), kamailioChildren: Number(args.children), kamailioAsyncWorkers: Number(args['async-workers']), rtpengine: 'disabled (RTPENGINE_ENABLED=false)' }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-sip-'))
  const rates = args.rates.split(',').map(Number)
  const seconds = Number(args.seconds)
  let kam: Proc | undefined
  let uas: Proc | undefined
  const h = await buildTestApp({ env: { CP_JSONRPC_ENABLED: 'true', CP_JSONRPC_HOST: '127.0.0.1', CP_JSONRPC_PORT: String(P.cp), KAMAILIO_RPC_URL: `http://127.0.0.1:${P.rpc}/RPC` } })
  try {
    // one domain of 10,000 users; carrier trunks towards the SIPp callee; the caller is the carrier
    // at 127.0.0.2 dialling a DID forwarded to an outside number (one route lookup per call)
    const prisma = h.database.prisma
    const ds = await buildDataset(prisma, { domains: 1, usersPerDomain: 10_000, didsPerDomain: 100, groupsPerDomain: 5, queuesPerDomain: 2, schedulesPerDomain: 2 }, { domainName: () => DOMAIN, carrier: { host: '127.0.0.1', port: P.uas } })
    const d = ds.domains[0]
    await prisma.trunk.updateMany({ where: { domainId: d.id, name: 'carrier-a' }, data: { inboundIps: ['127.0.0.2'] } })
    await prisma.phoneNumber.create({ data: { domainId: d.id, e164: DID, targetType: 'EXTERNAL', targetNumber: '+33180000001' } })
    await h.app.routingSnapshot.rebuild()
    const params = { method: 'INVITE', callid: 'probe', from_user: '+33612345678', from_domain: 'carrier.example', to_user: DID, ruri_user: DID, ruri_domain: DOMAIN, src_ip: '127.0.0.2', src_port: String(P.uac), proto: 'udp', auth_user: '', auth_domain: '', pai: '', diversion: '' }
    const doc = await h.app.lookups.route(params)
    log(`route answer for the benchmark call: ${JSON.stringify(doc)}`)

    uas = run('sipp', ['-sf', path.join(HERE, 'sipp/uas_answer.xml'), '-i', '127.0.0.1', '-p', String(P.uas), '-t', 'u1', '-default_behaviors', 'all,-abortunexp', '-nostdin', '-mp', String(P.uasMedia)], tmp)
    await sleep(500)

    // the modes alternate at every rate (lookup, native, then the next rate) with a fresh Kamailio
    // each: the machine's load from other jobs drifts within minutes, so each pair shares it
    const modes: Record<'lookup' | 'native', SippStep[]> = { lookup: [], native: [] }
    const wire = args.wire !== 'off'
    if (args['cpu-prof']) fs.mkdirSync(args['cpu-prof'], { recursive: true })
    const call = (rate: number, secs: number, profile?: string) => sippStep({ scenario: 'uac_call.xml', port: P.uac, ip: '127.0.0.2', mediaPort: P.uacMedia, rate, seconds: secs, extra: ['-s', DID, '-key', 'domain', DOMAIN], kamPid: kam!.child.pid!, dir: tmp, wire, profile })
    for (const rate of rates) {
      for (const mode of ['lookup', 'native'] as const) {
        kam = await startKamailio(path.join(tmp, `kam-${mode}-${rate}`), mode === 'native' ? nativeTransform(doc) : undefined)
        await call(100, 2) // warm-up, not reported
        const before = (await settledEvents(prisma, performance.now())).rows
        const stepStart = new Date()
        const st = await call(rate, seconds, args['cpu-prof'] ? path.join(args['cpu-prof'], `${mode}-${rate}.cpuprofile`) : undefined)
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
      const st = await sippStep({ scenario: 'register.xml', port: P.reg, ip: '127.0.0.1', mediaPort: P.regMedia, rate, seconds: Number(args['reg-seconds']), extra: ['-inf', csv], kamPid: kam.child.pid!, dir: tmp })
      log(`REGISTER ${rate}/s: ${JSON.stringify(st)}`)
      regSteps.push(st)
      await sleep(1500)
    }
    report.register = { steps: regSteps, highestRateWithZeroFailures: best(regSteps) }
  } finally {
    await kam?.stop()
    await uas?.stop()
    await h.close()
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  process.stdout.write(JSON.stringify(report, null, 2) + '\n')
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})
