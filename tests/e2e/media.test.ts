// Media end to end (issue 5): real G.711 RTP (SIPp playing pcaps) through Kamailio + rtpengine,
// with the flags the control plane's decision asked for. Proves the relay (rtpengine counted
// packets on both legs, in the CDR's mediaQuality), a transcoded call (PCMU caller, G.729-only
// callee), SDES-SRTP towards the caller with plain RTP towards a trunk, a recorded call (consent
// announcement, sealed files, metadata, recording.accessed audit), none for a "never" call, and
// a fast 503 (or direct media when allowed) once rtpengine is gone.
import t, { type Test } from 'tap'
import { runSipp, startSipp, type SippOptions } from '../support/sipp.ts'
import { eventually, sippOk, skipE2e, sleep, startStack, type Stack } from '../support/e2e.ts'
import { MediaScenarios, type MediaSide } from '../support/media-scenarios.ts'

// ports owned by this file: 6600-6619 SIP/RPC/JSON-RPC/SIPp, ng 23600-23603, RTP 17000-17399,
// SIPp media 16900-16939 (16600-16699 are tls.test.ts's; all below the ephemeral range 32768-60999)
const PORTS = { sip: 6600, rpc: 6601, cp: 6602, ng: 23600, rtpMin: 17000, rtpMax: 17399 }
const UAC = 6610, UAS = 6611, GW = 6612
const MP = { uac: 16900, uas: 16910, gw: 16920, reg: 16930 }
const DOMAIN = 'media.e2e.test'
const pw: Record<string, string> = { '1001': 'alice-media-pass', '1002': 'bob-media-pass', '1003': 'carol-media-pass', '1004': 'dave-media-pass', '1005': 'erin-media-pass' }

