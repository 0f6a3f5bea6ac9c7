// rtpengine's pcap recordings (recording-method=pcap, recording-format=eth: libpcap files of
// Ethernet/IPv4|IPv6/UDP/RTP packets as they reached rtpengine) turned into a WAV file for G.711.
// Pure: buffers in, buffers out. No tshark/sox needed: G.711 is a table lookup (ITU-T G.711), RTP
// framing is RFC 3550 §5.1, the static payload types 0 (PCMU) and 8 (PCMA) are RFC 3551 §6.
export interface RtpPacket {
  /** capture time, seconds */
  ts: number
  src: string
  ssrc: number
  payloadType: number
  seq: number
  timestamp: number
  payload: Buffer
}

export class PcapError extends Error {
  override name = 'PcapError'
}

const LINKTYPE_ETHERNET = 1
const LINKTYPE_RAW = 101

/** Every RTP packet in a pcap (non-RTP UDP, RTCP and other frames are skipped). */
export function readRtpFromPcap(buf: Buffer): RtpPacket[] {
  if (buf.length < 24) throw new PcapError('not a pcap file: too short')
  const magic = buf.readUInt32LE(0)
  let le: boolean
  let nanos = false
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = true
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = false
  else throw new PcapError('not a pcap file: bad magic')
  if (magic === 0xa1b23c4d || magic === 0x4d3cb2a1) nanos = true
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o))
  const link = u32(20)
  if (link !== LINKTYPE_ETHERNET && link !== LINKTYPE_RAW) throw new PcapError(`unsupported pcap link type ${link}`)
  const out: RtpPacket[] = []
  let off = 24
  while (off + 16 <= buf.length) {
    const ts = u32(off) + u32(off + 4) / (nanos ? 1e9 : 1e6)
    const incl = u32(off + 8)
    const frame = buf.subarray(off + 16, off + 16 + incl)
    off += 16 + incl
    const pkt = rtpFromFrame(frame, link === LINKTYPE_ETHERNET ? 14 : 0, ts)
    if (pkt) out.push(pkt)
  }
  return out
}

function rtpFromFrame(f: Buffer, l3: number, ts: number): RtpPacket | null {
  if (l3 === 14) {
    if (f.length < 14) return null
    const etherType = f.readUInt16BE(12)
    if (etherType !== 0x0800 && etherType !== 0x86dd) return null
  }
  if (f.length < l3 + 20) return null
  const version = f[l3] >> 4
  let udp: number
  let src: string
  if (version === 4) {
    if (f[l3 + 9] !== 17) return null
    udp = l3 + (f[l3] & 0x0f) * 4
    src = `${f[l3 + 12]}.${f[l3 + 13]}.${f[l3 + 14]}.${f[l3 + 15]}`
  } else if (version === 6) {
    if (f.length < l3 + 40 || f[l3 + 6] !== 17) return null
    udp = l3 + 40
    src = f.subarray(l3 + 8, l3 + 24).toString('hex')
  } else return null
  if (f.length < udp + 8 + 12) return null
  const rtp = udp + 8
  if (f[rtp] >> 6 !== 2) return null
  const pt = f[rtp + 1] & 0x7f
  if (pt >= 72 && pt <= 76) return null // RTCP sharing the port (RFC 5761 §4)
  const cc = f[rtp] & 0x0f
  let start = rtp + 12 + cc * 4
  if (f[rtp] & 0x10) {
    if (f.length < start + 4) return null
    start += 4 + f.readUInt16BE(start + 2) * 4
  }
  let end = f.length
  if (f[rtp] & 0x20) end -= f[end - 1] // padding (RFC 3550 §5.1)
  if (start > end) return null
  return {
    ts, src: `${src}:${f.readUInt16BE(udp)}`,
    ssrc: f.readUInt32BE(rtp + 8), payloadType: pt, seq: f.readUInt16BE(rtp + 2), timestamp: f.readUInt32BE(rtp + 4),
    payload: f.subarray(start, end),
  }
}

