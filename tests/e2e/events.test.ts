// Events end to end: a SIPp call through real Kamailio + RTPengine + control plane, then its CDR,
// a signed webhook received by a local HTTP receiver, the AMQP message consumed from the real
// RabbitMQ, and the same Call-ID on the control plane's log lines and on its webhook and AMQP events.
import t from 'tap'
import http from 'node:http'
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import amqp from 'amqplib'
import { runSipp, startSipp } from '../support/sipp.ts'
import { eventually, sippOk, skipE2e, startStack } from '../support/e2e.ts'
import { verifySignature } from '../../control-plane/src/modules/webhooks/signature.ts'

// ports owned by this file: 6800-6819 SIP/RPC/JSON-RPC/SIPp, ng 23800-23803, RTP 17600-17699,
// SIPp media 17700-17799 (below the ephemeral range 32768-60999)
const PORTS = { sip: 6800, rpc: 6801, cp: 6802, ng: 23800, rtpMin: 17600, rtpMax: 17699 }
const UAC = 6810, UAS = 6811
const DOMAIN = 'events.e2e.test'
const pw = { '1001': 'alice-events-secret', '1002': 'bob-events-secret' }
const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672'

t.test('a call produces a CDR, a signed webhook, an AMQP message and correlated logs', { skip: skipE2e, timeout: 90_000 }, async (t) => {
  // the AMQP consumer, on an exchange of its own
  const exchange = `switchboard.events.e2e-${randomBytes(4).toString('hex')}`
  const conn = await amqp.connect(AMQP_URL)
  t.teardown(() => conn.close().catch(() => {}))
  const ch = await conn.createChannel()
  await ch.assertExchange(exchange, 'topic', { durable: true })
  t.teardown(() => ch.deleteExchange(exchange).catch(() => {}))
  const { queue } = await ch.assertQueue('', { exclusive: true })
  await ch.bindQueue(queue, exchange, 'call.#')
  const consumed: any[] = []
  await ch.consume(queue, (m) => m && consumed.push({ key: m.fields.routingKey, persistent: m.properties.deliveryMode === 2, body: JSON.parse(m.content.toString()) }), { noAck: true })

  // the webhook receiver
  let secret = ''
  const hooks: Array<{ valid: boolean; body: any }> = []
  const rx = http.createServer((req, res) => {
    let b = ''
    req.on('data', (c) => (b += c))
    req.on('end', () => {
      hooks.push({ valid: verifySignature(secret, req.headers['x-switchboard-signature'] as string, req.headers['x-switchboard-timestamp'] as string, b), body: JSON.parse(b) })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((r) => rx.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise<void>((r) => { rx.closeAllConnections(); rx.close(() => r()) }))

  const lines: any[] = []
  const logDestination = new Writable({ write: (c, _e, cb) => { for (const l of c.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l)); cb() } })
  const s = await startStack(t, PORTS, {
    domain: DOMAIN,
    cpEnv: { AMQP_URL, AMQP_EXCHANGE: exchange, OUTBOX_WORKER_ENABLED: 'true', OUTBOX_POLL_MS: '100', LOG_LEVEL: 'info' },
    logDestination,
  })
  const domain = await s.create('domains', { name: DOMAIN })
  for (const [extension, password] of Object.entries(pw)) await s.create('users', { domainId: domain.id, extension, password })
  const hook = await s.create('webhooks', { domainId: domain.id, name: 'e2e', url: `http://127.0.0.1:${(rx.address() as AddressInfo).port}/events`, eventTypes: ['call.*'] })
  secret = hook.secret
  await s.rebuild()

  const register = (user: keyof typeof pw, localPort: number) =>
    runSipp({ scenario: 'register_ok', remote: s.target, localPort, inject: s.csv(user), auth: { user, password: pw[user] }, keys: { expires: '600' }, mediaPort: 17700, timeoutMs: 10_000 })
  sippOk(t, await register('1001', UAC), '1001 registers')
  sippOk(t, await register('1002', UAS), '1002 registers')

  const callId = `events-${process.pid}@e2e`
  const uas = startSipp({ scenario: 'uas_answer', localPort: UAS, mediaPort: 17720, timeoutMs: 15_000 })
  await new Promise((r) => setTimeout(r, 200))
  const r = await runSipp({ scenario: 'uac_auth_call_bye', remote: s.target, localPort: UAC, mediaPort: 17710, timeoutMs: 15_000, service: '1002', pauseMs: 1200, keys: { from: '1001', domain: DOMAIN }, auth: { user: '1001', password: pw['1001'] }, extraArgs: ['-cid_str', callId] })
  sippOk(t, r, 'the call')
  sippOk(t, await uas.done, 'the callee')

  const cdr = await eventually(async () => {
    const c = await s.h.database.prisma.cdr.findUnique({ where: { callId } })
    return c?.endedAt ? c : undefined
  }, 5000)
  t.ok(cdr, 'the CDR, ended')
  t.match(cdr, { direction: 'internal', domainId: domain.id, caller: '1001', callee: '1002', hangupCause: 200, hangupSide: 'caller' })
  t.ok(cdr!.answeredAt && cdr!.durationSec >= 1 && cdr!.durationSec <= 3, `answered, ${cdr!.durationSec} s`)
  t.equal(cdr!.billableSec >= cdr!.durationSec, true, 'billable seconds rounded up')
  const api = await s.api('GET', `/cdrs?callId=${encodeURIComponent(callId)}`)
  t.equal(api.body.items[0]?.id, cdr!.id, 'and through GET /cdrs')

  const mine = (xs: any[]) => xs.filter((x) => x.correlation?.callId === callId)
  const delivered = await eventually(async () => {
    const got = mine(hooks.map((h) => h.body))
    return got.some((e) => e.type === 'call.ended') ? got : undefined
  }, 8000)
  t.same(delivered?.map((e) => e.type), ['call.started', 'call.answered', 'call.ended'], 'webhooks: the call’s three events, in order')
  t.ok(hooks.every((h) => h.valid), 'every webhook correctly signed')
  t.equal(delivered?.at(-1).data.durationSec, cdr!.durationSec, 'call.ended carries the CDR')

  const messages = await eventually(async () => {
    const got = consumed.filter((m) => m.body.correlation?.callId === callId)
    return got.length >= 3 ? got : undefined
  }, 8000)
  t.same(messages?.map((m) => m.key), ['call.started', 'call.answered', 'call.ended'], 'AMQP: routing key = type, consumed from RabbitMQ')
  t.ok(messages?.every((m) => m.persistent), 'persistent messages')
  t.same(messages?.map((m) => m.body.id), delivered?.map((e) => e.id), 'the same event ids on both channels (deduplication key)')

  const callLines = lines.filter((l) => l.callId === callId)
  t.ok(callLines.some((l) => l.stream === 'diagnostic' && l.msg === 'dialog event'), 'diagnostic log lines carry the Call-ID')
  t.ok(callLines.every((l) => l.reqId), 'and a request id')
  t.ok(callLines.length >= 3, `${callLines.length} log lines for the call`)
})
