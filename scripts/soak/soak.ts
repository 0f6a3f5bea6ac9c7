// Soak (issue 8): the platform at a nominal load for a long time, watching memory. A real rtpengine,
// a real Kamailio rendered from the templates, the real control plane (in this process, on a
// throw-away PostgreSQL database), and a steady mix: SIPp calls 1001 -> 1002 through rtpengine,
// re-REGISTERs, and API reads and writes. Every 10 s it samples the RSS of the control plane (this
// process: the SIPp drivers are children, so they are not counted), of Kamailio's and rtpengine's
// process trees, and V8's heap. At the end: the growth slope per process (least squares, MB/hour,
// after the warm-up), heap statistics, and a verdict: it FAILS (exit 1) if the control plane's RSS
// grows more than 5 % between the end of warm-up and the end, or exceeds 150 MB.
// NOT a test: run by hand.
//
//   node_modules/.bin/tsx --expose-gc scripts/soak/soak.ts [--minutes 30] [--warmup 3] [--cps 2] [--json out.json]
//   (kill -USR2 <pid> writes a heap snapshot when run with node --heapsnapshot-signal=SIGUSR2)
//
// Ports (nothing else uses them): SIP 7260, Kamailio RPC 7261, control-plane JSON-RPC 7262,
// SIPp 7270-7272, rtpengine ng 23260, RTP 19000-19399, SIPp media 19400-19499.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import { parseArgs } from 'node:util'
import { buildTestApp } from '../../control-plane/test/support/app.ts'
import { startKamailio, startRtpengine } from '../../tests/support/daemons.ts'
import { runSipp, startSipp } from '../../tests/support/sipp.ts'
import { machine, processTree, round, rssMb } from '../bench/stats.ts'

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '' },
    cps: { type: 'string', default: '2' },
    json: { type: 'string' },
  },
})
const MINUTES = Number(args.minutes)
const WARMUP_MIN = args.warmup ? Number(args.warmup) : Math.min(3, MINUTES / 5)
const CPS = Number(args.cps)
const P = { sip: 7260, rpc: 7261, cp: 7262, uac: 7270, uas: 7271, reg: 7272, ng: 23260 }
const DOMAIN = 'soak.switchboard.local'
const pw = { '1001': 'alice-soak-secret', '1002': 'bob-soak-secret', '1003': 'carol-soak-secret' }
const log = (s: string) => process.stderr.write(`[soak] ${new Date().toISOString().slice(11, 19)} ${s}\n`)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const treeRss = (pid: number) => processTree(pid).reduce((s, p) => { try { return s + rssMb(p) } catch { return s } }, 0)

const rtp = await startRtpengine({ ngPort: P.ng, portMin: 19000, portMax: 19399 })
const h = await buildTestApp({ env: { CP_JSONRPC_ENABLED: 'true', CP_JSONRPC_HOST: '127.0.0.1', CP_JSONRPC_PORT: String(P.cp), KAMAILIO_RPC_URL: `http://127.0.0.1:${P.rpc}/RPC`, RTPENGINE_NG: `127.0.0.1:${P.ng}`, OUTBOX_WORKER_ENABLED: 'true', LOG_LEVEL: 'warn' } })
const kam = await startKamailio({ sipPort: P.sip, rpcPort: P.rpc, cpPort: P.cp, rtpengineNgPort: P.ng, env: { SIP_ALIASES: DOMAIN } })
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-soak-'))
let stopping = false
const cleanup = async () => {
  stopping = true
  await kam.stop().catch(() => {})
  await h.close().catch(() => {})
  await rtp.stop().catch(() => {})
  fs.rmSync(tmp, { recursive: true, force: true })
}
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)))

const api = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
  const r = await h.app.inject({ method, url: `/api/v1${url}`, headers: h.auth('ADMIN'), ...(payload ? { payload } : {}) })
  return { status: r.statusCode, body: r.body ? r.json() : undefined }
}
const domain = (await api('POST', '/domains', { name: DOMAIN, timezone: 'Europe/Paris' })).body
for (const [extension, password] of Object.entries(pw)) await api('POST', '/users', { domainId: domain.id, extension, password })
await h.app.routingSnapshot.rebuild()
const csv = (user: string) => {
  const f = path.join(tmp, `${user}.csv`)
  fs.writeFileSync(f, `SEQUENTIAL\n${user};${DOMAIN}\n`)
  return f
}
const target = `127.0.0.1:${P.sip}`
const register = (user: keyof typeof pw, port: number) => runSipp({ scenario: 'register_ok', remote: target, localPort: port, inject: csv(user), auth: { user, password: pw[user] }, keys: { expires: '600' }, mediaPort: 19400, timeoutMs: 10_000 })
if ((await register('1002', P.uas)).code !== 0) throw new Error('1002 could not register')

const totals = { calls: 0, callsFailed: 0, registers: 0, registersFailed: 0, apiReads: 0, apiWrites: 0, apiErrors: 0 }
const endAt = Date.now() + MINUTES * 60_000
// the callee answers every call for the whole run
const callee = startSipp({ scenario: 'uas_answer', localPort: P.uas, mediaPort: 19410, calls: 10_000_000, timeoutMs: MINUTES * 60_000 + 120_000 })

