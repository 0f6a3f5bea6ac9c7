// The outbox worker against a real local HTTP receiver: signed deliveries, the receiver killed and
// restored (every event delivered exactly once after the retries), dead letters and their replay,
// the webhook API's rules, and the single-leader lock.
import t from 'tap'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildTestApp } from '../support/app.ts'
import { api, expectError } from '../support/provisioning.ts'
import { cdrService } from '../../src/modules/cdr/cdr.service.ts'
import { verifySignature } from '../../src/modules/webhooks/signature.ts'
import { advisoryLeaderLock } from '../../src/modules/outbox/leader-lock.ts'
import { backoffMs } from '../../src/modules/outbox/webhook-sender.ts'

interface Received { id: string; type: string; valid: boolean; callId?: string }

/** A webhook receiver that checks signatures; `status` decides its answer. */
function receiver(secretOf: () => string) {
  const got: Received[] = []
  let status = 200
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const e = JSON.parse(body)
      got.push({ id: e.id, type: e.type, callId: e.correlation?.callId, valid: verifySignature(secretOf(), req.headers['x-switchboard-signature'] as string, req.headers['x-switchboard-timestamp'] as string, body) && req.headers['x-switchboard-event-id'] === e.id })
      res.writeHead(status).end()
    })
  })
  return {
    got,
    server,
    setStatus: (s: number) => (status = s),
    listen: (port = 0) => new Promise<number>((r) => server.listen(port, '127.0.0.1', () => r((server.address() as AddressInfo).port))),
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()) }),
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

