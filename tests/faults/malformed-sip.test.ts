// Fault (e), short version: a corpus of broken SIP messages sent by a raw UDP sender. Kamailio must
// answer (4xx) or drop each one, and stay up: an OPTIONS is still answered afterwards, a REGISTER
// still goes through the control plane, and the control plane is still alive.
import dgram from 'node:dgram'
import t from 'tap'
import { runSipp } from '../support/sipp.ts'
import { sippOk, skipE2e, startStack } from '../support/e2e.ts'

// ports owned by this file: 6460-6479 SIP/RPC/JSON-RPC/SIPp/raw sender, ng 23460-23463, RTP 18800-18899, SIPp media 18900-18919
const PORTS = { sip: 6460, rpc: 6461, cp: 6462, ng: 23460, rtpMin: 18800, rtpMax: 18899 }
const RAW = 6470, PHONE = 6471
const DOMAIN = 'malformed.faults.test'

const via = (n: number) => `Via: SIP/2.0/UDP 127.0.0.1:${RAW};branch=z9hG4bKmal${n}`
const ok = (n: number, method = 'OPTIONS') =>
  [`${method} sip:${DOMAIN} SIP/2.0`, via(n), 'Max-Forwards: 70', `From: <sip:probe@${DOMAIN}>;tag=f${n}`, `To: <sip:${DOMAIN}>`, `Call-ID: mal-${n}@probe`, `CSeq: 1 ${method}`, 'Content-Length: 0', '', ''].join('\r\n')
const corpus: [string, string | Buffer][] = [
  ['empty datagram', ''],
  ['CRLF keepalive only', '\r\n\r\n'],
  ['garbage bytes', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256))],
  ['request line only', 'INVITE sip:1002@x SIP/2.0\r\n\r\n'],
  ['bad SIP version', ok(1).replace('SIP/2.0\r\n', 'SIP/9.9\r\n')],
  ['no Via', ok(2).replace(`${via(2)}\r\n`, '')],
  ['no Call-ID', ok(3).replace(/Call-ID: [^\r]+\r\n/, '')],
  ['no CSeq', ok(4).replace(/CSeq: [^\r]+\r\n/, '')],
  ['CSeq method mismatch', ok(5).replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE')],
  ['CSeq not a number', ok(6).replace('CSeq: 1 OPTIONS', 'CSeq: abc OPTIONS')],
  ['negative Content-Length', ok(7).replace('Content-Length: 0', 'Content-Length: -5')],
  ['Content-Length larger than the body', ok(8).replace('Content-Length: 0', 'Content-Length: 99999')],
  ['Max-Forwards 0', ok(9).replace('Max-Forwards: 70', 'Max-Forwards: 0')],
  ['Max-Forwards not a number', ok(10).replace('Max-Forwards: 70', 'Max-Forwards: lots')],
  ['unparsable R-URI', ok(11).replace(`OPTIONS sip:${DOMAIN} SIP/2.0`, 'OPTIONS sip:@@:: SIP/2.0')],
  ['unknown scheme', ok(12).replace(`OPTIONS sip:${DOMAIN}`, `OPTIONS xyz:${DOMAIN}`)],
  ['header without colon', ok(13).replace('Max-Forwards: 70', 'Max-Forwards 70')],
  ['From without tag, broken URI', ok(14).replace(/From: [^\r]+/, 'From: <sip:>')],
  ['NUL bytes inside headers', ok(15).replace('Max-Forwards: 70', 'Max-Forwards: 7\u00000')],
  ['10 000-character header', ok(16).replace('Max-Forwards: 70', `Max-Forwards: 70\r\nX-Long: ${'a'.repeat(10_000)}`)],
  ['500 headers', ok(17).replace('Max-Forwards: 70', `Max-Forwards: 70\r\n${Array.from({ length: 500 }, (_, i) => `X-H${i}: v`).join('\r\n')}`)],
  ['INVITE with broken SDP', ok(18, 'INVITE').replace('Content-Length: 0\r\n\r\n', 'Content-Type: application/sdp\r\nContent-Length: 20\r\n\r\nv=0\r\nm=audio xx RTP\r\n')],
  ['REGISTER with a broken Authorization', ok(19, 'REGISTER').replace('Max-Forwards: 70', 'Max-Forwards: 70\r\nAuthorization: Digest username=,realm=",nonce')],
  ['a response nobody asked for', `SIP/2.0 200 OK\r\n${via(20)}\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: stray@x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`],
  ['a status line with a bad code', `SIP/2.0 999999 What\r\n${via(21)}\r\n\r\n`],
  ['BYE for no dialog', ok(22, 'BYE')],
  ['ACK with a To-tag for no transaction', ok(23, 'ACK').replace(`To: <sip:${DOMAIN}>`, `To: <sip:${DOMAIN}>;tag=nope`)],
]

t.test('malformed SIP corpus', { skip: skipE2e, timeout: 60_000 }, async (t) => {
  const s = await startStack(t, PORTS, { domain: DOMAIN })
  const domain = await s.create('domains', { name: DOMAIN, timezone: 'Europe/Paris' })
  await s.create('users', { domainId: domain.id, extension: '1001', password: 'alice-malformed-pass' })
  await s.rebuild()

  const sock = dgram.createSocket('udp4')
  await new Promise<void>((r) => sock.bind(RAW, '127.0.0.1', () => r()))
  t.teardown(() => sock.close())
  const replies: string[] = []
  sock.on('message', (m) => replies.push(m.toString('latin1')))
  const send = async (m: string | Buffer) => {
    const before = replies.length
    sock.send(typeof m === 'string' ? Buffer.from(m, 'latin1') : m, PORTS.sip, '127.0.0.1')
    await new Promise((r) => setTimeout(r, 150))
    return replies.slice(before)
  }

  const counts = { sent: 0, answered: 0, dropped: 0 }
  for (const [name, msg] of corpus) {
    const got = await send(msg)
    counts.sent++
    if (got.length) counts.answered++
    else counts.dropped++
    t.comment(`${name}: ${got.length ? got.map((g) => g.split('\r\n')[0]).join(' | ') : 'dropped'}`)
    t.notOk(got.some((g) => /^SIP\/2\.0 2\d\d/.test(g) && /INVITE|REGISTER/.test(name)), `${name}: never accepted`)
  }
  t.comment(`malformed SIP counts: ${JSON.stringify(counts)}`)
  t.equal(counts.sent, corpus.length)

  t.test('Kamailio and the control plane are still up', async (t) => {
    const pong = await send(ok(99))
    t.match(pong[0] ?? '', /^SIP\/2\.0 200 /, 'a well-formed OPTIONS is answered 200')
    t.ok(await s.kamRpc('core.uptime'), 'Kamailio answers its RPC')
    sippOk(t, await runSipp({ scenario: 'register_ok', remote: s.target, localPort: PHONE, inject: s.csv('1001'), auth: { user: '1001', password: 'alice-malformed-pass' }, keys: { expires: '600' }, mediaPort: 18900, timeoutMs: 10_000 }), 'a REGISTER still goes through the control plane')
    const live = await s.h.app.inject({ method: 'GET', url: '/health/live' })
    t.equal(live.statusCode, 200, 'the control plane is live')
  })
})
