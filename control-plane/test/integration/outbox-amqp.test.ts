// The outbox worker against the real RabbitMQ on 127.0.0.1:5672 (scripts/setup.sh --for-tests
// starts it): persistent messages on the topic exchange, routing key = event type, the event id as
// messageId, published only once confirmed; with the broker unreachable the events stay put.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import amqp from 'amqplib'
import { buildTestApp } from '../support/app.ts'
import { cdrService } from '../../src/modules/cdr/cdr.service.ts'

const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

t.test('outbox → AMQP', async (t) => {
  const exchange = `switchboard.events.test-${randomBytes(4).toString('hex')}`
  const conn = await amqp.connect(AMQP_URL)
  t.teardown(() => conn.close())
  const ch = await conn.createChannel()
  await ch.assertExchange(exchange, 'topic', { durable: true })
  t.teardown(() => ch.deleteExchange(exchange).catch(() => {}))
  const { queue } = await ch.assertQueue('', { exclusive: true })
  await ch.bindQueue(queue, exchange, 'call.#')
  const got: amqp.ConsumeMessage[] = []
  await ch.consume(queue, (m) => m && got.push(m), { noAck: true })

  const h = await buildTestApp({ env: { AMQP_URL, AMQP_EXCHANGE: exchange } })
  t.teardown(h.close)
  const cdrs = cdrService(h.database.prisma)
  await cdrs.apply({ type: 'dialog.start', callId: 'amqp-1@test', ts: Date.now() / 1000, fields: { from_user: '1001', to_user: '1002' } }, undefined)
  await cdrs.apply({ type: 'dialog.answered', callId: 'amqp-1@test', ts: Date.now() / 1000, fields: {} }, undefined)
  await h.app.outbox.tick()
  for (let i = 0; i < 40 && got.length < 2; i++) await sleep(50)

  t.equal(got.length, 2, 'two call events consumed')
  const rows = await h.database.prisma.outboxEvent.findMany({ orderBy: { createdAt: 'asc' } })
  t.ok(rows.every((r) => r.publishedAt), 'marked published after the confirms')
  const first = got.find((m) => m.fields.routingKey === 'call.started')!
  t.ok(first, 'routing key = event type')
  t.equal(first.properties.deliveryMode, 2, 'persistent')
  t.equal(first.properties.contentType, 'application/json')
  const body = JSON.parse(first.content.toString())
  t.equal(first.properties.messageId, body.id, 'messageId = event id (deduplication)')
  t.equal(body.correlation.callId, 'amqp-1@test')
  t.equal(first.properties.headers?.['x-call-id'], 'amqp-1@test')
  t.equal(await h.app.metrics.getSingleMetricAsString('sb_amqp_publish_total').then((s) => /result="confirmed"[^\n]* 2/.test(s)), true, 'confirmed counted')

  t.test('broker unreachable: nothing is marked published, attempts counted', async (t) => {
    const h2 = await buildTestApp({ env: { AMQP_URL: 'amqp://guest:guest@127.0.0.1:1', AMQP_EXCHANGE: exchange } })
    t.teardown(h2.close)
    await cdrService(h2.database.prisma).apply({ type: 'dialog.start', callId: 'amqp-2@test', ts: Date.now() / 1000, fields: {} }, undefined)
    await h2.app.outbox.tick()
    const row = await h2.database.prisma.outboxEvent.findFirstOrThrow()
    t.equal(row.publishedAt, null)
    t.equal(row.attempts, 1)
  })
})
