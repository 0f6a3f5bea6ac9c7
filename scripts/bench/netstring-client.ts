// A small concurrent JSON-RPC-over-netstring client, the way Kamailio's janssonrpcc talks to the
// control plane: a few long-lived TCP connections, many requests in flight on each, replies matched
// by id. Two modes: closed loop (a fixed window of requests in flight: the saturation throughput)
// and open loop (requests sent at a fixed rate whatever the replies do: the latency at that load).
import net from 'node:net'
import { NetstringDecoder } from '../../control-plane/src/modules/kamailio/jsonrpc-server.ts'
import { percentile } from './stats.ts'

export interface RpcRunResult {
  sent: number
  completed: number
  perSecond: number
  /** replies by outcome: "result" or the JSON-RPC error code */
  outcomes: Record<string, number>
  latencyMs: { p50: number; p90: number; p99: number; max: number }
  seconds: number
}

interface Conn { sock: net.Socket; inFlight: Map<number, number> }

async function connect(port: number, n: number, onReply: (c: Conn, id: number, body: string) => void): Promise<Conn[]> {
  const conns: Conn[] = []
  for (let i = 0; i < n; i++) {
    const sock = net.connect({ port, host: '127.0.0.1', noDelay: true })
    await new Promise<void>((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject) })
    const c: Conn = { sock, inFlight: new Map() }
    const dec = new NetstringDecoder(1 << 20)
    sock.on('data', (chunk: Buffer) => {
      for (const payload of dec.push(chunk)) {
        const m = /"id":(\d+)/.exec(payload)
        if (m) onReply(c, Number(m[1]), payload)
      }
    })
    conns.push(c)
  }
  return conns
}

function frame(method: string, paramsJson: string, id: number): string {
  const body = `{"jsonrpc":"2.0","method":"${method}","params":${paramsJson},"id":${id}}`
  return `${Buffer.byteLength(body)}:${body},`
}

export interface RpcRunOptions {
  port: number
  method: string
  /** pre-serialised params, used round-robin */
  params: string[]
  connections: number
  seconds: number
  /** closed loop: requests in flight per connection */
  window?: number
  /** open loop: requests per second over all connections */
  rate?: number
}

export async function runRpc(o: RpcRunOptions): Promise<RpcRunResult> {
  const lat: number[] = []
  const outcomes: Record<string, number> = {}
  let nextId = 1
  let k = 0
  let sent = 0
  let stopping = false
  const send = (c: Conn) => {
    const id = nextId++
    c.inFlight.set(id, performance.now())
    c.sock.write(frame(o.method, o.params[k++ % o.params.length], id))
    sent++
  }
  const conns = await connect(o.port, o.connections, (c, id, body) => {
    const t = c.inFlight.get(id)
    if (t === undefined) return
    c.inFlight.delete(id)
    lat.push(performance.now() - t)
    const code = body.includes('"error"') ? (/"code":(-?\d+)/.exec(body)?.[1] ?? 'error') : 'result'
    outcomes[code] = (outcomes[code] ?? 0) + 1
    if (o.window && !stopping) send(c)
  })
  const t0 = performance.now()
  const end = t0 + o.seconds * 1000
  if (o.window) {
    for (const c of conns) for (let i = 0; i < o.window; i++) send(c)
    await new Promise((r) => setTimeout(r, o.seconds * 1000))
    stopping = true
  } else {
    const rate = o.rate ?? 1000
    let ci = 0
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now()
        const due = Math.min(Math.floor(((Math.min(now, end) - t0) / 1000) * rate), Math.floor(o.seconds * rate))
        while (sent < due) send(conns[ci++ % conns.length])
        if (now >= end) return resolve()
        setTimeout(tick, 1)
      }
      tick()
    })
  }
  const seconds = (performance.now() - t0) / 1000
  // let the requests still in flight finish (they are not counted in the rate)
  const completedInTime = lat.length
  const drainUntil = performance.now() + 2000
  while (conns.some((c) => c.inFlight.size > 0) && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 10))
  for (const c of conns) c.sock.destroy()
  const sorted = Float64Array.from(lat).sort()
  return {
    sent,
    completed: lat.length,
    perSecond: Math.round(completedInTime / seconds),
    outcomes,
    latencyMs: { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN },
    seconds,
  }
}
