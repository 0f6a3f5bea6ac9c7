// Recording files: pcap → RTP → stereo WAV for G.711, sealing at rest, and quality from a query.
import t from 'tap'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes, randomUUID } from 'node:crypto'
import { G711_TABLES, g711PcapToWav, readRtpFromPcap, PcapError } from '../../../src/modules/media/pcap-wav.ts'
import { RecordingStore, openBuffer, sealBuffer } from '../../../src/modules/media/recording-store.ts'
import { mediaQualityFromQuery } from '../../../src/modules/media/media-quality.ts'
import { g711TonePcap } from '../../support/rtp-pcap.ts'

t.test('G.711 tables: silence codes and symmetry (ITU-T G.711)', async (t) => {
  t.equal(G711_TABLES.PCMU[0xff], 0, 'μ-law 0xFF is 0')
  t.equal(G711_TABLES.PCMU[0x00], -32124, 'μ-law 0x00 is the negative peak')
  t.equal(G711_TABLES.PCMA[0xd5], 8, 'A-law 0xD5 is +8')
  t.equal(G711_TABLES.PCMA[0x55], -8)
  t.equal(G711_TABLES.PCMA[0xaa], 32256, 'A-law positive peak')
})

t.test('pcap → RTP packets → stereo WAV', async (t) => {
  const a = readRtpFromPcap(g711TonePcap({ codec: 'PCMA', seconds: 2, ssrc: 1 }))
  const u = readRtpFromPcap(g711TonePcap({ codec: 'PCMU', seconds: 1, ssrc: 2, startTs: 1_700_000_000.5 }))
  t.equal(a.length, 100)
  t.match(a[0], { ssrc: 1, payloadType: 8, seq: 0, timestamp: 0, src: '127.0.0.1:16000' })
  t.equal(a[0].payload.length, 160)
  const res = g711PcapToWav([...a, ...u])
  t.ok(res)
  if (!res) return
  t.same(res.streams.map((s) => [s.ssrc, s.codec, s.packets]), [[1, 'PCMA', 100], [2, 'PCMU', 50]], 'a channel per stream, in order of appearance')
  t.equal(res.wav.subarray(0, 4).toString(), 'RIFF')
  t.equal(res.wav.readUInt16LE(22), 2, 'stereo')
  t.equal(res.wav.readUInt32LE(24), 8000)
  t.equal(res.durationSec, 2)
  // the second stream starts 0.5 s later: its channel is silent before that
  const frame = (sec: number) => 44 + Math.round(sec * 8000) * 4
  let loudLeft = 0, loudRight = 0, earlyRight = 0
  for (let i = 0; i < 8000; i++) {
    loudLeft = Math.max(loudLeft, Math.abs(res.wav.readInt16LE(frame(0.1) + i * 4)))
    earlyRight = Math.max(earlyRight, Math.abs(res.wav.readInt16LE(frame(0) + i * 4 + 2) * (i < 3900 ? 1 : 0)))
    loudRight = Math.max(loudRight, Math.abs(res.wav.readInt16LE(frame(0.6) + (i % 3000) * 4 + 2)))
  }
  t.ok(loudLeft > 7000 && loudLeft < 8500, `left carries the 8000-amplitude tone (${loudLeft})`)
  t.ok(loudRight > 7000, `right too once it started (${loudRight})`)
  t.equal(earlyRight, 0, 'right is silent before its stream started')
  t.equal(g711PcapToWav(a.map((p) => ({ ...p, payloadType: 18 }))), null, 'no G.711: no WAV')
  t.throws(() => readRtpFromPcap(Buffer.from('not a pcap at all, really not')), PcapError)
})

t.test('the shipped-format pcap: RTCP and non-RTP frames are skipped', async (t) => {
  const pcap = g711TonePcap({ codec: 'PCMU', seconds: 0.1 })
  const rtcp = Buffer.from(pcap)
  // turn the first packet into RTCP (PT 200 → second byte 0xc8, RFC 5761 §4)
  rtcp[24 + 16 + 14 + 20 + 8 + 1] = 0xc8
  t.equal(readRtpFromPcap(rtcp).length, 4)
})

