// Soak (issue 8): the platform at a nominal load for a long time, watching memory. NOT a test: run by hand.
//
// The control plane runs as its own process exactly as production runs it: `npm run build`, then
// `node dist/control-plane/src/server.js` with NODE_ENV=production, on a throw-away PostgreSQL database
// (control-plane/test/support/postgres.ts: a clone of the migrated template; the server's own
// migrate-on-start then finds nothing to apply), with a bootstrap ADMIN API key
// (BOOTSTRAP_ADMIN_KEY_FILE) and the API used over real HTTP. Around it: a real rtpengine and a real
// Kamailio rendered from the templates (tests/support/daemons.ts), and a steady mix: SIPp calls
// 1001 -> 1002 through rtpengine, re-REGISTERs, API reads (GET users, CDRs, domains) and writes
// (POST, PATCH, DELETE a user: audit + outbox rows each time).
//
// Every 10 s: the control plane's VmRSS and VmHWM (/proc of the node process itself), its V8 heap
// (GET /metrics: prom-client's nodejs_heap_size_used_bytes etc.; nothing in-process), Kamailio's
// process tree and rtpengine's RSS. At the end: per process the RSS after warm-up -> end, the max,
// the least-squares slope (MB/hour) over the samples after warm-up, heap statistics, the counts, and
// the verdict. It FAILS (exit 1) when
//   - the control plane grows > 5 %: median of the last N samples vs median of the first N after
//     warm-up (N = 3 min of samples, at most a quarter of them). A GC'd runtime's RSS is a sawtooth:
//     two single samples can land on a peak and a trough and differ by 10 % either way; the median of
//     a few minutes' samples is the level, and a real leak still moves it;
//   - its RSS exceeds 150 MB at any sample, or its VmHWM (lifetime peak, between samples too) does;
//   - any call, registration or API request fails (counted, by status, first bodies kept).
//
//   node_modules/.bin/tsx scripts/soak/soak.ts [--minutes 30] [--warmup 5] [--cps 2] [--json out.json]
//     [--log-level info] [--node-flags "--max-semi-space-size=…"] [--heapsnapshots DIR] [--no-build]
//   --minutes is measured AFTER the warm-up (total = warmup + minutes).
//   --heapsnapshots DIR: the child runs with --heapsnapshot-signal=SIGUSR2 and the soak writes a
//   snapshot at the end of warm-up and at the end (writing one bloats the RSS for a while: the
//   figures of such a run are for the diff, not for the budget).
//
// Ports (nothing else uses them): SIP 7260, Kamailio RPC 7261, control-plane JSON-RPC 7262,
// control-plane HTTP 7263, SIPp 7270-7272, rtpengine ng 23260, RTP 19000-19399, SIPp media 19400-19499.
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { createTestDatabase } from '../../control-plane/test/support/postgres.ts'
import { startKamailio, startRtpengine, type Daemon } from '../../tests/support/daemons.ts'
import { runSipp, sippUsersCsv, startSipp } from '../../tests/support/sipp.ts'
import { machine, median, peakRssMb, processTree, round, rssMb } from '../bench/stats.ts'
import { buildServer, npmStartEnv, npmStartNodeFlags, productionEnv, ROOT, SERVER_ENTRY, startServer, stopProcess } from '../bench/production-server.ts'

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    cps: { type: 'string', default: '2' },
    json: { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
    'node-flags': { type: 'string', default: '' },
    heapsnapshots: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
})
const MINUTES = Number(args.minutes)
const WARMUP_MIN = Number(args.warmup)
const TOTAL_MIN = WARMUP_MIN + MINUTES
const CPS = Number(args.cps)
const P = { sip: 7260, rpc: 7261, cpRpc: 7262, http: 7263, uac: 7270, uas: 7271, reg: 7272, ng: 23260 }
const DOMAIN = 'soak.switchboard.local'
const pw = { '1001': 'alice-soak-secret', '1002': 'bob-soak-secret', '1003': 'carol-soak-secret' }
const BUDGET_MB = 150
const GROWTH_PCT = 5
const log = (s: string) => process.stderr.write(`[soak] ${new Date().toISOString().slice(11, 19)} ${s}\n`)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** proportional set size: shared pages (Kamailio's shm, mapped by every fork) counted once */
const pssMb = (pid: number) => {
  const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}
const treePss = (pid: number) => processTree(pid).reduce((s, p) => { try { return s + pssMb(p) } catch { return s } }, 0)
const treeRss = (pid: number) => processTree(pid).reduce((s, p) => { try { return s + rssMb(p) } catch { return s } }, 0)
const portFree = (port: number) => new Promise<boolean>((resolve) => {
  const s = net.createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
})

for (const p of [P.rpc, P.cpRpc, P.http]) if (!(await portFree(p))) throw new Error(`port ${p} is in use (another soak running?)`)
const loadavgStart = os.loadavg().map((x) => round(x, 2))
const startedAt = new Date().toISOString()
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-soak-'))
const db = await createTestDatabase()
let rtp: Daemon | undefined
let kam: Daemon | undefined
let cp: ChildProcess | undefined
let callee: ReturnType<typeof startSipp> | undefined
let stopping = false
const cpExited = () => cp !== undefined && (cp.exitCode !== null || cp.signalCode !== null)
const cleanup = async () => {
  stopping = true
  try { callee?.stop() } catch { /* gone */ }
  await kam?.stop().catch(() => {})
  if (cp) await stopProcess(cp, 12_000)
  await rtp?.stop().catch(() => {})
  await db.drop().catch(() => {})
  if (process.env.KEEP_SOAK_TMP) log(`kept ${tmp}`)
  else fs.rmSync(tmp, { recursive: true, force: true })
}
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)))
process.once('SIGTERM', () => void cleanup().then(() => process.exit(143)))

