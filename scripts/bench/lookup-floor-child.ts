// The child processes of scripts/bench/lookup-floor.ts, each a small process of its own so that
// nothing else in it (a dataset, a big heap, another server) colours what it measures:
//
//   serve echo|listener|engine PORT [SNAPSHOT_FILE]   prints "ready" once it listens
//   load PORT RATES SECONDS BODIES_FILE               warm-up, then one open-loop run per rate; JSON on stdout
//   hiccup SECONDS                                     a busy loop's stalls (the CPU taken away from it); JSON
import fs from 'node:fs'
import net from 'node:net'
import v8 from 'node:v8'
import { createJsonRpcServer, NetstringDecoder } from '../../control-plane/src/modules/kamailio/jsonrpc-server.ts'
import { lookups } from '../../control-plane/src/modules/kamailio/lookups.ts'
import { SnapshotStore } from '../../control-plane/src/modules/routing/snapshot-store.ts'
import { runRpc } from './netstring-client.ts'
import { percentile, round } from './stats.ts'

// an rtjson answer of the usual size (~1 kB), for the servers that do not decide anything
const DOCUMENT = {
  version: '1.0', routing: 'serial',
  routes: [{ uri: 'sip:+33180000001@127.0.0.1:7062;transport=udp', dst_uri: 'sip:127.0.0.1:7062;transport=udp', headers: { extra: 'Diversion: <sip:+33179990001@bench.switchboard.local>;reason=unconditional\r\n' }, fr_timer: 5000 }],
  sb: { kind: 'inbound', lookup: false, lookups: [false], failover: ['408|500|502|503|504'], media: { offer: 'replace-origin replace-session-connection ICE=remove transport-protocol=RTP/AVP', answer: 'replace-origin replace-session-connection ICE=remove', fallback: 'direct', transcode: false },
    record: 'never', decision: 'rule:e164-other', domain_id: '973ece3b-5c45-447c-82a3-5694a9ddd444', trunk_ids: ['19109258-2708-40e4-90da-1b478484cba3'], cdr: '1|inbound|973ece3b-5c45-447c-82a3-5694a9ddd444|f5ae2527-b83c-4e54-b95c-e2a323ff2a57||never|19109258-2708-40e4-90da-1b478484cba3' },
}

const silent = { level: 'silent', child: () => silent, trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} }

async function serve(mode: string, port: number, snapshotFile?: string): Promise<void> {
  if (mode === 'echo') {
    // the bare minimum: frame in, fixed reply with the request's id out (no JSON parse, no engine)
    const body = JSON.stringify(DOCUMENT)
    await new Promise<void>((resolve) => net.createServer((sock) => {
      sock.setNoDelay(true)
      const decoder = new NetstringDecoder(1 << 20)
      sock.on('data', (chunk: Buffer) => {
        for (const frame of decoder.push(chunk)) {
          const reply = `{"jsonrpc":"2.0","id":${/"id":(\d+)/.exec(frame)?.[1] ?? 'null'},"result":${body}}`
          sock.write(`${Buffer.byteLength(reply)}:${reply},`)
        }
      })
      sock.on('error', () => undefined)
    }).listen(port, '127.0.0.1', resolve))
  } else {
    let handlers: Record<string, (params: unknown) => Promise<unknown>>
    if (mode === 'listener') {
      handlers = { route: async () => DOCUMENT }
    } else if (mode === 'engine') {
      if (!snapshotFile) throw new Error('engine needs the snapshot file')
      const store = new SnapshotStore()
      store.install(v8.deserialize(fs.readFileSync(snapshotFile)))
      const log = silent as never
      const service = lookups({ snapshot: store, metrics: { observe() {}, decision() {}, event() {} }, log, onEvent: async () => undefined })
      handlers = { auth: service.auth, route: service.route }
    } else {
      throw new Error(`unknown server mode ${mode}`)
    }
    await createJsonRpcServer({ host: '127.0.0.1', port, deadlineMs: 1000, logger: silent, handlers }).listen()
  }
  process.stdout.write('ready\n')
}

async function load(port: number, rates: number[], seconds: number, bodiesFile: string): Promise<void> {
  const params: string[] = JSON.parse(fs.readFileSync(bodiesFile, 'utf8'))
  // warms this process's own code as well as the server's: a cold client times its own JIT
  await runRpc({ port, method: 'route', params, connections: 1, seconds: 2, window: 16 })
  const out = []
  for (const rate of rates) {
    const r = await runRpc({ port, method: 'route', params, connections: 1, seconds, rate })
    out.push({ rate, perSecond: r.perSecond, lost: r.sent - r.completed, ...r.latencyMs })
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}

function hiccup(seconds: number): void {
  // a loop that only reads the clock: any gap between two reads is time the CPU spent elsewhere
  const gaps: number[] = []
  const start = performance.now()
  const end = start + seconds * 1000
  let last = start
  for (;;) {
    const now = performance.now()
    if (now - last > 0.5) gaps.push(now - last)
    last = now
    if (now > end) break
  }
  const sorted = Float64Array.from(gaps).sort()
  const over = (ms: number) => gaps.filter((g) => g > ms).length
  process.stdout.write(JSON.stringify({ seconds, stallsOver1ms: over(1), stallsOver2ms: over(2), stallsOver5ms: over(5), lostMsPerSecond: round(gaps.reduce((a, b) => a + b, 0) / seconds, 2), p99StallMs: round(percentile(sorted, 99), 2), maxStallMs: round(sorted[sorted.length - 1] ?? 0, 2) }) + '\n')
}

const [cmd, ...rest] = process.argv.slice(2)
if (cmd === 'serve') await serve(rest[0], Number(rest[1]), rest[2])
else if (cmd === 'load') await load(Number(rest[0]), rest[1].split(',').map(Number), Number(rest[2]), rest[3])
else if (cmd === 'hiccup') hiccup(Number(rest[0]))
else throw new Error('usage: lookup-floor-child.ts serve|load|hiccup …')
