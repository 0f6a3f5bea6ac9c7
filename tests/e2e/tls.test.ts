// SIP over TLS end to end: Kamailio's tls listener with a throw-away self-signed certificate, the
// real control plane and rtpengine. Debian's SIPp has no TLS, so the TLS phones are
// tests/support/sip-tls-ua.ts (Node's tls module, the certificate pinned as the only CA); SIPp over
// UDP/TCP plays the TLS-only user trying a plain transport.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import t from 'tap'
import { runSipp, type SippOptions } from '../support/sipp.ts'
import { eventually, sippOk, skipE2e, startStack } from '../support/e2e.ts'
import { SipTlsUa, header, headers, sdp } from '../support/sip-tls-ua.ts'

// ports owned by this file: 6500-6519 SIP/TLS/RPC/JSON-RPC/SIPp, ng 23500-23503, RTP 16400-16599
// (16000-16399 are other files' SIPp media ports), SIPp media 16600-16699; all below 32768
const PORTS = { sip: 6500, rpc: 6502, cp: 6503, ng: 23500, rtpMin: 16400, rtpMax: 16599 }
const TLS_PORT = 6501
const SIPP_UDP = 6510, SIPP_TCP = 6511
const DOMAIN = 'tls.e2e.test'
const pw = { '1001': 'alice-tls-secret', '1002': 'bob-tls-secret' }
const skip = skipE2e || (spawnSync('openssl', ['version']).error ? 'openssl missing' : false)