const cpLog = path.join(tmp, 'control-plane.log')
const keyFile = path.join(tmp, 'run', 'admin.key')
let base = ''
let adminKey = ''
try {
  rtp = await startRtpengine({ ngPort: P.ng, portMin: 19000, portMax: 19399 })

  // ------------------------------------------------------------ the control plane, as production runs it
  if (!args['no-build']) {
    log('building the control plane (npm run build)')
    buildServer()
  }
  const entry = SERVER_ENTRY
  // what `npm start` runs, plus the run's own flags
  const nodeArgs = [...npmStartNodeFlags(), ...args['node-flags'].split(' ').filter(Boolean)]
  if (args.heapsnapshots) {
    fs.mkdirSync(path.resolve(args.heapsnapshots), { recursive: true })
    nodeArgs.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${path.resolve(args.heapsnapshots)}`)
  }
  base = `http://127.0.0.1:${P.http}`
  cp = (await startServer({
    entry, nodeArgs, logFile: cpLog, httpPort: P.http,
    env: productionEnv({
      databaseUrl: db.url, dataDir: path.join(tmp, 'data'), httpPort: P.http, rpcPort: P.cpRpc, logLevel: args['log-level'],
      extra: { ...npmStartEnv(), BOOTSTRAP_ADMIN_KEY_FILE: keyFile, KAMAILIO_RPC_URL: `http://127.0.0.1:${P.rpc}/RPC`, RTPENGINE_NG: `127.0.0.1:${P.ng}`, OUTBOX_WORKER_ENABLED: 'true' },
    }),
    // the bootstrap admin key is written once the server is up
    ready: () => fs.existsSync(keyFile),
  })).child
  adminKey = fs.readFileSync(keyFile, 'utf8').trim()
  log(`control plane pid ${cp.pid} up (${path.relative(ROOT, entry)}${nodeArgs.length ? `, node ${nodeArgs.join(' ')}` : ''}), RSS ${round(rssMb(cp.pid!), 1)} MB`)

  kam = await startKamailio({ sipPort: P.sip, rpcPort: P.rpc, cpPort: P.cpRpc, rtpengineNgPort: P.ng, env: { SIP_ALIASES: DOMAIN } })
} catch (err) {
  await cleanup()
  throw err
}
const cpPid = cp.pid!

// ------------------------------------------------------------ the API over HTTP
const failures = new Map<string, { count: number; first: string }>()
const noteFailure = (what: string, status: number, body: string) => {
  const k = `${what} ${status}`
  const f = failures.get(k)
  if (f) f.count++
  else {
    failures.set(k, { count: 1, first: body.slice(0, 300) })
    log(`FAILED ${k}: ${body.slice(0, 300)}`)
  }
}
const api = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
  try {
    const r = await fetch(`${base}/api/v1${url}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
      ...(payload ? { body: JSON.stringify(payload) } : {}),
      signal: AbortSignal.timeout(10_000),
    })
    const text = await r.text()
    let body: any
    try { body = text ? JSON.parse(text) : undefined } catch { body = text }
    return { status: r.status, body, text }
  } catch (err) {
    return { status: 0, body: undefined, text: String(err) }
  }
}
const mustApi = async (method: 'POST', url: string, payload: object) => {
  const r = await api(method, url, payload)
  if (r.status !== 201) throw new Error(`${method} ${url}: ${r.status} ${r.text}`)
  return r.body
}

/** prom-client's default metrics, from the control plane's own /metrics */
const heapMetrics = async () => {
  try {
    const text = await (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5000) })).text()
    const get = (name: string) => {
      const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)
      return m ? round(Number(m[1]) / 1e6, 1) : NaN
    }
    const space = (s: string) => {
      const m = new RegExp(`^nodejs_heap_space_size_used_bytes\\{[^}]*space="${s}"[^}]*\\} ([0-9.e+-]+)$`, 'm').exec(text)
      return m ? round(Number(m[1]) / 1e6, 1) : NaN
    }
    return { heapUsed: get('nodejs_heap_size_used_bytes'), heapTotal: get('nodejs_heap_size_total_bytes'), external: get('nodejs_external_memory_bytes'), oldSpace: space('old') }
  } catch {
    return { heapUsed: NaN, heapTotal: NaN, external: NaN, oldSpace: NaN }
  }
}

let domain: { id: string }
try {
  domain = await mustApi('POST', '/domains', { name: DOMAIN, timezone: 'Europe/Paris' })
  for (const [extension, password] of Object.entries(pw)) await mustApi('POST', '/users', { domainId: domain.id, extension, password })
} catch (err) {
  await cleanup()
  throw err
}
const csv = (user: string) => sippUsersCsv(tmp, DOMAIN, user)
const target = `127.0.0.1:${P.sip}`
const register = (user: keyof typeof pw, port: number) => runSipp({ scenario: 'register_ok', remote: target, localPort: port, inject: csv(user), auth: { user, password: pw[user] }, keys: { expires: '600' }, mediaPort: 19400, timeoutMs: 10_000 })
// the callee's binding (Contact: its answering SIPp on P.uas) expires after 600 s: refreshed from the
// REGISTER port with a Contact on P.uas (the answering SIPp holds that port)
const refreshCallee = () => runSipp({ scenario: path.join(import.meta.dirname, 'register_contact.xml'), remote: target, localPort: P.reg, inject: csv('1002'), auth: { user: '1002', password: pw['1002'] }, keys: { expires: '600', contact_port: String(P.uas) }, mediaPort: 19400, timeoutMs: 10_000 })
{
  // the users reach the server's routing snapshot through its own change notification: wait for it
  const until = Date.now() + 30_000
  while ((await refreshCallee()).code !== 0) {
    if (Date.now() > until) { await cleanup(); throw new Error('1002 could not register within 30 s') }
    await sleep(1000)
  }
}

const totals = { calls: 0, callsFailed: 0, registers: 0, registersFailed: 0, apiReads: 0, apiReadsFailed: 0, apiWrites: 0, apiWritesFailed: 0 }
const t0 = Date.now()
const warmupEnd = t0 + WARMUP_MIN * 60_000
const endAt = t0 + TOTAL_MIN * 60_000
// the callee answers every call for the whole run
callee = startSipp({ scenario: 'uas_answer', localPort: P.uas, mediaPort: 19410, calls: 10_000_000, timeoutMs: TOTAL_MIN * 60_000 + 120_000 })

const sippErrors: string[] = []
async function callLoop() {
  // one SIPp run of 10 s at CPS calls/s, each call 1 s of talk
  while (!stopping && Date.now() < endAt - 12_000) {
    const n = Math.max(1, Math.round(CPS * 10))
    const r = await runSipp({ scenario: 'uac_auth_call_bye', remote: target, localPort: P.uac, mediaPort: 19420, calls: n, rate: CPS, pauseMs: 1000, timeoutMs: 40_000,
      keys: { from: '1001', domain: DOMAIN }, auth: { user: '1001', password: pw['1001'] }, service: '1002' })
    totals.calls += n
    const failed = n - (r.stats?.successful ?? 0)
    totals.callsFailed += failed
    if (failed) {
      log(`${failed} of ${n} calls failed (sipp exit ${r.code})`)
      // what SIPp saw (-trace_err: unexpected messages, timeouts), for the first few failing runs
      if (sippErrors.length < 5) sippErrors.push(`${new Date().toISOString()} ${failed}/${n}: ${r.errors.slice(0, 1500)}`)
    }
  }
}
async function registerLoop() {
  let last1002 = Date.now()
  while (!stopping && Date.now() < endAt - 5000) {
    if (Date.now() - last1002 > 120_000) {
      const c = await refreshCallee()
      totals.registers++
      if (c.code !== 0) { totals.registersFailed++; log(`REGISTER 1002 (callee refresh) failed (sipp exit ${c.code})`) } else last1002 = Date.now()
    }
    const r = await register('1003', P.reg)
    totals.registers++
    if (r.code !== 0) {
      totals.registersFailed++
      log(`REGISTER failed (sipp exit ${r.code})`)
      if (sippErrors.length < 5) sippErrors.push(`${new Date().toISOString()} REGISTER: ${r.errors.slice(0, 1500)}`)
    }
    await sleep(2000)
  }
}
// letters only: a password never contains a (digit-only) extension
const letters = (n: number) => Array.from(randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join('')
async function apiLoop() {
  let i = 0
  while (!stopping && Date.now() < endAt - 2000) {
    for (const url of ['/users?limit=50', '/cdrs?limit=50', '/domains']) {
      const r = await api('GET', url)
      totals.apiReads++
      if (r.status !== 200) { totals.apiReadsFailed++; noteFailure(`GET ${url.split('?')[0]}`, r.status, r.text) }
    }
    // writes: create, rename, delete a user (audit + outbox rows each time)
    const ext = String(5000 + (i++ % 4000))
    const c = await api('POST', '/users', { domainId: domain.id, extension: ext, password: `soak-${letters(14)}` })
    totals.apiWrites++
    if (c.status !== 201) { totals.apiWritesFailed++; noteFailure('POST /users', c.status, c.text) }
    else {
      const u = await api('PATCH', `/users/${c.body.id}`, { displayName: `Soak ${letters(8)}` })
      totals.apiWrites++
      if (u.status !== 200) { totals.apiWritesFailed++; noteFailure('PATCH /users/:id', u.status, u.text) }
      const d = await api('DELETE', `/users/${c.body.id}`)
      totals.apiWrites++
      if (d.status !== 204 && d.status !== 200) { totals.apiWritesFailed++; noteFailure('DELETE /users/:id', d.status, d.text) }
    }
    await sleep(1000)
  }
}

interface Sample { t: number; cpRss: number; cpAnon: number; cpHwm: number; heapUsed: number; heapTotal: number; external: number; oldSpace: number; kamRss: number; kamPss: number; rtpRss: number }
const samples: Sample[] = []
let sampling = Promise.resolve()
const sample = () => {
  sampling = sampling.then(async () => {
    if (cpExited()) return
    const h = await heapMetrics()
    let cpRss = NaN, cpHwm = NaN
    let cpAnon = NaN
    try {
      cpRss = round(rssMb(cpPid), 1)
      cpHwm = round(peakRssMb(cpPid), 1)
      // RssAnon: the RSS without the file-backed pages (node's own binary, ~48 MB, shared and clean)
      const m = /RssAnon:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${cpPid}/status`, 'utf8'))
      cpAnon = m ? round(Number(m[1]) / 1024, 1) : NaN
    } catch { /* gone */ }
    const t = Math.round((Date.now() - t0) / 1000)
    // the last periodic sample and the final one can fall in the same seconds: keep the final one
    if (samples.length && t - samples.at(-1)!.t < 3) samples.pop()
    samples.push({ t, cpRss, cpAnon, cpHwm, ...h, kamRss: round(treeRss(kam!.pid), 1), kamPss: round(treePss(kam!.pid), 1), rtpRss: round(treeRss(rtp!.pid), 1) })
    const s = samples.at(-1)!
    log(`t=${s.t}s control plane ${s.cpRss} MB (anon ${s.cpAnon}, HWM ${s.cpHwm}, heap ${s.heapUsed}/${s.heapTotal}, ext ${s.external}), kamailio ${s.kamRss} MB (PSS ${s.kamPss}), rtpengine ${s.rtpRss} MB; calls ${totals.calls} (${totals.callsFailed} failed), reg ${totals.registers} (${totals.registersFailed}), api ${totals.apiReads}r/${totals.apiWrites}w (${totals.apiReadsFailed}/${totals.apiWritesFailed} failed)`)
  })
  return sampling
}
const snapshot = async (label: string) => {
  if (!args.heapsnapshots || cpExited()) return
  const dir = path.resolve(args.heapsnapshots)
  const before = new Set(fs.readdirSync(dir))
  cp!.kill('SIGUSR2')
  for (let i = 0; i < 120; i++) {
    await sleep(1000)
    const made = fs.readdirSync(dir).filter((f) => !before.has(f) && f.endsWith('.heapsnapshot'))
    // written when its size stops changing
    if (made.length) {
      const f = path.join(dir, made[0])
      const s1 = fs.statSync(f).size
      await sleep(2000)
      if (fs.statSync(f).size === s1 && s1 > 0) { fs.renameSync(f, path.join(dir, `${label}-${made[0]}`)); log(`heap snapshot ${label}: ${path.join(dir, `${label}-${made[0]}`)}`); return }
    }
  }
  log(`heap snapshot ${label}: not written within 2 min`)
}

