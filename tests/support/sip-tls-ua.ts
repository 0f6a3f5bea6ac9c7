// A minimal SIP user agent over TLS, for tests only: Debian's SIPp is built without TLS. It speaks
// just enough SIP (RFC 3261) over one TLS connection to Kamailio to REGISTER, place a call (INVITE,
// 407 challenge, ACK, BYE) and answer one (180/200, ACK, BYE), with digest auth (RFC 2617 / RFC 3261
// §22: MD5, qop=auth). No retransmissions (TLS is reliable), no forking, no re-INVITEs, no UDP.
//
// The connection stays open for the whole life of the UA: Kamailio reaches a TLS-registered contact
// over the connection it registered on (the contact's ip:port is the connection's far end), so the
// UAS side of a test must keep its UA connected.
import crypto from 'node:crypto'
import tls from 'node:tls'

export interface SipMessage {
  /** the first line, e.g. "SIP/2.0 200 OK" or "INVITE sip:1002@example SIP/2.0" */
  startLine: string
  /** requests: the method; responses: undefined */
  method?: string
  /** requests: the Request-URI */
  uri?: string
  /** responses: the status code and reason phrase */
  status?: number
  reason?: string
  /** header lines in order, names as received */
  headers: [string, string][]
  body: string
}

// compact header forms (RFC 3261 §7.3.3) → long names, for lookups
const COMPACT: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type', k: 'supported', s: 'subject' }
const norm = (name: string) => COMPACT[name.toLowerCase()] ?? name.toLowerCase()

/** Every value of a header (case-insensitive, compact forms understood), in message order. */
export function headers(m: SipMessage, name: string): string[] {
  const want = norm(name)
  return m.headers.filter(([n]) => norm(n) === want).map(([, v]) => v)
}

/** The first value of a header, or undefined. */
export function header(m: SipMessage, name: string): string | undefined {
  return headers(m, name)[0]
}

/** Split a comma-separated header value (Record-Route, Via) into its elements, outside <> and quotes. */
function splitList(value: string): string[] {
  const out: string[] = []
  let cur = '', angle = false, quote = false
  for (const ch of value) {
    if (ch === '"') quote = !quote
    if (!quote && ch === '<') angle = true
    if (!quote && ch === '>') angle = false
    if (ch === ',' && !angle && !quote) { out.push(cur.trim()); cur = ''; continue }
    cur += ch
  }
  if (cur.trim()) out.push(cur.trim())
  return out
}

/** The URI inside a name-addr (`"Bob" <sip:b@h>;tag=x` → `sip:b@h`) or an addr-spec. */
export function uriOf(nameAddr: string): string {
  const m = /<([^>]*)>/.exec(nameAddr)
  return (m ? m[1] : nameAddr.split(';')[0]).trim()
}

/** The `tag` parameter of a From/To value (outside the <>). */
export function tagOf(nameAddr: string): string | undefined {
  const params = nameAddr.includes('>') ? nameAddr.slice(nameAddr.lastIndexOf('>') + 1) : nameAddr
  return /;\s*tag=([^;\s]+)/i.exec(params)?.[1]
}

/** Parse one message (head + body already framed). */
export function parseMessage(head: string, body: string): SipMessage {
  const lines = head.split('\r\n')
  const startLine = lines.shift() ?? ''
  const hs: [string, string][] = []
  for (const line of lines) {
    // a line starting with whitespace continues the previous header (RFC 3261 §7.3.1)
    if (/^[ \t]/.test(line) && hs.length > 0) { hs[hs.length - 1][1] += ' ' + line.trim(); continue }
    const i = line.indexOf(':')
    if (i > 0) hs.push([line.slice(0, i).trim(), line.slice(i + 1).trim()])
  }
  const msg: SipMessage = { startLine, headers: hs, body }
  const st = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(startLine)
  if (st) {
    msg.status = Number(st[1])
    msg.reason = st[2]
  } else {
    const [method, uri] = startLine.split(' ')
    msg.method = method
    msg.uri = uri
  }
  return msg
}