t.test('outbox → webhooks', async (t) => {
  const h = await buildTestApp({ env: { WEBHOOK_BACKOFF_BASE_MS: '20', WEBHOOK_BACKOFF_MAX_MS: '40', WEBHOOK_MAX_ATTEMPTS: '4', WEBHOOK_TIMEOUT_MS: '1000' } })
  t.teardown(h.close)
  const fx = api(h)
  const domain = await fx.domain()
  let secret = ''
  const rx = receiver(() => secret)
  const port = await rx.listen()
  t.teardown(() => rx.close().catch(() => {}))
  const cdrs = cdrService(h.database.prisma)
  const call = async (callId: string) => {
    const d = { domainId: domain.id, kind: 'internal' }
    await cdrs.apply({ type: 'dialog.start', callId, ts: Date.now() / 1000, fields: { from_user: '1001', to_user: '1002' } }, d)
    await cdrs.apply({ type: 'dialog.end', callId, ts: Date.now() / 1000, fields: { code: '486', side: 'callee' } }, d)
  }
  /** ticks until nothing is pending or failed (or the deadline) */
  const drain = async (ms = 5000) => {
    const until = Date.now() + ms
    while (Date.now() < until) {
      await h.app.outbox.tick()
      const open = await h.database.prisma.webhookDelivery.count({ where: { status: { in: ['PENDING', 'FAILED'] } } })
      const undispatched = await h.database.prisma.outboxEvent.count({ where: { publishedAt: null } })
      if (open === 0 && undispatched === 0) return
      await sleep(25)
    }
  }

  let hook: any
  t.test('API: create shows the secret once; bad input refused', async (t) => {
    const r = await fx.call('POST', '/webhooks', { domainId: domain.id, name: 'crm', url: `http://127.0.0.1:${port}/hook`, eventTypes: ['call.*'] })
    t.equal(r.status, 201, JSON.stringify(r.body))
    hook = r.body
    secret = hook.secret
    t.ok(secret.length >= 32, 'a generated secret')
    const g = await fx.call('GET', `/webhooks/${hook.id}`)
    t.notOk('secret' in g.body || 'secretCiphertext' in g.body, 'never shown again')
    const row = await h.database.prisma.webhookSubscription.findUnique({ where: { id: hook.id } })
    t.not(row!.secretCiphertext.includes(secret), true, 'sealed at rest')
    expectError(t, await fx.call('POST', '/webhooks', { name: 'x', url: 'ftp://example.com/x' }), 422, 'invalid_url')
    t.equal((await fx.call('POST', '/webhooks', { name: 'x', url: 'http://127.0.0.1/x', eventTypes: ['Not A Type'] })).status, 400)
    expectError(t, await fx.call('GET', '/webhooks', undefined, {}, 'AGENT'), 403, 'permission_denied')
    t.equal(await h.database.prisma.webhookSubscription.count(), 1, 'nothing half-written')
    const other = await fx.domain()
    const scopedKey = await h.keyFor('ADMIN', other.id)
    const list = await h.app.inject({ url: '/api/v1/webhooks', headers: { authorization: `Bearer ${scopedKey}` } })
    t.equal(list.json().total, 0, "another domain's admin does not see it")
  })

  t.test('signed delivery of call.* only', async (t) => {
    await call('w1@test')
    await fx.call('PATCH', `/domains/${domain.id}`, { description: 'audit event, not subscribed' })
    await drain()
    t.same(rx.got.map((g) => g.type), ['call.started', 'call.ended'])
    t.ok(rx.got.every((g) => g.valid && g.callId === 'w1@test'), 'valid signatures, Call-ID in the envelope')
    t.equal(await h.database.prisma.webhookDelivery.count({ where: { status: 'DELIVERED' } }), 2)
  })

  t.test('receiver killed, events retried, receiver restored: every event exactly once', async (t) => {
    rx.got.length = 0
    await rx.close()
    for (let i = 0; i < 5; i++) await call(`down-${i}@test`)
    for (let i = 0; i < 3; i++) {
      await h.app.outbox.tick()
      await sleep(45)
    }
    const failed = await h.database.prisma.webhookDelivery.findMany({ where: { status: 'FAILED' } })
    t.equal(failed.length, 10, 'ten deliveries failed and wait for a retry')
    t.ok(failed.every((f) => f.attempts >= 2 && f.lastError), 'retried, with the last error kept')
    await rx.listen(port)
    await drain()
    const ids = rx.got.map((g) => g.id)
    t.equal(ids.length, 10, 'ten requests')
    t.equal(new Set(ids).size, 10, 'each event once')
    t.ok(rx.got.every((g) => g.valid), 'all signed')
  })

  t.test('dead letter after the last attempt, then replay', async (t) => {
    rx.got.length = 0
    rx.setStatus(500)
    await call('dead@test')
    for (let i = 0; i < 8; i++) {
      await h.app.outbox.tick()
      await sleep(45)
    }
    const dead = await fx.call('GET', `/webhooks/${hook.id}/deliveries?status=DEAD`)
    t.equal(dead.body.total, 2, 'both events of the call are dead letters')
    t.equal(dead.body.items[0].attempts, 4)
    t.equal(dead.body.items[0].lastStatusCode, 500)
    t.equal(rx.got.length, 8, 'four attempts each')
    rx.setStatus(204)
    rx.got.length = 0
    expectError(t, await fx.call('POST', `/webhooks/${hook.id}/replay`, { eventIds: ['00000000-0000-4000-8000-000000000000'] }), 422, 'unknown_event')
    const r = await fx.call('POST', `/webhooks/${hook.id}/replay`, { status: 'DEAD' })
    t.same(r.body, { requeued: 2 })
    await drain()
    t.equal(rx.got.length, 2, 'replayed once each')
    t.equal(await h.database.prisma.webhookDelivery.count({ where: { status: 'DEAD' } }), 0)
    const audit = await h.database.prisma.auditEntry.findFirst({ where: { action: 'webhook.updated' }, orderBy: { id: 'desc' } })
    t.match(audit?.after, { requeued: 2 }, 'the replay is journaled')
  })

  t.test('backoff grows and is capped', async (t) => {
    t.equal(backoffMs(1, 1000, 60_000, () => 1), 1000)
    t.equal(backoffMs(4, 1000, 60_000, () => 1), 8000)
    t.equal(backoffMs(20, 1000, 60_000, () => 1), 60_000)
    t.equal(backoffMs(4, 1000, 60_000, () => 0), 4000, 'jitter: at least half')
  })

  t.test('one leader at a time (PostgreSQL advisory lock)', async (t) => {
    const errors: Error[] = []
    const rival = advisoryLeaderLock(h.config.databaseUrl!, (e) => errors.push(e))
    t.equal(await rival.check(), false, "the app's worker holds the lock (it ticked above)")
    await h.app.outbox.stop()
    const a = advisoryLeaderLock(h.config.databaseUrl!, (e) => errors.push(e))
    const b = advisoryLeaderLock(h.config.databaseUrl!, (e) => errors.push(e))
    t.equal(await a.check(), true, 'a takes it')
    t.equal(await b.check(), false, 'b waits')
    t.equal(await a.check(), true, 'a keeps it')
    await a.release()
    t.equal(await b.check(), true, 'b takes over once a lets go')
    await b.release()
    await rival.release()
    t.same(errors, [])
  })
})