t.test('media through Kamailio + rtpengine, decided by the control plane', { skip: skipE2e, timeout: 120_000 }, async (t) => {
  const s: Stack = await startStack(t, PORTS, { domain: DOMAIN, cpEnv: { RECORDING_CONSENT: 'announcement', RTPENGINE_HEALTH_INTERVAL_MS: '500' } })
  const scn = new MediaScenarios()
  t.teardown(() => scn.cleanup())
  const prisma = s.h.database.prisma

  const domain = await s.create('domains', { name: DOMAIN, timezone: 'Europe/Paris' })
  const domainId = domain.id
  const gw = await s.create('trunks', { domainId, name: 'plain-gw', host: '127.0.0.1', port: GW, authMode: 'IP', inboundIps: ['127.0.0.9'], priority: 1 })
  const plan = await s.create('dialplans', {
    domainId, name: 'france', countryCode: '33', nationalPrefix: '0', internationalPrefix: '00',
    rules: [{ name: 'national', pattern: '0[1-9][0-9]{8}', numberClass: 'NATIONAL', trunkIds: [gw.id] }],
  })
  t.equal((await s.api('PATCH', `/domains/${domainId}`, { defaultDialPlanId: plan.id })).status, 200)
  const profile: Record<string, object> = {
    '1001': { classOfService: 'NATIONAL' },
    '1002': { recordingPolicy: 'NEVER' }, // plain phone, never recorded
    '1003': { codecs: ['G729'] }, // only takes G.729: PCMU callers are transcoded
    '1004': { recordingPolicy: 'ALWAYS' },
    '1005': { recordingPolicy: 'ON_DEMAND' },
  }
  for (const [ext, extra] of Object.entries(profile)) await s.create('users', { domainId, extension: ext, password: pw[ext], ...extra })
  await s.rebuild()

  const register = (user: string, localPort: number) =>
    runSipp({ scenario: 'register_ok', remote: s.target, localPort, inject: s.csv(user), auth: { user, password: pw[user] }, keys: { expires: '600' }, mediaPort: MP.reg, timeoutMs: 10_000 })
  let n = 0
  /** 1001 calls `service` with the caller side `uac`; the callee (UAS or gateway) answers with `uas` */
  async function call(t: Test, service: string, uac: MediaSide, uas: MediaSide, o: { talkMs?: number; calleePort?: number; during?: (callId: string) => Promise<void> } = {}) {
    const callId = `media-${++n}-${process.pid}@e2e`
    const calleePort = o.calleePort ?? UAS
    const callee = startSipp({ scenario: scn.uas(uas), localPort: calleePort, mediaPort: calleePort === GW ? MP.gw : MP.uas, timeoutMs: 30_000 })
    await sleep(200)
    const caller = startSipp({
      scenario: scn.uac(uac), remote: s.target, localPort: UAC, mediaPort: MP.uac, timeoutMs: 30_000, service, pauseMs: o.talkMs ?? 2000,
      keys: { from: '1001', domain: DOMAIN }, auth: { user: '1001', password: pw['1001'] },
      // over UDP a 180 relayed by one Kamailio worker may arrive after the 200 relayed by another
      // (seen in CI under load): a UA ignores such a late provisional response, so SIPp must too
      extraArgs: ['-cid_str', callId, '-default_behaviors', 'all,-abortunexp'],
    } satisfies SippOptions)
    if (o.during) await o.during(callId)
    sippOk(t, await caller.done, `caller → ${service}`)
    sippOk(t, await callee.done, `callee ${service}`)
    return callId
  }
  const cdrEnded = (callId: string) => eventually(async () => {
    const c = await prisma.cdr.findUnique({ where: { callId } })
    return c?.endedAt && c.mediaQuality ? c : undefined
  }, 10_000)
  const legs = (q: any) => (q?.legs ?? []) as { tag: string; protocol: string; packets: number; transcoding: boolean }[]

  t.test('phones register', async (t) => {
    for (const u of ['1002', '1003', '1004', '1005']) sippOk(t, await register(u, UAS), `${u} registers from the UAS port`)
  })

  t.test('relay: G.711 from pcaps both ways, rtpengine counted packets on both legs; "never" leaves no recording', async (t) => {
    const callId = await call(t, '1002',
      { sdp: 'PCMA', expect: 'm=audio [0-9]+ RTP/AVP 8', play: { codec: 'PCMA', seconds: 2 } },
      { sdp: 'PCMA', expect: 'c=IN IP4 127\\.0\\.0\\.1', refuse: 'a=candidate', play: { codec: 'PCMA', seconds: 2 } },
      { talkMs: 2500, during: async (cid) => {
        await sleep(1200)
        const r = await s.api('POST', `/calls/${encodeURIComponent(cid)}/recording`, { action: 'start', consent: 'flag', consentFlag: true })
        t.equal(r.status, 403, 'asking to record a "never" call is refused')
        t.equal(r.body?.error?.code, 'recording_not_allowed')
      } })
    const cdr = await cdrEnded(callId)
    t.ok(cdr, 'CDR ended with mediaQuality')
    const l = legs(cdr?.mediaQuality)
    t.equal(l.length, 2, 'two legs')
    for (const leg of l) t.ok(leg.packets >= 80, `leg ${leg.tag}: ${leg.packets} RTP packets received by rtpengine (2 s of 20 ms G.711 = 100)`)
    t.equal((cdr?.mediaQuality as any)?.transcoded, false, 'PCMA both sides: relayed, not transcoded')
    t.equal(await prisma.recording.count({ where: { callId } }), 0, 'no recording row')
  })

  t.test('transcoding: a PCMU caller and a G.729-only callee', async (t) => {
    const callId = await call(t, '1003',
      { sdp: 'PCMU', expect: 'm=audio [0-9]+ RTP/AVP 0[[:space:]]', play: { codec: 'PCMU', seconds: 2 } },
      { sdp: 'G729', expect: 'm=audio [0-9]+ RTP/AVP 18 [0-9]+[[:space:]].*a=rtpmap:[0-9]+ telephone-event', refuse: 'PCMU', play: undefined },
      { talkMs: 2500 })
    const cdr = await cdrEnded(callId)
    t.equal((cdr?.mediaQuality as any)?.transcoded, true, 'rtpengine transcoded the call')
    const caller = legs(cdr?.mediaQuality).find((x) => x.packets > 0)
    t.ok(caller && caller.packets >= 80, `the caller's PCMU reached rtpengine (${caller?.packets} packets) to be encoded as G.729`)
  })

  t.test('SDES-SRTP towards the caller, plain RTP towards the trunk', async (t) => {
    const callId = await call(t, '0123456789',
      { sdp: 'SDES_PCMA', expect: 'm=audio [0-9]+ RTP/SAVP 8.*a=crypto:[0-9]+ AES_CM_128_HMAC_SHA1_80 inline:', play: undefined },
      { sdp: 'PCMA', expect: 'm=audio [0-9]+ RTP/AVP 8', refuse: 'a=crypto|RTP/SAVP', play: { codec: 'PCMA', seconds: 2 } },
      { talkMs: 2500, calleePort: GW })
    const cdr = await cdrEnded(callId)
    const l = legs(cdr?.mediaQuality)
    t.same(l.map((x) => x.protocol).sort(), ['RTP/AVP', 'RTP/SAVP'], 'one leg SRTP, the other plain RTP')
    const plain = l.find((x) => x.protocol === 'RTP/AVP')
    t.ok(plain && plain.packets >= 80, `the trunk's plain RTP reached rtpengine (${plain?.packets} packets), sent on encrypted to the caller`)
  })

  t.test('recording "always": announcement, then a sealed pcap + WAV with metadata, audited on access', async (t) => {
    const callId = await call(t, '1004',
      { sdp: 'PCMA', expect: 'RTP/AVP 8', play: { codec: 'PCMA', seconds: 4 } },
      { sdp: 'PCMA', expect: 'RTP/AVP 8', play: { codec: 'PCMA', seconds: 4 } },
      { talkMs: 4000 })
    const rec = await eventually(() => prisma.recording.findFirst({ where: { callId, status: { in: ['STORED', 'FAILED'] } } }), 15_000)
    t.ok(rec, 'a recording row')
    if (!rec) return
    t.equal(rec.status, 'STORED', `stored (${rec.error ?? 'no error'})`)
    t.equal(rec.trigger, 'policy')
    t.equal(rec.consent, 'announcement', 'both parties heard the announcement first')
    t.same(rec.codecs, ['PCMA'])
    t.ok(rec.packets > 50, `${rec.packets} packets in the pcap`)
    t.ok(rec.durationSec >= 1, `duration ${rec.durationSec} s`)
    t.ok(rec.wavFile && rec.pcapFile && rec.keyId && rec.retainUntil, 'files sealed with a key id, retention set')
    const cdr = await prisma.cdr.findUnique({ where: { callId } })
    t.equal(cdr?.recordingId, rec.id, 'the CDR links the recording')

    const meta = await s.api('GET', `/recordings/${rec.id}`)
    t.equal(meta.status, 200)
    t.same(meta.body.formats, ['pcap', 'wav'])
    const wav = await s.h.app.inject({ method: 'GET', url: `/api/v1/recordings/${rec.id}/audio?format=wav`, headers: s.h.auth('ADMIN') })
    t.equal(wav.statusCode, 200)
    t.equal(wav.headers['content-type'], 'audio/wav')
    t.equal(wav.rawPayload.subarray(0, 4).toString(), 'RIFF', 'a WAV file comes out, decrypted')
    t.equal(wav.rawPayload.length, rec.wavBytes, 'the size recorded in the metadata')
    const accessed = await prisma.auditEntry.findMany({ where: { action: 'recording.accessed', entityId: rec.id } })
    t.equal(accessed.length, 2, 'metadata read + audio download: two recording.accessed entries')
    const auditor = await s.h.app.inject({ method: 'GET', url: `/api/v1/recordings/${rec.id}/audio`, headers: s.h.auth('AUDITOR') })
    t.equal(auditor.statusCode, 403, 'an auditor does not listen to calls')
  })

  t.test('recording on demand through the API, with a consent flag', async (t) => {
    let started: any
    const callId = await call(t, '1005',
      { sdp: 'PCMA', expect: 'RTP/AVP 8', play: { codec: 'PCMA', seconds: 4 } },
      { sdp: 'PCMA', expect: 'RTP/AVP 8', play: { codec: 'PCMA', seconds: 4 } },
      { talkMs: 4000, during: async (cid) => {
        await sleep(1200)
        const noFlag = await s.api('POST', `/calls/${encodeURIComponent(cid)}/recording`, { action: 'start', consent: 'flag' })
        t.equal(noFlag.status, 422, 'no consent flag, no recording')
        started = await s.api('POST', `/calls/${encodeURIComponent(cid)}/recording`, { action: 'start', consent: 'flag', consentFlag: true })
        t.equal(started.status, 202, 'recording started')
        await sleep(1500)
        const stopped = await s.api('POST', `/calls/${encodeURIComponent(cid)}/recording`, { action: 'stop' })
        t.equal(stopped.status, 200, 'recording stopped')
        t.equal(stopped.body.items[0]?.status, 'STORED', `stored at once (${stopped.body.items[0]?.error ?? ''})`)
      } })
    const rec = await prisma.recording.findFirst({ where: { callId } })
    t.equal(rec?.trigger, 'api')
    t.equal(rec?.consent, 'flag')
    t.ok((rec?.packets ?? 0) > 20, `${rec?.packets} packets recorded in 1.5 s`)
  })

  t.test('rtpengine down: a call needing the relay gets 503 at once, a plain one goes direct', async (t) => {
    await s.rtp.stop()
    const t0 = Date.now()
    const refused = await runSipp({
      scenario: 'media/uac_auth_media_503', remote: s.target, localPort: UAC, mediaPort: MP.uac, timeoutMs: 10_000, service: '1003',
      keys: { from: '1001', domain: DOMAIN }, auth: { user: '1001', password: pw['1001'] },
    })
    const elapsed = Date.now() - t0
    sippOk(t, refused, '503 Media Relay Unavailable')
    t.ok(elapsed < 3000, `refused in ${elapsed} ms (bounded by Kamailio's 2 x 400 ms rtpengine timeouts), nothing hangs`)
    await call(t, '1002',
      { sdp: 'PCMA', expect: 'm=audio [0-9]+ RTP/AVP 8', play: undefined },
      { sdp: 'PCMA', expect: `m=audio ${MP.uac} RTP/AVP 8`, play: undefined },
      { talkMs: 300 })
    t.pass('the plain call went through with the caller\'s own SDP (direct media)')
    const health = await eventually(async () => {
      const h = s.h.app.media.client.health()
      return h[0] && !h[0].up ? h : undefined
    }, 3000)
    t.ok(health, 'the control plane\'s health check sees the node down')
    t.comment(`rtpengine stopped counts: ${JSON.stringify({ refused503: refused.stats?.successful ?? 0, refusedMs: elapsed, directCalls: 1, healthDown: health ? 1 : 0 })}`)
  })
})
