import t from 'tap'
import { randomUUID } from 'node:crypto'
import { buildTestApp } from '../support/app.ts'
import { api, expectError } from '../support/provisioning.ts'

const h = await buildTestApp()
t.teardown(h.close)
const fx = api(h)
const prisma = h.database.prisma
const dom = await fx.domain('queues.example')
const [a, b] = [await fx.user(dom.id, '401'), await fx.user(dom.id, '402')]

t.test('CRUD with members and an overflow target', async (t) => {
  const g = await fx.create('groups', { domainId: dom.id, name: 'Backoffice' })
  const c = await fx.call('POST', '/queues', { domainId: dom.id, name: 'Sales', extension: '700', strategy: 'PRIORITY', agentTimeout: 20, maxWait: 120, members: [{ userId: b.id, priority: 2 }, { userId: a.id, priority: 1 }], overflowTargetType: 'GROUP', overflowTargetId: g.id })
  t.equal(c.status, 201, JSON.stringify(c.body))
  t.same(c.body.members, [{ userId: a.id, priority: 1 }, { userId: b.id, priority: 2 }])
  t.equal(c.body.overflowTargetId, g.id)
  expectError(t, await fx.call('DELETE', `/groups/${g.id}`), 409, 'group_in_use', 'an overflow target')
  const p = await fx.call('PATCH', `/queues/${c.body.id}`, { overflowTargetType: null, members: [{ userId: a.id }] }, { 'if-match': c.headers.etag as string })
  t.equal(p.status, 200, JSON.stringify(p.body))
  t.same([p.body.overflowTargetType, p.body.overflowTargetId], [null, null], 'overflow removed')
  t.same(p.body.members, [{ userId: a.id, priority: 0 }])
  expectError(t, await fx.call('PATCH', `/queues/${c.body.id}`, { overflowTargetType: 'QUEUE', overflowTargetId: c.body.id }), 422, 'target_is_self')
  expectError(t, await fx.call('PATCH', `/queues/${c.body.id}`, { maxWait: 10 }), 422, 'invalid_max_wait')
  expectError(t, await fx.call('PATCH', `/queues/${c.body.id}`, { name: 'x' }, { 'if-match': c.headers.etag as string }), 412, 'version_mismatch')
  expectError(t, await fx.call('DELETE', `/users/${a.id}`), 409, 'user_in_use', 'a queue member')
  t.equal((await fx.call('DELETE', `/groups/${g.id}`)).status, 204, 'no longer an overflow target')
})

t.test('bad input: stable codes, nothing written', async (t) => {
  const before = [await prisma.queue.count(), await prisma.queueMember.count()]
  const base = { domainId: dom.id, name: 'Bad' }
  const cases: Array<[object, number, string]> = [
    [{ ...base, agentTimeout: 30, maxWait: 20 }, 422, 'invalid_max_wait'],
    [{ ...base, overflowTargetType: 'QUEUE', overflowTargetId: randomUUID() }, 422, 'target_not_found'],
    [{ ...base, members: [{ userId: randomUUID() }] }, 422, 'member_not_found'],
    [{ ...base, extension: '401' }, 409, 'extension_taken'],
    [{ ...base, strategy: 'FEWEST_CALLS' }, 400, 'invalid_request'],
  ]
  for (const [payload, status, code] of cases) expectError(t, await fx.call('POST', '/queues', payload), status, code, JSON.stringify(payload))
  t.same([await prisma.queue.count(), await prisma.queueMember.count()], before)
})

t.test('duplicates and unknown ids', async (t) => {
  await fx.create('queues', { domainId: dom.id, name: 'Dup' })
  expectError(t, await fx.call('POST', '/queues', { domainId: dom.id, name: 'Dup' }), 409, 'queue_exists')
  expectError(t, await fx.call('PATCH', `/queues/${randomUUID()}`, { maxWait: 100 }), 404, 'queue_not_found')
})
