// Media benchmark (issue 5): how many concurrent G.711 calls one userspace rtpengine relays with
// 0 packet loss on this machine, and what it costs (CPU cores, RSS). rtpengine is rendered from our
// template; each call is set up with ng offer/answer (the flags Kamailio would send for a plain
// phone-to-phone call) and both endpoints send 20 ms PCMA packets (50 packets/s each way) from
// UDP sockets in this process, which counts every packet that comes out the other side: loss is
// measured exactly, not estimated. Levels rise until loss appears or the top level is reached.
//
//   node_modules/.bin/tsx scripts/bench/media.ts [--levels 50,100,200,300,400] [--seconds 10] [--write-doc]
//
// Ports: ng 7620 (+2 HTTP, +3 CLI), rtpengine RTP 20000-23999, endpoints 24000-25999 (all below
// the ephemeral range). Every process started here is stopped by pid.
import dgram from 'node:dgram'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import rtpengine from 'rtpengine-client'
import { startRtpengine } from '../../tests/support/daemons.ts'
import { machine, round, sampler } from './stats.ts'

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : def
}
const LEVELS = arg('levels', '50,100,200,300,400').split(',').map(Number)
const SECONDS = Number(arg('seconds', '10'))
const NG = 7620, EP_BASE = 24000
const FLAGS = { replace: ['origin', 'session-connection'], ICE: 'remove' }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Endpoint { sock: dgram.Socket; port: number; peer?: number; sent: number; got: number }

const sdp = (port: number) => `v=0\r\no=bench 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=ptime:20\r\n`
const portOf = (s: string) => Number(/m=audio (\d+)/.exec(s)?.[1])

async function endpoint(port: number): Promise<Endpoint> {
  const sock = dgram.createSocket('udp4')
  const ep: Endpoint = { sock, port, sent: 0, got: 0 }
  sock.on('message', () => { ep.got++ })
  await new Promise<void>((r) => sock.bind(port, '127.0.0.1', () => r()))
  return ep
}

async function level(ng: InstanceType<typeof rtpengine.Client>, calls: number, rtpPid: number) {
  const eps: Endpoint[] = []
  const ids: string[] = []
  for (let c = 0; c < calls; c++) {
    const a = await endpoint(EP_BASE + c * 2), b = await endpoint(EP_BASE + c * 2 + 1)
    const callId = `bench-${calls}-${c}-${process.pid}`
    const o = await ng.offer(NG, '127.0.0.1', { 'call-id': callId, 'from-tag': 'a', sdp: sdp(a.port), ...FLAGS })
    const r = await ng.answer(NG, '127.0.0.1', { 'call-id': callId, 'from-tag': 'a', 'to-tag': 'b', sdp: sdp(b.port), ...FLAGS })
    if (o.result !== 'ok' || r.result !== 'ok') throw new Error(`call ${c}: ${o['error-reason'] ?? r['error-reason']}`)
    b.peer = portOf(String(o.sdp)) // what the callee was told: where to send
    a.peer = portOf(String(r.sdp)) // what the caller was told
    eps.push(a, b)
    ids.push(callId)
  }
  const pkt = Buffer.alloc(12 + 160, 0xd5) // PCMA silence, RTP header below (RFC 3550 §5.1)
  let seq = 0
  const send = () => {
    seq++
    for (let i = 0; i < eps.length; i++) {
      const e = eps[i]
      pkt[0] = 0x80; pkt[1] = 8; pkt.writeUInt16BE(seq & 0xffff, 2); pkt.writeUInt32BE(seq * 160, 4); pkt.writeUInt32BE(0x10000 + i, 8)
      e.sock.send(pkt, e.peer!, '127.0.0.1')
      e.sent++
    }
  }
  // warm-up second (latching, first packets), not counted
  const warm = setInterval(send, 20)
  await sleep(1000)
  clearInterval(warm)
  await sleep(200)
  for (const e of eps) { e.sent = 0; e.got = 0 }
  const s = sampler(rtpPid, 250)
  const t0 = performance.now()
  const timer = setInterval(send, 20)
  await sleep(SECONDS * 1000)
  clearInterval(timer)
  await sleep(300) // packets in flight
  const usage = s.stop()
  const elapsed = (performance.now() - t0) / 1000
  // each endpoint receives what its peer sent
  let sent = 0, got = 0, worst = 0
  for (let i = 0; i < eps.length; i += 2) {
    const [a, b] = [eps[i], eps[i + 1]]
    sent += a.sent + b.sent
    got += a.got + b.got
    worst = Math.max(worst, a.sent - b.got, b.sent - a.got)
  }
  for (const id of ids) await ng.delete(NG, '127.0.0.1', { 'call-id': id, 'from-tag': 'a' }).catch(() => undefined)
  for (const e of eps) e.sock.close()
  const lost = Math.max(0, sent - got)
  return { calls, seconds: round(elapsed, 1), packetsPerSecond: round(sent / elapsed, 0), sent, received: got, lost, lossPct: round((lost / Math.max(1, sent)) * 100, 3), worstCallLost: worst, rtpengineCores: usage.cores, rtpengineRssMb: usage.rssPeakMb }
}

