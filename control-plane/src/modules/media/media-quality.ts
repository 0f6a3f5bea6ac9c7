// Per-call media quality from an rtpengine `query` reply (or the `delete` reply, same shape):
// packets/bytes/errors per leg, and the RTCP-derived figures rtpengine computes per SSRC when the
// endpoints send RTCP reports (MOS, jitter, packet loss, round trip; RFC 3550 §6.4). Pure.
export interface LegQuality {
  tag: string
  protocol: string | null
  /** packets/bytes/errors rtpengine received from this leg's endpoint (RTP only) */
  packets: number
  bytes: number
  errors: number
  transcoding: boolean
}

export interface MediaQuality {
  source: 'rtpengine'
  legs: LegQuality[]
  rtp: { packets: number; bytes: number; errors: number }
  rtcp: { packets: number; bytes: number; errors: number }
  /** null unless the endpoints sent RTCP */
  mos: { average: number; lowest: number } | null
  jitterMs: number | null
  packetLossPct: number | null
  roundTripMs: number | null
  transcoded: boolean
}

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {})
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || 0)
const counters = (v: unknown) => ({ packets: num(obj(v).packets), bytes: num(obj(v).bytes), errors: num(obj(v).errors) })

export function mediaQualityFromQuery(reply: unknown): MediaQuality {
  const r = obj(reply)
  const legs: LegQuality[] = Object.entries(obj(r.tags)).map(([tag, t]) => {
    const medias = arr(obj(t).medias).map(obj)
    const rtpStreams = medias.flatMap((m) => arr(m.streams).map(obj)).filter((s) => arr(s.flags).includes('RTP'))
    const sum = rtpStreams.reduce<{ packets: number; bytes: number; errors: number }>((a, s) => {
      const c = counters(s.stats)
      return { packets: a.packets + c.packets, bytes: a.bytes + c.bytes, errors: a.errors + c.errors }
    }, { packets: 0, bytes: 0, errors: 0 })
    return {
      tag: String(obj(t).tag ?? tag),
      protocol: medias[0]?.protocol ? String(medias[0].protocol) : null,
      ...sum,
      transcoding: medias.some((m) => arr(m.flags).includes('transcoding')),
    }
  })
  const totals = obj(r.totals)

  // rtpengine scales MOS by 10 and reports jitter in ms, loss in % and RTT in µs per SSRC
  const ssrcs = Object.values(obj(r.SSRC)).map(obj)
  const avg = ssrcs.map((s) => obj(s['average MOS'])).filter((m) => num(m.MOS) > 0)
  const low = ssrcs.map((s) => obj(s['lowest MOS'])).filter((m) => num(m.MOS) > 0)
  const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : null)
  const mosAvg = mean(avg.map((m) => num(m.MOS) / 10))
  return {
    source: 'rtpengine',
    legs,
    rtp: counters(totals.RTP),
    rtcp: counters(totals.RTCP),
    mos: mosAvg === null ? null : { average: mosAvg, lowest: Math.min(...low.map((m) => num(m.MOS) / 10)) },
    jitterMs: mean(avg.map((m) => num(m.jitter))),
    packetLossPct: mean(avg.map((m) => num(m['packet loss']))),
    roundTripMs: mean(avg.map((m) => num(m['round-trip time']) / 1000)),
    transcoded: legs.some((l) => l.transcoding),
  }
}
