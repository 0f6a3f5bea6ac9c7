// Synthetic G.711 RTP in a libpcap file (Ethernet/IPv4/UDP/RTP, 20 ms packets), for SIPp's
// play_pcap_audio and for the pcap → WAV tests: a tone of the given length in PCMU (PT 0) or
// PCMA (PT 8). SIPp rewrites addresses and ports; it keeps payload, payload type and timing.
import { G711_TABLES } from '../../src/modules/media/pcap-wav.ts'

const encoders = new Map<string, Uint8Array>()
/** linear (16 bit, offset by 32768) → the G.711 code whose expansion is nearest */
function encoder(codec: 'PCMU' | 'PCMA'): Uint8Array {
  let enc = encoders.get(codec)
  if (enc) return enc
  const table = G711_TABLES[codec]
  const codes = [...Array(256).keys()].sort((a, b) => table[a] - table[b])
  enc = new Uint8Array(65536)
  let j = 0
  for (let v = -32768; v < 32768; v++) {
    while (j < 255 && Math.abs(table[codes[j + 1]] - v) <= Math.abs(table[codes[j]] - v)) j++
    enc[v + 32768] = codes[j]
  }
  encoders.set(codec, enc)
  return enc
}

export function g711TonePcap(o: { codec: 'PCMU' | 'PCMA'; seconds: number; hz?: number; ssrc?: number; startTs?: number }): Buffer {
  const enc = encoder(o.codec)
  const pt = o.codec === 'PCMU' ? 0 : 8
  const n = Math.round(o.seconds * 50)
  const parts: Buffer[] = []
  const gh = Buffer.alloc(24)
  gh.writeUInt32LE(0xa1b2c3d4, 0); gh.writeUInt16LE(2, 4); gh.writeUInt16LE(4, 6); gh.writeUInt32LE(65535, 16); gh.writeUInt32LE(1, 20)
  parts.push(gh)
  const t0 = o.startTs ?? 1_700_000_000
  for (let i = 0; i < n; i++) {
    const rtp = Buffer.alloc(12 + 160)
    rtp[0] = 0x80; rtp[1] = pt; rtp.writeUInt16BE(i & 0xffff, 2); rtp.writeUInt32BE(i * 160, 4); rtp.writeUInt32BE(o.ssrc ?? 0x5b0a4d, 8)
    for (let s = 0; s < 160; s++) {
      const v = Math.round(8000 * Math.sin((2 * Math.PI * (o.hz ?? 440) * (i * 160 + s)) / 8000))
      rtp[12 + s] = enc[v + 32768]
    }
    const udp = Buffer.alloc(8); udp.writeUInt16BE(16000, 0); udp.writeUInt16BE(17000, 2); udp.writeUInt16BE(8 + rtp.length, 4)
    const ip = Buffer.alloc(20)
    ip[0] = 0x45; ip.writeUInt16BE(20 + 8 + rtp.length, 2); ip[8] = 64; ip[9] = 17
    ip.set([127, 0, 0, 1], 12); ip.set([127, 0, 0, 1], 16)
    let sum = 0
    for (let k = 0; k < 20; k += 2) sum += ip.readUInt16BE(k)
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16)
    ip.writeUInt16BE(~sum & 0xffff, 10)
    const eth = Buffer.alloc(14); eth.writeUInt16BE(0x0800, 12)
    const frame = Buffer.concat([eth, ip, udp, rtp])
    const rh = Buffer.alloc(16)
    const ts = t0 + i * 0.02
    rh.writeUInt32LE(Math.floor(ts), 0); rh.writeUInt32LE(Math.round((ts % 1) * 1e6) % 1_000_000, 4); rh.writeUInt32LE(frame.length, 8); rh.writeUInt32LE(frame.length, 12)
    parts.push(rh, frame)
  }
  return Buffer.concat(parts)
}
