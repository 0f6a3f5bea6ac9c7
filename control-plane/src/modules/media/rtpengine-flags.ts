// The route decision's declarative MediaPolicy turned into rtpengine ng flag strings, one per SDP
// direction, as Kamailio's rtpengine module (5.6) takes them: rtpengine_offer() gets `offer` for
// the caller's SDP (rewritten for the callee), rtpengine_answer() gets `answer` for the callee's
// SDP (rewritten for the caller). Pure: no I/O, exhaustively unit-tested.
//
// Flag names checked against rtpengine 10.5 and Kamailio 5.6's rtpengine module:
//   replace-origin / replace-session-connection  o= and c= point at rtpengine (RFC 4566 §5.2, §5.7)
//   ICE=remove                                    drop a=candidate etc. (RFC 8445) for plain phones and carriers
//   transport-protocol=RTP/SAVP + DTLS=off        SDES-SRTP towards that side (RFC 4568)
//   transport-protocol=UDP/TLS/RTP/SAVP           DTLS-SRTP towards that side (RFC 5764)
//   transport-protocol=RTP/AVP                    plain RTP towards that side; rtpengine terminates SRTP
//   codec-mask=all + codec-transcode=X…           the callee is offered exactly X…; a codec both sides
//                                                 share is relayed as is, otherwise rtpengine transcodes
import type { CallKind, MediaPolicy, RecordingMode, SrtpMode } from '../routing/engine/types.ts'

export type SrtpProfile = 'sdes' | 'dtls'

export interface MediaFlagInputs {
  policy: MediaPolicy
  kind: CallKind
  recording: RecordingMode
  /** which SRTP keying a leg that requires SRTP gets (default SDES: what SIP phones and SBCs speak) */
  calleeSrtpProfile?: SrtpProfile
}

/** What the rtjson document carries in `sb.media` (docs/kamailio-contract.md). */
export interface MediaFlags {
  /** flags for rtpengine_offer() on the INVITE (and re-INVITE) */
  offer: string
  /** flags for rtpengine_answer() on the 18x/2xx reply */
  answer: string
  /**
   * rtpengine unreachable: `direct` lets SDP through untouched (media end to end), `fail` answers
   * 503 at once. Only calls that lose nothing without a relay may go direct.
   */
  fallback: 'direct' | 'fail'
  /** true when rtpengine may have to transcode (the callee's codec list is enforced) */
  transcode: boolean
}

/** rtpengine's codec names (case as rtpengine writes them in SDP, RFC 3551 / RFC 7587). */
const CODECS: Record<string, string> = {
  pcmu: 'PCMU', g711u: 'PCMU', ulaw: 'PCMU', 'g711-ulaw': 'PCMU',
  pcma: 'PCMA', g711a: 'PCMA', alaw: 'PCMA', 'g711-alaw': 'PCMA',
  g722: 'G722',
  g729: 'G729', g729a: 'G729',
  opus: 'opus',
  'telephone-event': 'telephone-event',
}

/**
 * A policy's codec list as rtpengine names: unknown names are dropped (a flag string is
 * space-separated, so nothing from provisioning may reach it unchecked), duplicates removed,
 * preference order kept.
 */
export function canonicalCodecs(codecs: readonly string[]): string[] {
  const out: string[] = []
  for (const c of codecs) {
    const name = CODECS[c.trim().toLowerCase()]
    if (name && !out.includes(name)) out.push(name)
  }
  return out
}

const NAT = ['replace-origin', 'replace-session-connection']

function transportTowards(mode: SrtpMode, profile: SrtpProfile): string[] {
  if (mode === 'require') return profile === 'dtls' ? ['transport-protocol=UDP/TLS/RTP/SAVP'] : ['transport-protocol=RTP/SAVP', 'DTLS=off']
  if (mode === 'off') return ['transport-protocol=RTP/AVP']
  // optional: the callee sees the profile the caller offered
  return []
}

export function rtpengineFlags(i: MediaFlagInputs): MediaFlags {
  const p = i.policy
  const ice = p.ice === 'remove' ? ['ICE=remove'] : []
  const codecs = canonicalCodecs(p.codecs)
  const audio = codecs.filter((c) => c !== 'telephone-event')
  // Only a list with an audio codec restricts anything; keep RFC 4733 DTMF offered alongside it.
  const codecFlags = audio.length > 0 ? ['codec-mask=all', ...[...audio, 'telephone-event'].map((c) => `codec-transcode=${c}`)] : []

  const offer = [...NAT, ...ice, ...transportTowards(p.calleeSrtp, i.calleeSrtpProfile ?? 'sdes'), ...codecFlags]
  // The answer keeps the transport profile of the caller's offer (RFC 3264 §6): rtpengine answers
  // the caller in the profile it offered, so no transport-protocol here. Codecs likewise: the
  // caller gets back one of its own codecs, transcoded if the callee chose another.
  const answer = [...NAT, ...ice]

  const needsRelay = p.callerSrtp === 'require' || p.calleeSrtp === 'require' || audio.length > 0 || i.recording === 'always'
  // An emergency call always goes through, relayed or not (it must never fail on media).
  const fallback = i.kind === 'emergency' || !needsRelay ? 'direct' : 'fail'
  return { offer: offer.join(' '), answer: answer.join(' '), fallback, transcode: audio.length > 0 }
}
