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
//     [--reg-rates 500,1000,2000,3000,4000] [--reg-seconds 5]
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

const { values: args } = parseArgs({
  options: {
    rates: { type: 'string', default: '200,400,800,1200,1600,2000' },
    seconds: { type: 'string', default: '10' },
    'reg-rates': { type: 'string', default: '500,1000,2000,3000,4000' },
    'reg-seconds': { type: 'string', default: '5' },
    children: { type: 'string', default: '4' },
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
  let out = ''
  const keep = (b: Buffer) => { out = (out + b.toString()).slice(-200_000) }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  return {
    child,
    out: () => out,
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
    env: { SIP_ALIASES: DOMAIN, KAMAILIO_CHILDREN: args.children, KAMAILIO_AUTH_CACHE_TTL: '0' },
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

interface SippStep { rate: number; /** SIPp exit code: 0 = every call succeeded */ code: number; attempted: number; successful: number; failed: number; rttMs: { p50: number; p99: number; n: number }; kamailioCores: number; kamailioBusiestProcessCores: number; cpCores: number; loadAvg1: number }

const loadAvg1 = () => Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0])

async function sippStep(o: { scenario: string; port: number; ip: string; mediaPort: number; rate: number; seconds: number; extra: string[]; kamPid: number; dir: string }): Promise<SippStep> {
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
  const kam = treeSampler(o.kamPid)
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const s = run('sipp', argv, dir)
  const code = await new Promise<number>((r) => s.child.once('exit', (c) => r(c ?? -1)))
  const wall = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const k = kam.stop()
  const load = loadAvg1()
  const statLines = fs.readFileSync(path.join(dir, 'stat.csv'), 'utf8').trim().split('\n')
  const head = statLines[0].split(';')
  const last = statLines[statLines.length - 1].split(';')
  const col = (name: string) => Number(last[head.indexOf(name)] ?? NaN)
  const rttFile = fs.readdirSync(dir).find((f) => f.endsWith('_rtt.csv'))
  const rtts = rttFile
    ? fs.readFileSync(path.join(dir, rttFile), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(';')[1])).filter(Number.isFinite)
    : []
  const sorted = Float64Array.from(rtts).sort()
  return {
    // SIPp writes a last stat row when it exits: its counters are final
    rate: o.rate, code, attempted: calls, successful: col('SuccessfulCall(C)'), failed: col('FailedCall(C)'), loadAvg1: load,
    rttMs: { p50: round(percentile(sorted, 50), 3), p99: round(percentile(sorted, 99), 3), n: sorted.length },
    kamailioCores: k.cores, kamailioBusiestProcessCores: k.busiestProcessCores, cpCores: round((cpu.user + cpu.system) / 1e6 / wall),
  }
}

async function main() {
  const report: Record<string, unknown> = { machine: machine(), kamailioChildren: Number(args.children), rtpengine: 'disabled (RTPENGINE_ENABLED=false)' }
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
    const call = (rate: number, secs: number) => sippStep({ scenario: 'uac_call.xml', port: P.uac, ip: '127.0.0.2', mediaPort: P.uacMedia, rate, seconds: secs, extra: ['-s', DID, '-key', 'domain', DOMAIN], kamPid: kam!.child.pid!, dir: tmp })
    for (const rate of rates) {
      for (const mode of ['lookup', 'native'] as const) {
        kam = await startKamailio(path.join(tmp, `kam-${mode}-${rate}`), mode === 'native' ? nativeTransform(doc) : undefined)
        await call(100, 2) // warm-up, not reported
        await sleep(1000)
        const st = await call(rate, seconds)
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
        return { rate, lookupOk: l.code === 0 && l.failed === 0 && l.successful === l.attempted, nativeOk: n.code === 0 && n.failed === 0 && n.successful === n.attempted, lookup: l.rttMs, native: n.rttMs, p50Ratio: round(l.rttMs.p50 / n.rttMs.p50), p99Ratio: round(l.rttMs.p99 / n.rttMs.p99), loadAvg1: [l.loadAvg1, n.loadAvg1] }
      }),
      invite180AtCommonRate: common ? { rate: common, lookup: at(modes.lookup, common)?.rttMs, native: at(modes.native, common)?.rttMs, p99Ratio: round(at(modes.lookup, common)!.rttMs.p99 / at(modes.native, common)!.rttMs.p99) } : null,
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
