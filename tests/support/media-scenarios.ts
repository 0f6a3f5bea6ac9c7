// SIPp media scenarios from the templates in tests/sipp/scenarios/media: the SDP a side offers or
// answers, what it expects to receive, and the pcap it plays, filled in and written to a temp dir
// (SIPp reads play_pcap_audio's path literally, so it must be absolute).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { SCENARIO_DIR } from './sipp.ts'
import { g711TonePcap } from '../../control-plane/test/support/rtp-pcap.ts'

/** SDP media sections (RFC 4566 §5.14), one line per attribute. */
export const SDP = {
  PCMA: 'm=audio [media_port] RTP/AVP 8\na=rtpmap:8 PCMA/8000\na=ptime:20',
  PCMU: 'm=audio [media_port] RTP/AVP 0\na=rtpmap:0 PCMU/8000\na=ptime:20',
  G729: 'm=audio [media_port] RTP/AVP 18\na=rtpmap:18 G729/8000\na=fmtp:18 annexb=no',
  // SDES (RFC 4568 §9.1): a fixed test key is fine, nothing is decrypted by SIPp
  SDES_PCMA: 'm=audio [media_port] RTP/SAVP 8\na=rtpmap:8 PCMA/8000\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz',
} as const

export interface MediaSide {
  sdp: keyof typeof SDP
  /** regexp the SDP received must match (the answer for a UAC, the offer for a UAS) */
  expect: string
  /** regexp the offer received must NOT match (UAS only) */
  refuse?: string
  /** G.711 to play once the call is up, seconds of tone */
  play?: { codec: 'PCMA' | 'PCMU'; seconds: number }
}

export class MediaScenarios {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-media-scn-'))
  private n = 0

  pcap(codec: 'PCMA' | 'PCMU', seconds: number): string {
    const file = path.join(this.dir, `${codec.toLowerCase()}-${seconds}s.pcap`)
    if (!fs.existsSync(file)) fs.writeFileSync(file, g711TonePcap({ codec, seconds }))
    return file
  }

  private fill(template: string, side: MediaSide): string {
    const xml = fs.readFileSync(path.join(SCENARIO_DIR, 'media', template), 'utf8')
    const play = side.play ? `  <nop>\n    <action>\n      <exec play_pcap_audio="${this.pcap(side.play.codec, side.play.seconds)}"/>\n    </action>\n  </nop>` : ''
    const out = xml
      .replaceAll('@SDP_MEDIA@', SDP[side.sdp].split('\n').map((l) => `      ${l}`).join('\n'))
      .replaceAll('@EXPECT_ANSWER@', side.expect)
      .replaceAll('@EXPECT_OFFER@', side.expect)
      .replaceAll('@REFUSE_OFFER@', side.refuse ?? '^$NEVER')
      .replaceAll('@PLAY@', play)
      .replace(/@[A-Z_]+@/g, '-')
    const file = path.join(this.dir, `${template.replace('.xml', '')}-${++this.n}.xml`)
    fs.writeFileSync(file, out)
    return file
  }

  uac(side: MediaSide): string {
    return this.fill('uac_auth_media_call.xml', side)
  }

  uas(side: MediaSide): string {
    return this.fill('uas_media_answer.xml', side)
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}