/**
 * Frames a TLS byte stream into SIP messages (RFC 3261 §18.3: on a stream transport Content-Length
 * is mandatory and says where the body ends). Keep-alive CRLFs between messages are skipped.
 */
export class SipStreamParser {
  private buf = Buffer.alloc(0)
  push(chunk: Buffer): SipMessage[] {
    this.buf = Buffer.concat([this.buf, chunk])
    const out: SipMessage[] = []
    for (;;) {
      while (this.buf.length >= 2 && this.buf[0] === 0x0d && this.buf[1] === 0x0a) this.buf = this.buf.subarray(2)
      const end = this.buf.indexOf('\r\n\r\n')
      if (end < 0) return out
      const head = this.buf.subarray(0, end).toString('utf8')
      const cl = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)/im.exec(head)
      const len = cl ? Number(cl[1]) : 0
      if (this.buf.length < end + 4 + len) return out
      const body = this.buf.subarray(end + 4, end + 4 + len).toString('utf8')
      this.buf = this.buf.subarray(end + 4 + len)
      out.push(parseMessage(head, body))
    }
  }
}

const md5 = (s: string) => crypto.createHash('md5').update(s).digest('hex')
const token = (n = 8) => crypto.randomBytes(n).toString('hex')

/** The parameters of a `Digest ...` challenge (WWW-Authenticate / Proxy-Authenticate). */
export function parseChallenge(value: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of value.replace(/^Digest\s+/i, '').matchAll(/([\w-]+)\s*=\s*(?:"([^"]*)"|([^,\s]+))/g)) out[m[1].toLowerCase()] = m[2] ?? m[3]
  return out
}

/**
 * The Authorization / Proxy-Authorization value answering a challenge (RFC 2617 §3.2.2):
 * response = MD5(HA1:nonce:nc:cnonce:qop:HA2), HA1 = MD5(user:realm:password), HA2 = MD5(method:uri).
 * Without qop in the challenge: the RFC 2069 form MD5(HA1:nonce:HA2).
 */
export function digestAuthorization(o: { challenge: string; user: string; password: string; method: string; uri: string; nc?: number; cnonce?: string }): string {
  const c = parseChallenge(o.challenge)
  if (c.algorithm && c.algorithm.toUpperCase() !== 'MD5') throw new Error(`digest algorithm ${c.algorithm} not supported`)
  const ha1 = md5(`${o.user}:${c.realm}:${o.password}`)
  const ha2 = md5(`${o.method}:${o.uri}`)
  const parts = [`username="${o.user}"`, `realm="${c.realm}"`, `nonce="${c.nonce}"`, `uri="${o.uri}"`, 'algorithm=MD5']
  const qops = (c.qop ?? '').split(',').map((q) => q.trim())
  if (qops.includes('auth')) {
    const nc = (o.nc ?? 1).toString(16).padStart(8, '0')
    const cnonce = o.cnonce ?? token()
    parts.push(`response="${md5(`${ha1}:${c.nonce}:${nc}:${cnonce}:auth:${ha2}`)}"`, 'qop=auth', `nc=${nc}`, `cnonce="${cnonce}"`)
  } else {
    parts.push(`response="${md5(`${ha1}:${c.nonce}:${ha2}`)}"`)
  }
  if (c.opaque !== undefined) parts.push(`opaque="${c.opaque}"`)
  return `Digest ${parts.join(', ')}`
}

/** An SDP offer/answer for one audio stream; `srtp` makes it RTP/SAVP with an SDES a=crypto line (RFC 4568). */
export function sdp(o: { ip: string; port: number; srtp?: boolean; sessionId?: number }): { body: string; cryptoKey?: string } {
  const id = o.sessionId ?? Math.floor(Math.random() * 1e9)
  const key = o.srtp ? crypto.randomBytes(30).toString('base64') : undefined
  const lines = [
    'v=0', `o=- ${id} ${id} IN IP4 ${o.ip}`, 's=-', `c=IN IP4 ${o.ip}`, 't=0 0',
    `m=audio ${o.port} ${o.srtp ? 'RTP/SAVP' : 'RTP/AVP'} 0 8 101`,
    'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16',
    ...(key ? [`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${key}`] : []),
    'a=sendrecv',
  ]
  return { body: lines.join('\r\n') + '\r\n', cryptoKey: key }
}

