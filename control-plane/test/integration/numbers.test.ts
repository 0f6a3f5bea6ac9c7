import t from 'tap'
import { randomUUID } from 'node:crypto'
import { buildTestApp } from '../support/app.ts'
import { api, expectError } from '../support/provisioning.ts'

const h = await buildTestApp()
t.teardown(h.close)
const fx = api(h)
const prisma = h.database.prisma
const dom = await fx.domain('numbers.example')
const user = await fx.user(dom.id, '100')
const queue = await fx.create('queues', { domainId: dom.id, name: 'Sales' })

t.test('CRUD with each kind of target, and the routing epoch moves with every write', async (t) => {
  const epoch = async () => (await prisma.routingEpoch.findUnique({ where: { id: 1 } }))?.version ?? 0n
  const e0 = await epoch()
  const c = await fx.call('POST', '/numbers', { domainId: dom.id, e164: '+33123456789', targetType: 'USER', targetId: user.id, description: 'main line' })
  t.equal(c.status, 201, JSON.stringify(c.body))
  t.ok((await epoch()) > e0, 'routing epoch bumped in the same transaction')
  const toQueue = await fx.call('PATCH', `/numbers/${c.body.id}`, { targetType: 'QUEUE', targetId: queue.id }, { 'if-match': c.headers.etag as string })
  t.equal(toQueue.status, 200, JSON.stringify(toQueue.body))
  t.equal(toQueue.body.targetId, queue.id)
  const ext = await fx.call('PATCH', `/numbers/${c.body.id}`, { targetType: 'EXTERNAL', targetNumber: '+442071234567' })
  t.equal(ext.body.targetId, null, 'an EXTERNAL target keeps only its number')
  t.equal(ext.body.targetNumber, '+442071234567')
  const hang = await fx.call('PATCH', `/numbers/${c.body.id}`, { targetType: 'HANGUP' })
  t.same([hang.body.targetType, hang.body.targetId, hang.body.targetNumber], ['HANGUP', null, null])
  expectError(t, await fx.call('PATCH', `/numbers/${c.body.id}`, { description: 'x' }, { 'if-match': c.headers.etag as string }), 412, 'version_mismatch')
  const list = await fx.call('GET', '/numbers?e164=%2B331&targetType=HANGUP')
  t.same(list.body.items.map((n: { id: string }) => n.id), [c.body.id])
  t.equal((await fx.call('DELETE', `/numbers/${c.body.id}`)).status, 204)
  expectError(t, await fx.call('GET', `/numbers/${c.body.id}`), 404, 'number_not_found')
})

t.test('bad input: stable codes, nothing written', async (t) => {
  const before = await prisma.phoneNumber.count()
  const auditBefore = await prisma.auditEntry.count()
  const base = { domainId: dom.id, e164: '+33199999999' }
  const other = await fx.domain()
  const foreignUser = await fx.user(other.id, '100')
  const cases: Array<[object, number, string]> = [
    [{ ...base, e164: '0123456789', targetType: 'HANGUP' }, 422, 'invalid_e164'],
    [{ ...base, e164: '+3312', targetType: 'HANGUP' }, 422, 'invalid_e164'],
    [{ ...base, e164: '+1234567890123456', targetType: 'HANGUP' }, 422, 'invalid_e164'],
    [{ ...base, targetType: 'QUEUE', targetId: randomUUID() }, 422, 'target_not_found'],
    [{ ...base, targetType: 'QUEUE', targetId: user.id }, 422, 'target_not_found'],
    [{ ...base, targetType: 'USER', targetId: foreignUser.id }, 422, 'target_not_found'],
    [{ ...base, targetType: 'USER' }, 422, 'target_not_found'],
    [{ ...base, targetType: 'EXTERNAL' }, 422, 'target_number_required'],
    [{ ...base, targetType: 'EXTERNAL', targetNumber: 'call me' }, 422, 'invalid_target_number'],
    [{ ...base, targetType: 'VOICEMAIL' }, 400, 'invalid_request'],
    [{ ...base, targetType: 'HANGUP', domainId: randomUUID() }, 422, 'domain_not_found'],
  ]
  for (const [payload, status, code] of cases) expectError(t, await fx.call('POST', '/numbers', payload), status, code, JSON.stringify(payload))
  t.equal(await prisma.phoneNumber.count(), before)
  t.equal(await prisma.auditEntry.count(), auditBefore + 2, 'only the fixture domain and user were journaled')
})

t.test('a number exists once, across domains', async (t) => {
  await fx.create('numbers', { domainId: dom.id, e164: '+33100000001', targetType: 'HANGUP' })
  const other = await fx.domain()
  expectError(t, await fx.call('POST', '/numbers', { domainId: dom.id, e164: '+33100000001', targetType: 'HANGUP' }), 409, 'number_exists')
  expectError(t, await fx.call('POST', '/numbers', { domainId: other.id, e164: '+33100000001', targetType: 'HANGUP' }), 409, 'number_exists')
  t.equal(await prisma.phoneNumber.count({ where: { e164: '+33100000001' } }), 1)
})

t.test('a queue targeted by a DID cannot be deleted', async (t) => {
  const q = await fx.create('queues', { domainId: dom.id, name: 'Support' })
  await fx.create('numbers', { domainId: dom.id, e164: '+33100000002', targetType: 'QUEUE', targetId: q.id })
  const r = await fx.call('DELETE', `/queues/${q.id}`)
  expectError(t, r, 409, 'queue_in_use')
  t.match(r.body.error.message, /number \+33100000002/)
})