t.test('SIP over TLS through the real control plane', { skip, timeout: 90_000 }, async (t) => {
  // a throw-away self-signed pair whose SAN is the address the phones connect to
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-e2e-tls-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const cert = path.join(dir, 'cert.pem'), key = path.join(dir, 'key.pem')
  const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' })
  if (gen.status !== 0) throw new Error(`openssl: ${gen.stderr}`)
  fs.chmodSync(key, 0o600)
  const ca = fs.readFileSync(cert)

  const s = await startStack(t, PORTS, {
    domain: DOMAIN,
    kamailioEnv: { SIP_TLS_ENABLED: 'true', SIP_TLS_LISTEN: `tls:127.0.0.1:${TLS_PORT}`, SIP_TLS_CERT: cert, SIP_TLS_KEY: key },
  })
  const domain = await s.create('domains', { name: DOMAIN, timezone: 'Europe/Paris' })
  await s.create('users', { domainId: domain.id, extension: '1001', password: pw['1001'] })
  await s.create('users', { domainId: domain.id, extension: '1002', password: pw['1002'], tlsOnly: true })
  await s.rebuild()
  const prisma = s.h.database.prisma

  const ua = (user: keyof typeof pw) => {
    const u = new SipTlsUa({ host: '127.0.0.1', port: TLS_PORT, ca, user, password: pw[user], domain: DOMAIN })
    t.teardown(() => u.close())
    return u
  }
  const contacts = async (aor: string): Promise<{ Address: string; Socket: string }[]> => {
    const r = await s.kamRpc('ul.lookup', ['location', aor]).catch(() => undefined)
    return (r?.Contacts ?? []).map((c: { Contact: { Address: string; Socket: string } }) => c.Contact)
  }
  const alice = ua('1001'), bob = ua('1002')

  t.test('the TLS listener presents the configured certificate, and only it is trusted', async (t) => {
    await alice.connect()
    await bob.connect()
    t.ok(alice.localPort > 0 && bob.localPort > 0, 'both phones completed the TLS handshake with the pinned certificate')
    // with the system CAs only, the same handshake fails: the pin is what lets the phones in
    const err = await new Promise<Error | undefined>((resolve) => {
      const sock = tls.connect({ host: '127.0.0.1', port: TLS_PORT }, () => { sock.destroy(); resolve(undefined) })
      sock.once('error', (e) => { sock.destroy(); resolve(e) })
    })
    t.match(err?.message, /self[- ]signed/i, 'an unpinned client refuses the self-signed certificate')
  })

  t.test('REGISTER over TLS: 401, 200, the contact is in usrloc on the TLS socket', async (t) => {
    for (const [name, u] of [['1001', alice], ['1002', bob]] as const) {
      const r = await u.register(600)
      t.equal(r.status, 200, `${name} registered over TLS: ${r.startLine}`)
      t.ok(u.received.some((m) => m.status === 401 && /^Digest /.test(header(m, 'www-authenticate') ?? '')), `${name} was challenged first (401 digest)`)
      const c = await contacts(`${name}@${DOMAIN}`)
      t.equal(c.length, 1, `${name}: one contact in usrloc`)
      t.equal(c[0]?.Address, `sip:${name}@127.0.0.1:${u.localPort};transport=tls`, `${name}: the contact is the TLS connection's own ip:port`)
      t.equal(c[0]?.Socket, `tls:127.0.0.1:${TLS_PORT}`, `${name}: bound to Kamailio's TLS socket`)
    }
  })

  let callId = ''
  let offerAtBob = '', answerAtAlice = ''
  t.test('1001 calls the TLS-only 1002, both over TLS: answered, ACKed, BYEd through Kamailio, CDR written', async (t) => {
    const bobSide = bob.answerCall(() => sdp({ ip: '127.0.0.1', port: 16620, srtp: true }).body)
    const call = await alice.invite('1002', sdp({ ip: '127.0.0.1', port: 16610 }).body)
    t.same(call.responses.map((r) => r.status).filter((c) => c !== 100), [407, 180, 200], '407 challenge, then 180 and 200 from 1002', { responses: call.responses.map((r) => r.startLine) })
    const { invite, ack } = await bobSide
    callId = header(invite, 'call-id') ?? ''
    offerAtBob = invite.body
    answerAtAlice = call.final.body
    t.equal(callId, call.dialog?.callId, 'the INVITE 1002 got is that call')
    t.match(headers(invite, 'via')[0], new RegExp(`^SIP/2\\.0/TLS 127\\.0\\.0\\.1:${TLS_PORT}`), 'Kamailio relayed it over TLS (its TLS Via on top)')
    t.match(headers(invite, 'record-route').join(','), new RegExp(`127\\.0\\.0\\.1:${TLS_PORT};transport=tls`), 'Kamailio record-routed on its TLS socket')
    t.notOk(header(invite, 'proxy-authorization'), 'credentials were consumed by Kamailio, not forwarded')
    t.ok(call.dialog && call.dialog.routeSet.length > 0, 'the caller has a route set from Record-Route')
    t.equal(header(ack, 'cseq'), `${call.dialog?.cseq} ACK`, 'the ACK for the 200 reached 1002 through Kamailio')

    await new Promise((r) => setTimeout(r, 1100))
    const byeSeen = bob.acceptBye(callId)
    const byeOk = await alice.bye(call.dialog!)
    t.equal(byeOk.status, 200, "1002's 200 to the BYE came back to 1001")
    t.ok(await byeSeen, 'the BYE reached 1002 over its TLS connection')

    const cdr = await eventually(async () => {
      const c = await prisma.cdr.findUnique({ where: { callId } })
      return c?.endedAt ? c : undefined
    })
    t.ok(cdr, 'a CDR row for the Call-ID, ended')
    t.equal(cdr?.caller, '1001')
    t.equal(cdr?.callee, '1002')
    t.ok(cdr?.answeredAt, 'answered')
    t.equal(cdr?.hangupCause, 200, 'ended by BYE')
    t.equal(cdr?.hangupSide, 'caller', 'the caller hung up')
  })

  t.test('media towards the TLS-only 1002', async (t) => {
    const m = /^m=audio (\d+) (\S+)/m.exec(offerAtBob)
    t.ok(m, 'the INVITE carried an audio stream', { sdp: offerAtBob })
    const port = Number(m?.[1])
    t.ok(port >= PORTS.rtpMin && port <= PORTS.rtpMax, `rtpengine is in the path: the offer's port ${port} is in its range`, { sdp: offerAtBob })
    // 1001 offered plain RTP/AVP without crypto; the engine requires SRTP towards a tlsOnly callee
    // (routing/engine/policy.ts) and the route answer's rtpengine flags (modules/media) carry it
    t.equal(m?.[2], 'RTP/SAVP', '1002 (tlsOnly) is offered RTP/SAVP although 1001 offered RTP/AVP', { sdp: offerAtBob })
    t.match(offerAtBob, /^a=crypto:\d+ AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/=]{40}/m, '1002 gets an SDES a=crypto line, made by rtpengine (1001 sent none)', { sdp: offerAtBob })
    const am = /^m=audio (\d+) (\S+)/m.exec(answerAtAlice)
    t.equal(am?.[2], 'RTP/AVP', "1001 (not tlsOnly) gets the plain RTP it offered back: rtpengine terminates 1002's SRTP", { sdp: answerAtAlice })
    t.notMatch(answerAtAlice, /^a=crypto:/m, 'no crypto line towards 1001', { sdp: answerAtAlice })
    t.ok(Number(am?.[1]) >= PORTS.rtpMin && Number(am?.[1]) <= PORTS.rtpMax, "1001's answer points at rtpengine too", { sdp: answerAtAlice })
  })

  // SIPp over UDP/TCP with 1002's right password: the digest succeeds, the transport does not
  const sipp = (o: Partial<SippOptions> & { scenario: string; user: keyof typeof pw; localPort: number }) =>
    runSipp({ remote: s.target, inject: s.csv(o.user), auth: { user: o.user, password: pw[o.user] }, keys: { expires: '600', from: o.user, domain: DOMAIN }, mediaPort: 16600 + (o.localPort - SIPP_UDP) * 10, timeoutMs: 10_000, ...o })

  t.test('the TLS-only 1002 over UDP or TCP: 403 TLS Required, nothing saved', async (t) => {
    sippOk(t, await sipp({ scenario: 'register_tls_required_403', user: '1002', localPort: SIPP_UDP }), 'REGISTER over UDP refused')
    sippOk(t, await sipp({ scenario: 'register_tls_required_403', user: '1002', localPort: SIPP_TCP, transport: 't1' }), 'REGISTER over TCP refused')
    const c = await contacts(`1002@${DOMAIN}`)
    t.same(c.map((x) => x.Socket), [`tls:127.0.0.1:${TLS_PORT}`], 'usrloc still holds only the TLS contact')
    const decisions = (outcome: string) => s.metric('sb_route_decisions_total', { outcome })
    const [challenged, routed] = [await decisions('reject_auth_required'), await decisions('internal')]
    sippOk(t, await sipp({ scenario: 'uac_auth_tls_required_403', user: '1002', localPort: SIPP_UDP, service: '1001' }), 'INVITE over UDP refused')
    t.equal(await decisions('reject_auth_required'), challenged + 1, 'the first INVITE was looked up and challenged (407)')
    t.equal(await decisions('internal'), routed, 'the authenticated INVITE was refused before the route lookup: never routed to 1001')
    t.match(s.kam.log(), /1002@tls\.e2e\.test is TLS-only, refused over udp/, "Kamailio's log says why")
    const fails = await s.kamRpc('htable.get', ['authfail', '127.0.0.1']).catch(() => undefined)
    t.notOk(fails, 'a TLS refusal is not counted as a digest failure (no ban towards a misconfigured phone)', { fails })
  })

  t.test('a user without tlsOnly still registers over UDP', async (t) => {
    sippOk(t, await sipp({ scenario: 'register_ok', user: '1001', localPort: SIPP_UDP }), '1001 over UDP')
    t.ok((await contacts(`1001@${DOMAIN}`)).some((c) => c.Socket === `udp:127.0.0.1:${PORTS.sip}`), '1001 has a UDP contact too')
  })
})