export interface UaOptions {
  /** Kamailio's TLS listener */
  host: string
  port: number
  /** the self-signed certificate Kamailio presents: pinned as the only trusted CA */
  ca: string | Buffer
  user: string
  password: string
  domain: string
}

/** The state of an established dialog, enough to send ACK and BYE (RFC 3261 §12). */
export interface Dialog {
  callId: string
  localTag: string
  remoteTag: string
  localUri: string
  remoteUri: string
  /** the peer's Contact: the Request-URI of in-dialog requests */
  remoteTarget: string
  /** Route headers for in-dialog requests (Record-Route, reversed for the UAC, §12.1.2) */
  routeSet: string[]
  cseq: number
}

export interface CallResult {
  /** every response the INVITE(s) got, in order (100, 407, 180, 200 ...) */
  responses: SipMessage[]
  final: SipMessage
  dialog?: Dialog
}

export class SipTlsUa {
  private socket!: tls.TLSSocket
  private readonly parser = new SipStreamParser()
  private readonly inbox: SipMessage[] = []
  private waiters: { match: (m: SipMessage) => boolean; resolve: (m: SipMessage) => void }[] = []
  private closed = false
  /** every message received, for assertions and debugging */
  readonly received: SipMessage[] = []
  localIp = ''
  localPort = 0

  constructor(private readonly o: UaOptions) {}