// ITU-T G.711 expansion to 16-bit linear PCM, computed once.
const ULAW = new Int16Array(256)
const ALAW = new Int16Array(256)
for (let i = 0; i < 256; i++) {
  const u = ~i & 0xff
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4)
  ULAW[i] = u & 0x80 ? 0x84 - t : t - 0x84
  const a = i ^ 0x55
  let v = (a & 0x0f) << 4
  const seg = (a & 0x70) >> 4
  v = seg === 0 ? v + 8 : seg === 1 ? v + 0x108 : (v + 0x108) << (seg - 1)
  ALAW[i] = a & 0x80 ? v : -v
}
export const G711_TABLES = { PCMU: ULAW, PCMA: ALAW }

const G711_PT: Record<number, Int16Array> = { 0: ULAW, 8: ALAW }
export const codecOfPayloadType = (pt: number): string => ({ 0: 'PCMU', 8: 'PCMA', 9: 'G722', 18: 'G729' } as Record<number, string>)[pt] ?? `PT${pt}`

export interface WavResult {
  wav: Buffer
  /** one channel per stream (SSRC), at most 2: the caller's and the callee's audio */
  streams: { ssrc: number; src: string; codec: string; packets: number }[]
  durationSec: number
}

/**
 * A stereo 8 kHz 16-bit WAV: each G.711 stream on its own channel, each packet placed at its
 * capture time (so the two sides stay aligned and a gap stays silent). Null when no stream is
 * G.711 (other codecs keep only the pcap).
 */
export function g711PcapToWav(packets: readonly RtpPacket[]): WavResult | null {
  const bySsrc = new Map<number, RtpPacket[]>()
  for (const p of packets) {
    if (!G711_PT[p.payloadType]) continue
    const list = bySsrc.get(p.ssrc) ?? []
    list.push(p)
    bySsrc.set(p.ssrc, list)
  }
  const streams = [...bySsrc.entries()].sort((a, b) => a[1][0].ts - b[1][0].ts).slice(0, 2)
  if (streams.length === 0) return null
  const t0 = Math.min(...streams.map(([, l]) => l[0].ts))
  let samples = 0
  for (const [, l] of streams) for (const p of l) samples = Math.max(samples, Math.round((p.ts - t0) * 8000) + p.payload.length)
  const pcm = Buffer.alloc(samples * 4) // 2 channels x 16 bit
  streams.forEach(([, list], ch) => {
    for (const p of list) {
      const table = G711_PT[p.payloadType]
      const at = Math.round((p.ts - t0) * 8000)
      for (let i = 0; i < p.payload.length; i++) pcm.writeInt16LE(table[p.payload[i]], (at + i) * 4 + ch * 2)
    }
  })
  return {
    wav: Buffer.concat([wavHeader(pcm.length, 2, 8000), pcm]),
    streams: streams.map(([ssrc, l]) => ({ ssrc, src: l[0].src, codec: codecOfPayloadType(l[0].payloadType), packets: l.length })),
    durationSec: Math.round((samples / 8000) * 10) / 10,
  }
}

/** RIFF/WAVE header for 16-bit PCM. */
export function wavHeader(dataBytes: number, channels: number, rate: number): Buffer {
  const h = Buffer.alloc(44)
  h.write('RIFF', 0)
  h.writeUInt32LE(36 + dataBytes, 4)
  h.write('WAVE', 8)
  h.write('fmt ', 12)
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(1, 20) // PCM
  h.writeUInt16LE(channels, 22)
  h.writeUInt32LE(rate, 24)
  h.writeUInt32LE(rate * channels * 2, 28)
  h.writeUInt16LE(channels * 2, 32)
  h.writeUInt16LE(16, 34)
  h.write('data', 36)
  h.writeUInt32LE(dataBytes, 40)
  return h
}