async function callLoop() {
  // one SIPp run of 10 s at CPS calls/s, each call 1 s of talk
  while (!stopping && Date.now() < endAt - 12_000) {
    const n = Math.max(1, Math.round(CPS * 10))
    const r = await runSipp({ scenario: 'uac_auth_call_bye', remote: target, localPort: P.uac, mediaPort: 19420, calls: n, rate: CPS, pauseMs: 1000, timeoutMs: 40_000,
      keys: { from: '1001', domain: DOMAIN }, auth: { user: '1001', password: pw['1001'] }, service: '1002' })
    totals.calls += n
    totals.callsFailed += n - (r.stats?.successful ?? 0)
  }
}
async function registerLoop() {
  while (!stopping && Date.now() < endAt - 5000) {
    const r = await register('1003', P.reg)
    totals.registers++
    if (r.code !== 0) totals.registersFailed++
    await sleep(2000)
  }
}
async function apiLoop() {
  let i = 0
  while (!stopping && Date.now() < endAt - 2000) {
    for (const url of ['/users?limit=50', '/cdrs?limit=50', '/domains']) {
      const r = await api('GET', url)
      totals.apiReads++
      if (r.status !== 200) totals.apiErrors++
    }
    // a write every second: create then delete a user (audit + outbox rows each time)
    const ext = String(5000 + (i++ % 4000))
    const c = await api('POST', '/users', { domainId: domain.id, extension: ext, password: `soak-user-pass-${i}-write` })
    totals.apiWrites++
    if (c.status !== 201) totals.apiErrors++
    else {
      const d = await api('DELETE', `/users/${c.body.id}`)
      totals.apiWrites++
      if (d.status !== 204 && d.status !== 200) totals.apiErrors++
    }
    await sleep(1000)
  }
}

interface Sample { t: number; cpRss: number; heapUsed: number; kamRss: number; rtpRss: number }
const samples: Sample[] = []
const sample = () => {
  const m = process.memoryUsage()
  samples.push({ t: (Date.now() - (endAt - MINUTES * 60_000)) / 1000, cpRss: round(m.rss / 1e6, 1), heapUsed: round(m.heapUsed / 1e6, 1), kamRss: round(treeRss(kam.pid), 1), rtpRss: round(treeRss(rtp.pid), 1) })
  const s = samples.at(-1)!
  log(`t=${Math.round(s.t)}s control plane ${s.cpRss} MB (heap ${s.heapUsed}), kamailio ${s.kamRss} MB, rtpengine ${s.rtpRss} MB; calls ${totals.calls} (${totals.callsFailed} failed), api ${totals.apiReads}r/${totals.apiWrites}w`)
}
log(`${MINUTES} min at ${CPS} calls/s + a REGISTER every 2 s + 3 API reads and 2 writes a second; warm-up ${WARMUP_MIN} min`)
sample()
const sampler = setInterval(sample, 10_000)
await Promise.all([callLoop(), registerLoop(), apiLoop()])
while (Date.now() < endAt) await sleep(500)
clearInterval(sampler)
const gcAvailable = typeof globalThis.gc === 'function'
if (gcAvailable) globalThis.gc!()
sample()
callee.stop()

/** least-squares slope in MB/hour over the samples after warm-up */
const slope = (key: keyof Sample) => {
  const xs = samples.filter((s) => s.t >= WARMUP_MIN * 60)
  if (xs.length < 2) return NaN
  const mx = xs.reduce((a, s) => a + s.t, 0) / xs.length
  const my = xs.reduce((a, s) => a + s[key], 0) / xs.length
  const num = xs.reduce((a, s) => a + (s.t - mx) * (s[key] - my), 0)
  const den = xs.reduce((a, s) => a + (s.t - mx) ** 2, 0)
  return round((num / den) * 3600, 2)
}
const afterWarmup = samples.filter((s) => s.t >= WARMUP_MIN * 60)
const first = afterWarmup[0], last = samples.at(-1)!
const growthPct = round(((last.cpRss - first.cpRss) / first.cpRss) * 100, 1)
const heap = v8.getHeapStatistics()
const report = {
  machine: machine(),
  minutes: MINUTES, warmupMinutes: WARMUP_MIN, cps: CPS, totals,
  controlPlane: { rssStartMb: samples[0].cpRss, rssAfterWarmupMb: first.cpRss, rssEndMb: last.cpRss, rssMaxMb: Math.max(...samples.map((s) => s.cpRss)), growthAfterWarmupPct: growthPct, slopeMbPerHour: slope('cpRss'), heapSlopeMbPerHour: slope('heapUsed') },
  kamailio: { rssAfterWarmupMb: first.kamRss, rssEndMb: last.kamRss, slopeMbPerHour: slope('kamRss') },
  rtpengine: { rssAfterWarmupMb: first.rtpRss, rssEndMb: last.rtpRss, slopeMbPerHour: slope('rtpRss') },
  heap: { usedMb: round(heap.used_heap_size / 1e6, 1), totalMb: round(heap.total_heap_size / 1e6, 1), limitMb: round(heap.heap_size_limit / 1e6), mallocedMb: round(heap.malloced_memory / 1e6, 1), nativeContexts: heap.number_of_native_contexts, detachedContexts: heap.number_of_detached_contexts, gcForcedAtEnd: gcAvailable },
  samples,
}
await cleanup()
const { samples: _s, ...summary } = report
console.log(JSON.stringify(summary, null, 2))
if (args.json) fs.writeFileSync(args.json, JSON.stringify(report, null, 2))
const failures = [
  ...(growthPct > 5 ? [`control plane RSS grew ${growthPct} % after warm-up (> 5 %)`] : []),
  ...(last.cpRss > 150 ? [`control plane RSS ${last.cpRss} MB (> 150 MB)`] : []),
  ...(totals.callsFailed > 0 ? [`${totals.callsFailed} calls failed`] : []),
]
if (failures.length) {
  log(`FAIL: ${failures.join('; ')}`)
  process.exit(1)
}
log('PASS')
process.exit(0)
