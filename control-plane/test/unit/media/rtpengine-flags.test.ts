// MediaPolicy → rtpengine flags: every SRTP mode per leg, ICE, codec lists, and the fallback rule.
import t from 'tap'
import { canonicalCodecs, rtpengineFlags, type MediaFlagInputs } from '../../../src/modules/media/rtpengine-flags.ts'
import type { MediaPolicy, SrtpMode } from '../../../src/modules/routing/engine/types.ts'

const NAT = 'replace-origin replace-session-connection'
const policy = (p: Partial<MediaPolicy> = {}): MediaPolicy => ({ callerSrtp: 'optional', calleeSrtp: 'optional', ice: 'keep', codecs: [], ...p })
const flags = (p: Partial<MediaPolicy> = {}, o: Partial<Omit<MediaFlagInputs, 'policy'>> = {}) =>
  rtpengineFlags({ policy: policy(p), kind: 'internal', recording: 'never', ...o })

t.test('phone to phone, nothing asked: NAT handling only, direct allowed', async (t) => {
  t.same(flags(), { offer: NAT, answer: NAT, fallback: 'direct', transcode: false })
})

t.test('ICE removed on both directions for carriers and plain phones', async (t) => {
  const f = flags({ ice: 'remove' })
  t.equal(f.offer, `${NAT} ICE=remove`)
  t.equal(f.answer, `${NAT} ICE=remove`)
})

t.test('callee leg SRTP modes → transport-protocol in the offer only', async (t) => {
  const cases: [SrtpMode, string][] = [
    ['require', ' transport-protocol=RTP/SAVP DTLS=off'],
    ['off', ' transport-protocol=RTP/AVP'],
    ['optional', ''],
  ]
  for (const [mode, extra] of cases) {
    const f = flags({ calleeSrtp: mode })
    t.equal(f.offer, NAT + extra, `callee ${mode}`)
    t.equal(f.answer, NAT, `callee ${mode}: the answer keeps the caller's own profile (RFC 3264 §6)`)
  }
  t.equal(flags({ calleeSrtp: 'require' }, { calleeSrtpProfile: 'dtls' }).offer, `${NAT} transport-protocol=UDP/TLS/RTP/SAVP`, 'DTLS-SRTP when asked')
  t.equal(flags({ calleeSrtp: 'off' }, { calleeSrtpProfile: 'dtls' }).offer, `${NAT} transport-protocol=RTP/AVP`, 'profile only matters when SRTP is required')
})

t.test('SRTP on the caller leg and RTP on the callee leg: bridged by rtpengine', async (t) => {
  const f = flags({ callerSrtp: 'require', calleeSrtp: 'off', ice: 'remove' })
  t.equal(f.offer, `${NAT} ICE=remove transport-protocol=RTP/AVP`)
  t.equal(f.answer, `${NAT} ICE=remove`)
  t.equal(f.fallback, 'fail', 'a required SRTP leg is never sent direct')
})

t.test('codec policy: mask everything, offer the list (transcoding when nothing is shared) + DTMF', async (t) => {
  const f = flags({ codecs: ['G729'] })
  t.equal(f.offer, `${NAT} codec-mask=all codec-transcode=G729 codec-transcode=telephone-event`)
  t.equal(f.answer, NAT, 'the caller gets its own codec back')
  t.equal(f.transcode, true)
  t.equal(f.fallback, 'fail', 'without rtpengine the callee would get codecs it refuses')
  t.equal(flags({ codecs: ['opus', 'pcma', 'PCMA', 'g711u'] }).offer, `${NAT} codec-mask=all codec-transcode=opus codec-transcode=PCMA codec-transcode=PCMU codec-transcode=telephone-event`, 'order kept, duplicates removed, names canonical')
})

t.test('codec names are checked: unknown or hostile names never reach the flag string', async (t) => {
  t.same(canonicalCodecs(['G.729', 'speex', 'PCMU transport-protocol=RTP/AVP', ' opus ', 'G722', 'G729a', 'alaw', 'ulaw']), ['opus', 'G722', 'G729', 'PCMA', 'PCMU'])
  const f = flags({ codecs: ['evil"codec', 'x y'] })
  t.same(f, { offer: NAT, answer: NAT, fallback: 'direct', transcode: false }, 'nothing known: pass-through')
  t.equal(flags({ codecs: ['telephone-event'] }).offer, NAT, 'DTMF alone restricts nothing')
})

t.test('fallback: direct only when a relay adds nothing the call needs', async (t) => {
  t.equal(flags({ callerSrtp: 'require' }).fallback, 'fail', 'caller requires SRTP')
  t.equal(flags({ calleeSrtp: 'require' }).fallback, 'fail', 'callee requires SRTP')
  t.equal(flags({}, { recording: 'always' }).fallback, 'fail', 'a call that must be recorded')
  t.equal(flags({}, { recording: 'on_demand' }).fallback, 'direct', 'on-demand recording is best effort')
  t.equal(flags({ calleeSrtp: 'off', callerSrtp: 'off', ice: 'remove' }).fallback, 'direct', 'plain RTP both sides')
  t.equal(flags({ calleeSrtp: 'require', codecs: ['G729'] }, { kind: 'emergency', recording: 'always' }).fallback, 'direct', 'an emergency call always goes through')
})

t.test('every flag is a single token without quotes (safe in a cfg string and in $dlg_var)', async (t) => {
  const modes: SrtpMode[] = ['require', 'optional', 'off']
  for (const a of modes) for (const b of modes) for (const ice of ['keep', 'remove'] as const) {
    const f = flags({ callerSrtp: a, calleeSrtp: b, ice, codecs: ['PCMA', 'G729'] })
    for (const s of [f.offer, f.answer]) t.match(s, /^[A-Za-z0-9=/.\- ]+$/, `${a}/${b}/${ice}`)
  }
})