log(`warm-up ${WARMUP_MIN} min + ${MINUTES} min at ${CPS} calls/s + a REGISTER every 2 s + 3 API reads and 3 writes (POST, PATCH, DELETE a user) a second`)
await sample()
const sampler = setInterval(() => void sample(), 10_000)
const snapshotAtWarmup = setTimeout(() => void snapshot('warmup-end'), Math.max(0, warmupEnd - Date.now()))
const watchdog = setInterval(() => { if (cpExited()) { log(`control plane exited (${cp!.exitCode ?? cp!.signalCode})!`); stopping = true } }, 1000)
await Promise.all([callLoop(), registerLoop(), apiLoop()])
while (!stopping && Date.now() < endAt) await sleep(500)
clearInterval(sampler)
clearTimeout(snapshotAtWarmup)
clearInterval(watchdog)
await sample()
const cpDied = cpExited()
const hwmEnd = cpDied ? NaN : round(peakRssMb(cpPid), 1)
const heapEnd = cpDied ? undefined : await heapMetrics()
await snapshot('end')
await cleanup()

// ------------------------------------------------------------ report
const afterWarmup = samples.filter((s) => s.t >= WARMUP_MIN * 60)
const N = Math.max(1, Math.min(18, Math.floor(afterWarmup.length / 4)))
/** least-squares slope in MB/hour over the samples after warm-up */
const slope = (key: keyof Sample) => {
  const xs = afterWarmup.filter((s) => Number.isFinite(s[key]))
  if (xs.length < 2) return NaN
  const mx = xs.reduce((a, s) => a + s.t, 0) / xs.length
  const my = xs.reduce((a, s) => a + s[key], 0) / xs.length
  const num = xs.reduce((a, s) => a + (s.t - mx) * (s[key] - my), 0)
  const den = xs.reduce((a, s) => a + (s.t - mx) ** 2, 0)
  return round((num / den) * 3600, 2)
}
const level = (key: keyof Sample, which: 'first' | 'last') => {
  const xs = (which === 'first' ? afterWarmup.slice(0, N) : afterWarmup.slice(-N)).map((s) => s[key]).filter(Number.isFinite)
  return xs.length ? round(median(xs), 1) : NaN
}
const maxOf = (key: keyof Sample, xs = samples) => round(Math.max(...xs.map((s) => s[key]).filter(Number.isFinite)), 1)
const minOf = (key: keyof Sample, xs = samples) => round(Math.min(...xs.map((s) => s[key]).filter(Number.isFinite)), 1)
const proc = (key: keyof Sample) => ({
  afterWarmupMb: level(key, 'first'), endMb: level(key, 'last'),
  growthPct: round(((level(key, 'last') - level(key, 'first')) / level(key, 'first')) * 100, 1),
  minAfterWarmupMb: minOf(key, afterWarmup), maxAfterWarmupMb: maxOf(key, afterWarmup), maxMb: maxOf(key), slopeMbPerHour: slope(key),
})
const cpr = proc('cpRss')
const report = {
  machine: { ...machine(), startedAt, loadavgStart, loadavgEnd: os.loadavg().map((x) => round(x, 2)) },
  server: 'node dist/control-plane/src/server.js, NODE_ENV=production' + (args['node-flags'] ? ` (node ${args['node-flags']})` : '') + (args.heapsnapshots ? ' --heapsnapshot-signal=SIGUSR2 (snapshots taken: figures disturbed)' : ''),
  minutes: MINUTES, warmupMinutes: WARMUP_MIN, cps: CPS, samplesAfterWarmup: afterWarmup.length, levelWindowSamples: N,
  totals,
  failures: Object.fromEntries(failures),
  sippErrors,
  controlPlane: { ...cpr, anon: proc('cpAnon'), firstSampleMb: samples[0]?.cpRss, vmHwmMb: Number.isFinite(hwmEnd) ? hwmEnd : maxOf('cpHwm'), exited: cpDied ? (cp.exitCode ?? cp.signalCode) : null },
  heap: {
    usedMb: proc('heapUsed'), totalMb: proc('heapTotal'), externalMb: proc('external'), oldSpaceUsedMb: proc('oldSpace'),
    atEnd: heapEnd,
  },
  kamailio: { rss: proc('kamRss'), pss: proc('kamPss') },
  rtpengine: proc('rtpRss'),
  samples,
}
const { samples: _s, ...summary } = report
console.log(JSON.stringify(summary, null, 2))
if (args.json) fs.writeFileSync(args.json, JSON.stringify(report, null, 2))
const verdict = [
  ...(cpDied ? [`the control plane exited during the run (${cp.exitCode ?? cp.signalCode})`] : []),
  ...(!(cpr.growthPct <= GROWTH_PCT) ? [`control plane RSS grew ${cpr.growthPct} % after warm-up (median of the last ${N} samples vs the first ${N}; > ${GROWTH_PCT} %)`] : []),
  ...(!(cpr.maxMb <= BUDGET_MB) ? [`control plane RSS reached ${cpr.maxMb} MB (> ${BUDGET_MB} MB)`] : []),
  ...(!(report.controlPlane.vmHwmMb <= BUDGET_MB) ? [`control plane VmHWM ${report.controlPlane.vmHwmMb} MB (> ${BUDGET_MB} MB)`] : []),
  ...(totals.callsFailed > 0 ? [`${totals.callsFailed} of ${totals.calls} calls failed`] : []),
  ...(totals.calls === 0 ? ['no call was made'] : []),
  ...(totals.registersFailed > 0 ? [`${totals.registersFailed} of ${totals.registers} registrations failed`] : []),
  ...(totals.apiReadsFailed > 0 ? [`${totals.apiReadsFailed} of ${totals.apiReads} API reads failed`] : []),
  ...(totals.apiWritesFailed > 0 ? [`${totals.apiWritesFailed} of ${totals.apiWrites} API writes failed`] : []),
  ...(totals.apiWrites === 0 ? ['no API write was made'] : []),
]
if (verdict.length) {
  log(`FAIL: ${verdict.join('; ')}`)
  process.exit(1)
}
log(`PASS: control plane ${cpr.afterWarmupMb} -> ${cpr.endMb} MB (${cpr.growthPct} %), max ${cpr.maxMb} MB, VmHWM ${report.controlPlane.vmHwmMb} MB, slope ${cpr.slopeMbPerHour} MB/h`)
process.exit(0)
