// INVITE→180 measured on the wire, for the SIP call-rate benchmark: SIPp's response-time clock
// moves in ~4 ms steps on this machine, too coarse for a native p99 of a few ms. tcpdump captures
// the caller's SIP port on loopback (kernel timestamps, microseconds); each call is matched by
// Call-ID from its first INVITE to the first 180 or 200 answering it (the same stop as SIPp's rtd).
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'

export interface WireCapture {
  /** stops tcpdump and returns INVITE→(180|200) in ms for every matched call, and tcpdump's drops */
  stop(): Promise<{ ms: number[]; invites: number; dropped: number | null }>
}

/** Captures UDP to/from `port` on lo into `file`; null when tcpdump cannot be started. */
export async function captureSip(port: number, file: string): Promise<WireCapture | null> {
  let child: ChildProcess
  try {
    // -s 1024: the start line and the headers up to Call-ID and CSeq; -B: 32 MB kernel buffer
    child = spawn('tcpdump', ['-i', 'lo', '-n', '--immediate-mode', '-s', '1024', '-B', '32768', '-U', '-w', file, 'udp', 'port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch {
    return null
  }
  let err = ''
  child.stderr!.on('data', (b: Buffer) => { err += b.toString() })
  const started = await new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(/listening on/.test(err)), 3000)
    child.once('error', () => { clearTimeout(t); resolve(false) })
    child.stderr!.on('data', () => { if (/listening on/.test(err)) { clearTimeout(t); resolve(true) } })
  })
  if (!started) {
    child.kill('SIGKILL')
    return null
  }
  // --immediate-mode and these pauses: without them the first and last calls of a step were missed
  await new Promise((r) => setTimeout(r, 300))
  return {
    async stop() {
      await new Promise((r) => setTimeout(r, 300))
      const exited = new Promise<void>((r) => child.once('exit', () => r()))
      child.kill('SIGINT')
      await exited
      const m = /(\d+) packets? dropped by kernel/.exec(err)
      return { ...inviteTo180(fs.readFileSync(file), port), dropped: m ? Number(m[1]) : null }
    },
  }
}

/** Parses a pcap (Ethernet or Linux cooked link type) and pairs each call's INVITE with its 180/200. */
export function inviteTo180(pcap: Buffer, callerPort: number): { ms: number[]; invites: number } {
  const magic = pcap.readUInt32LE(0)
  const nano = magic === 0xa1b23c4d
  if (magic !== 0xa1b2c3d4 && !nano) throw new Error('not a little-endian pcap file')
  const link = pcap.readUInt32LE(20)
  const l2 = link === 1 ? 14 : link === 113 ? 16 : -1
  if (l2 < 0) throw new Error(`unsupported pcap link type ${link}`)
  const invites = new Map<string, number>()
  const answered = new Map<string, number>()
  for (let off = 24; off + 16 <= pcap.length;) {
    const ts = pcap.readUInt32LE(off) * 1000 + pcap.readUInt32LE(off + 4) / (nano ? 1e6 : 1e3)
    const len = pcap.readUInt32LE(off + 8)
    const pkt = pcap.subarray(off + 16, off + 16 + len)
    off += 16 + len
    if (pkt.length < l2 + 28 || pkt.readUInt16BE(l2 - 2) !== 0x0800) continue
    const ihl = (pkt[l2] & 0x0f) * 4
    if (pkt[l2 + 9] !== 17) continue
    const udp = l2 + ihl
    const srcPort = pkt.readUInt16BE(udp)
    const dstPort = pkt.readUInt16BE(udp + 2)
    const text = pkt.subarray(udp + 8).toString('latin1')
    const callId = /\r\n(?:Call-ID|i)\s*:\s*([^\r\n]+)/i.exec(text)?.[1]?.trim()
    if (!callId) continue
    if (srcPort === callerPort && text.startsWith('INVITE ')) {
      if (!invites.has(callId)) invites.set(callId, ts)
    } else if (dstPort === callerPort && /^SIP\/2\.0 (180|200) /.test(text) && /\r\n(?:CSeq)\s*:\s*\d+ INVITE/i.test(text)) {
      if (!answered.has(callId)) answered.set(callId, ts)
    }
  }
  const ms: number[] = []
  for (const [callId, t0] of invites) {
    const t1 = answered.get(callId)
    if (t1 !== undefined) ms.push(t1 - t0)
  }
  return { ms, invites: invites.size }
}