t.test('sealed at rest: AES-256-GCM with key id, bound to recording and kind', async (t) => {
  const k1 = { id: 'k1', key: randomBytes(32) }
  const k2 = { id: 'k2', key: randomBytes(32) }
  const ring = { active: k1, all: [k1] }
  const sealed = sealBuffer(Buffer.from('audio'), ring, 'r1:wav')
  t.equal(openBuffer(sealed, ring, 'r1:wav').toString(), 'audio')
  t.throws(() => openBuffer(sealed, ring, 'r2:wav'), { code: 'tampered' }, 'moved to another recording')
  const flipped = Buffer.from(sealed)
  flipped[flipped.length - 1] ^= 1
  t.throws(() => openBuffer(flipped, ring, 'r1:wav'), { code: 'tampered' })
  t.throws(() => openBuffer(sealed, { active: k2, all: [k2] }, 'r1:wav'), { code: 'unknown_key' })
  t.equal(openBuffer(sealed, { active: k2, all: [k2, k1] }, 'r1:wav').toString(), 'audio', 'rotation: old files open with the key named in them')

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-recstore-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const store = new RecordingStore(dir, ring)
  const id = randomUUID()
  const plain = g711TonePcap({ codec: 'PCMA', seconds: 1 })
  const f = await store.put(id, 'pcap', plain)
  t.equal(f.bytes, plain.length)
  t.match(f.sha256, /^[0-9a-f]{64}$/)
  const onDisk = fs.readFileSync(path.join(dir, f.file))
  t.equal(onDisk.indexOf(plain.subarray(100, 200)), -1, 'no plaintext on disk')
  t.equal(fs.statSync(path.join(dir, f.file)).mode & 0o777, 0o600)
  t.same(await store.get(id, 'pcap', f.file), plain)
  await t.rejects(store.get(id, 'pcap', '../etc/passwd'), /not a recording file name/)
  await store.remove(f.file)
  t.notOk(fs.existsSync(path.join(dir, f.file)))
})

t.test('media quality from an rtpengine query reply', async (t) => {
  const leg = (tag: string, packets: number, flags: string[] = []) => ({
    tag,
    medias: [{ protocol: 'RTP/AVP', flags, streams: [{ flags: ['RTP'], stats: { packets, bytes: packets * 172, errors: 0 } }, { flags: ['RTCP'], stats: { packets: 3, bytes: 300, errors: 0 } }] }],
  })
  const q = mediaQualityFromQuery({
    result: 'ok',
    totals: { RTP: { packets: 600, bytes: 103200, errors: 1 }, RTCP: { packets: 6, bytes: 600, errors: 0 } },
    tags: { a: leg('a', 300), b: leg('b', 300, ['transcoding']) },
    SSRC: { 1: { 'average MOS': { MOS: 43, jitter: 2, 'packet loss': 0, 'round-trip time': 1000 }, 'lowest MOS': { MOS: 41 } }, 2: { 'average MOS': { MOS: 41, jitter: 4, 'packet loss': 1 }, 'lowest MOS': { MOS: 39 } } },
  })
  t.same(q.legs, [
    { tag: 'a', protocol: 'RTP/AVP', packets: 300, bytes: 51600, errors: 0, transcoding: false },
    { tag: 'b', protocol: 'RTP/AVP', packets: 300, bytes: 51600, errors: 0, transcoding: true },
  ])
  t.same(q.rtp, { packets: 600, bytes: 103200, errors: 1 })
  t.same(q.mos, { average: 4.2, lowest: 3.9 })
  t.equal(q.jitterMs, 3)
  t.equal(q.packetLossPct, 0.5)
  t.equal(q.transcoded, true)
  const bare = mediaQualityFromQuery({ result: 'ok' })
  t.same(bare, { source: 'rtpengine', legs: [], rtp: { packets: 0, bytes: 0, errors: 0 }, rtcp: { packets: 0, bytes: 0, errors: 0 }, mos: null, jitterMs: null, packetLossPct: null, roundTripMs: null, transcoded: false }, 'no RTCP: no MOS, no guess')
})

t.test("rtpengine's spool names: the Call-ID percent-encoded (RFC 3986 unreserved kept)", async (t) => {
  const { spoolNames } = await import('../../../src/modules/media/recording-spool.ts')
  t.same(spoolNames('media-4-28182@e2e'), ['media-4-28182%40e2e', 'media-4-28182@e2e'])
  t.same(spoolNames('abc.DEF_1~-'), ['abc.DEF_1~-'], 'nothing to encode: one name')
  t.same(spoolNames('a b/é'), ['a%20b%2F%C3%A9', 'a b/é'], 'UTF-8 bytes encoded one by one')
})
