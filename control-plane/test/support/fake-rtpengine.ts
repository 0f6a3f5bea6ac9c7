// A fake rtpengine ng endpoint over UDP (bencode, "<cookie> <dict>"), for media client tests: it
// answers ping, knows the Call-IDs it is given, refuses others like rtpengine does, and can be
// made silent (an unreachable node).
import dgram from 'node:dgram'
import bencode from 'bencode'

export interface FakeRtpengine {
  port: number
  /** Call-IDs this node holds → the reply to a query about them */
  calls: Map<string, Record<string, unknown>>
  /** drop every request (no reply at all) */
  silent: boolean
  /** commands received, in order */
  received: { command: string; 'call-id'?: string; [k: string]: unknown }[]
  close(): Promise<void>
}

const str = (v: unknown): unknown => {
  if (Buffer.isBuffer(v)) return v.toString()
  if (Array.isArray(v)) return v.map(str)
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, str(x)]))
  return v
}

export async function startFakeRtpengine(): Promise<FakeRtpengine> {
  const sock = dgram.createSocket('udp4')
  const fake: FakeRtpengine = {
    port: 0,
    calls: new Map(),
    silent: false,
    received: [],
    close: () => new Promise((r) => sock.close(() => r())),
  }
  sock.on('message', (msg, rinfo) => {
    const sp = msg.indexOf(' ')
    const cookie = msg.subarray(0, sp).toString()
    const req = str(bencode.decode(msg.subarray(sp + 1))) as FakeRtpengine['received'][number]
    fake.received.push(req)
    if (fake.silent) return
    let reply: Record<string, unknown>
    if (req.command === 'ping') reply = { result: 'pong' }
    else if (req.command === 'statistics') reply = { result: 'ok', statistics: { currentstatistics: { sessionsown: fake.calls.size } } }
    else if (req['call-id'] && fake.calls.has(req['call-id'])) reply = { result: 'ok', ...fake.calls.get(req['call-id']) }
    else reply = { result: 'error', 'error-reason': 'Unknown call-ID' }
    sock.send(Buffer.concat([Buffer.from(`${cookie} `), Buffer.from(bencode.encode(reply))]), rinfo.port, rinfo.address)
  })
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()))
  fake.port = sock.address().port
  return fake
}