  /** TLS handshake with Kamailio; rejects if the certificate is not the pinned one. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      // the cert's SAN holds the IP we connect to, so the normal identity check applies
      this.socket = tls.connect({ host: this.o.host, port: this.o.port, ca: this.o.ca, minVersion: 'TLSv1.2' }, () => {
        this.localIp = this.socket.localAddress ?? '127.0.0.1'
        this.localPort = this.socket.localPort ?? 0
        resolve()
      })
      this.socket.once('error', reject)
      this.socket.on('data', (chunk: Buffer) => {
        for (const m of this.parser.push(chunk)) this.deliver(m)
      })
      this.socket.on('close', () => { this.closed = true })
    })
  }

  close(): Promise<void> {
    if (this.closed || !this.socket) return Promise.resolve()
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve())
      this.socket.end()
      setTimeout(() => { this.socket.destroy(); resolve() }, 1000).unref()
    })
  }

  private deliver(m: SipMessage) {
    this.received.push(m)
    const i = this.waiters.findIndex((w) => w.match(m))
    if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m)
    else this.inbox.push(m)
  }

  /** The next received message matching `match` (already queued or still to come). */
  waitFor(match: (m: SipMessage) => boolean, what: string, timeoutMs = 5000): Promise<SipMessage> {
    const i = this.inbox.findIndex(match)
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0])
    return new Promise((resolve, reject) => {
      const w = { match, resolve: (m: SipMessage) => { clearTimeout(timer); resolve(m) } }
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w)
        reject(new Error(`${this.o.user}: no ${what} within ${timeoutMs} ms; received: ${this.received.map((m) => m.startLine).join(' | ')}`))
      }, timeoutMs)
      this.waiters.push(w)
    })
  }

  /** A response to our request (matched on Call-ID, CSeq number and method). */
  private response(callId: string, cseq: number, method: string, timeoutMs = 5000) {
    return this.waitFor((m) => m.status !== undefined && header(m, 'call-id') === callId && header(m, 'cseq') === `${cseq} ${method}`, `response to ${method} ${cseq}`, timeoutMs)
  }

  send(lines: string[], body = ''): void {
    // Content-Length counts bytes, and always goes last before the blank line
    const msg = [...lines, `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n')
    this.socket.write(msg)
  }

  private via(branch: string) {
    return `Via: SIP/2.0/TLS ${this.localIp}:${this.localPort};branch=${branch};rport`
  }

  /** Our Contact: the connection's own ip:port with transport=tls, as Kamailio sees it. */
  get contact(): string {
    return `<sip:${this.o.user}@${this.localIp}:${this.localPort};transport=tls>`
  }

  get aor(): string {
    return `sip:${this.o.user}@${this.o.domain}`
  }

  /** REGISTER, answering one 401 challenge; resolves with the final response. */
  async register(expires = 600): Promise<SipMessage> {
    const callId = `${token()}@tls-ua`
    const fromTag = token(4)
    const uri = `sip:${this.o.domain}`
    const req = (cseq: number, auth?: string) => [
      `REGISTER ${uri} SIP/2.0`, this.via(`z9hG4bK${token()}`), 'Max-Forwards: 70',
      `From: <${this.aor}>;tag=${fromTag}`, `To: <${this.aor}>`, `Call-ID: ${callId}`, `CSeq: ${cseq} REGISTER`,
      `Contact: ${this.contact}`, `Expires: ${expires}`, ...(auth ? [`Authorization: ${auth}`] : []), 'User-Agent: switchboard-tls-test-ua',
    ]
    this.send(req(1))
    let r = await this.response(callId, 1, 'REGISTER')
    if (r.status === 401) {
      const challenge = header(r, 'www-authenticate') ?? ''
      this.send(req(2, digestAuthorization({ challenge, user: this.o.user, password: this.o.password, method: 'REGISTER', uri })))
      r = await this.response(callId, 2, 'REGISTER')
    }
    return r
  }

  /**
   * INVITE `toUser`@domain with an SDP offer; a 407 is ACKed and the INVITE sent again with
   * Proxy-Authorization. On 2xx the dialog is built and ACKed (Route set = Record-Route reversed,
   * Request-URI = the callee's Contact). Resolves with every response and the dialog.
   */
  async invite(toUser: string, offer: string, timeoutMs = 10_000): Promise<CallResult> {
    const callId = `${token()}@tls-ua`
    const localTag = token(4)
    const ruri = `sip:${toUser}@${this.o.domain}`
    const responses: SipMessage[] = []
    const request = (cseq: number, branch: string, auth?: string) => [
      `INVITE ${ruri} SIP/2.0`, this.via(branch), 'Max-Forwards: 70',
      `From: <${this.aor}>;tag=${localTag}`, `To: <${ruri}>`, `Call-ID: ${callId}`, `CSeq: ${cseq} INVITE`,
      `Contact: ${this.contact}`, ...(auth ? [`Proxy-Authorization: ${auth}`] : []), 'Content-Type: application/sdp',
    ]
    let cseq = 1
    let branch = `z9hG4bK${token()}`
    this.send(request(cseq, branch), offer)
    let authed = false
    for (;;) {
      const r = await this.response(callId, cseq, 'INVITE', timeoutMs)
      responses.push(r)
      const status = r.status!
      if (status < 200) continue
      if (status >= 300) {
        // a final failure is ACKed in its own transaction: same branch, To with the reply's tag (§17.1.1.3)
        this.send([`ACK ${ruri} SIP/2.0`, this.via(branch), 'Max-Forwards: 70', `From: <${this.aor}>;tag=${localTag}`,
          `To: ${header(r, 'to')}`, `Call-ID: ${callId}`, `CSeq: ${cseq} ACK`])
        if ((status === 407 || status === 401) && !authed) {
          authed = true
          const challenge = header(r, status === 407 ? 'proxy-authenticate' : 'www-authenticate') ?? ''
          const auth = digestAuthorization({ challenge, user: this.o.user, password: this.o.password, method: 'INVITE', uri: ruri })
          cseq += 1
          branch = `z9hG4bK${token()}`
          this.send(request(cseq, branch, auth), offer)
          continue
        }
        return { responses, final: r }
      }
      // 2xx: the dialog (§12.1.2): route set = Record-Route in reverse order, target = Contact
      const dialog: Dialog = {
        callId, localTag, remoteTag: tagOf(header(r, 'to') ?? '') ?? '', localUri: this.aor, remoteUri: ruri,
        remoteTarget: uriOf(header(r, 'contact') ?? ruri),
        routeSet: headers(r, 'record-route').flatMap(splitList).reverse(),
        cseq,
      }
      this.sendInDialog(dialog, 'ACK', cseq)
      return { responses, final: r, dialog }
    }
  }

  /** ACK (same CSeq number as the INVITE) or a new in-dialog request, along the dialog's route set. */
  private sendInDialog(d: Dialog, method: string, cseq: number): void {
    this.send([
      `${method} ${d.remoteTarget} SIP/2.0`, this.via(`z9hG4bK${token()}`), 'Max-Forwards: 70',
      ...d.routeSet.map((r) => `Route: ${r}`),
      `From: <${d.localUri}>;tag=${d.localTag}`, `To: <${d.remoteUri}>;tag=${d.remoteTag}`,
      `Call-ID: ${d.callId}`, `CSeq: ${cseq} ${method}`,
    ])
  }

  /** BYE in the dialog; resolves with its final response. */
  async bye(d: Dialog): Promise<SipMessage> {
    d.cseq += 1
    this.sendInDialog(d, 'BYE', d.cseq)
    return this.response(d.callId, d.cseq, 'BYE')
  }

  /** A response to `req`, echoing Via(s), From, To (with our tag), Call-ID, CSeq and Record-Route (§8.2.6, §12.1.1). */
  private reply(req: SipMessage, status: number, reason: string, o: { toTag?: string; extra?: string[]; body?: string } = {}): void {
    const to = header(req, 'to') ?? ''
    this.send([
      `SIP/2.0 ${status} ${reason}`,
      ...headers(req, 'via').map((v) => `Via: ${v}`),
      `From: ${header(req, 'from')}`,
      `To: ${o.toTag && !tagOf(to) ? `${to};tag=${o.toTag}` : to}`,
      `Call-ID: ${header(req, 'call-id')}`, `CSeq: ${header(req, 'cseq')}`,
      ...(o.extra ?? []),
    ], o.body ?? '')
  }

  /**
   * UAS: wait for an INVITE on our (registered) connection, answer 180 then 200 with `answer(offer)`
   * as SDP, and wait for the ACK. Resolves with the INVITE as received (its SDP is what the caller's
   * offer became on its way through Kamailio and rtpengine) and the ACK.
   */
  async answerCall(answer: (offerSdp: string) => string, timeoutMs = 10_000): Promise<{ invite: SipMessage; ack: SipMessage }> {
    const invite = await this.waitFor((m) => m.method === 'INVITE', 'INVITE', timeoutMs)
    const toTag = token(4)
    const rr = headers(invite, 'record-route').map((v) => `Record-Route: ${v}`)
    this.reply(invite, 180, 'Ringing', { toTag, extra: [...rr, `Contact: ${this.contact}`] })
    this.reply(invite, 200, 'OK', { toTag, extra: [...rr, `Contact: ${this.contact}`, 'Content-Type: application/sdp'], body: answer(invite.body) })
    const callId = header(invite, 'call-id')
    const ack = await this.waitFor((m) => m.method === 'ACK' && header(m, 'call-id') === callId, 'ACK', timeoutMs)
    return { invite, ack }
  }

  /** UAS: wait for the BYE of a call and answer 200. */
  async acceptBye(callId: string, timeoutMs = 10_000): Promise<SipMessage> {
    const bye = await this.waitFor((m) => m.method === 'BYE' && header(m, 'call-id') === callId, 'BYE', timeoutMs)
    this.reply(bye, 200, 'OK')
    return bye
  }
}