async function main() {
  const rtp = await startRtpengine({ ngPort: NG, portMin: 20000, portMax: 23999 })
  const ng = new rtpengine.Client({ timeout: 2000 })
  const results = []
  try {
    for (const n of LEVELS) {
      const r = await level(ng, n, rtp.pid)
      results.push(r)
      process.stderr.write(`${JSON.stringify(r)}\n`)
      await sleep(6000) // delete-delay: the previous level's ports come back
      if (r.lost > 0) break
    }
  } finally {
    ng.close()
    await rtp.stop()
    fs.rmSync(rtp.dir, { recursive: true, force: true })
  }
  const best = results.filter((r) => r.lost === 0).at(-1)
  const report = { machine: machine(), levelSeconds: SECONDS, maxCallsWithZeroLoss: best?.calls ?? 0, levels: results }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  if (process.argv.includes('--write-doc')) writeDoc(report)
}

/** Replaces (or appends) this benchmark's own section of docs/benchmarks.md, between markers. */
function writeDoc(report: { machine: Record<string, string>; levelSeconds: number; maxCallsWithZeroLoss: number; levels: Awaited<ReturnType<typeof level>>[] }) {
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/benchmarks.md')
  const rows = report.levels.map((r) => `| ${r.calls} | ${r.packetsPerSecond} | ${r.sent} | ${r.lost} (${r.lossPct} %) | ${r.rtpengineCores} | ${r.rtpengineRssMb} |`).join('\n')
  const section = `<!-- media-bench:start (generated by scripts/bench/media.ts --write-doc) -->
## Media benchmark (issue 5) — \`scripts/bench/media.ts\`

\`\`\`sh
node_modules/.bin/tsx scripts/bench/media.ts [--levels 50,100,200,300,400] [--seconds 10] [--write-doc] > report.json
\`\`\`
One userspace rtpengine 10.5 (rendered from \`rtpengine/rtpengine.conf.hbs\`, \`table = -1\`); each call set
up with ng offer/answer (\`replace-origin replace-session-connection ICE=remove\`, PCMA both ways),
both endpoints sending 20 ms G.711 packets (50 pps each way) from UDP sockets in the benchmark process,
which counts every packet relayed to the other side: loss is exact. ${report.levelSeconds} s measured per level
after 1 s of warm-up; the generator shares the 2 cores with rtpengine (and with other engineers' runs).
Run on ${report.machine.date.slice(0, 10)}, ${report.machine.cpus} CPUs, Node ${report.machine.node}.

**Concurrent relayed G.711 calls with 0 loss: ${report.levels.every((r) => r.lost === 0) ? `at least ${report.maxCallsWithZeroLoss}` : report.maxCallsWithZeroLoss}** (${report.levels.every((r) => r.lost === 0) ? 'no level lost a packet; the top level is bounded by the benchmark\'s port ranges, 1,000 calls' : 'highest level with no packet lost'}).

| concurrent calls | packets/s into rtpengine | packets sent | lost | rtpengine CPU (cores) | rtpengine RSS peak (MB) |
|---|---|---|---|---|---|
${rows}

rtpengine's own \`/metrics\` (HTTP listener, ng port + 2) is scraped by Prometheus; the dashboard's
media row shows its sessions, packet rates and errors.
<!-- media-bench:end -->`
  const doc = fs.readFileSync(file, 'utf8')
  const re = /<!-- media-bench:start[\s\S]*?<!-- media-bench:end -->/
  fs.writeFileSync(file, re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`)
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`)
  process.exit(1)
})
