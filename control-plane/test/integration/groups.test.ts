import t from 'tap'
import { randomUUID } from 'node:crypto'
import { buildTestApp } from '../support/app.ts'
import { api, expectError } from '../support/provisioning.ts'

const h = await buildTestApp()
t.teardown(h.close)
const fx = api(h)
const prisma = h.database.prisma
const dom = await fx.domain('groups.example')
const [a, b, c] = [await fx.user(dom.id, '201'), await fx.user(dom.id, '202'), await fx.user(dom.id, '203')]

t.test('CRUD; members are replaced as a whole', async (t) => {
  const cr = await fx.call('POST', '/groups', { domainId: dom.id, name: 'Sales', extension: '600', strategy: 'HUNT', memberTimeout: 15, members: [{ userId: b.id }, { userId: a.id }] })
  t.equal(cr.status, 201, JSON.stringify(cr.body))
  t.same(cr.body.members, [{ userId: b.id, position: 0 }, { userId: a.id, position: 1 }], 'array order is the hunt order')
  const p = await fx.call('PATCH', `/groups/${cr.body.id}`, { members: [{ userId: c.id, position: 5 }] }, { 'if-match': cr.headers.etag as string })
  t.equal(p.status, 200)
  t.same(p.body.members, [{ userId: c.id, position: 5 }])
  t.equal(await prisma.groupMember.count({ where: { groupId: cr.body.id } }), 1)
  const kept = await fx.call('PATCH', `/groups/${cr.body.id}`, { memberTimeout: 30 })
  t.same(kept.body.members, [{ userId: c.id, position: 5 }], 'a PATCH without members keeps them')
  expectError(t, await fx.call('PATCH', `/groups/${cr.body.id}`, { name: 'x' }, { 'if-match': cr.headers.etag as string }), 412, 'version_mismatch')
  t.same((await fx.call('GET', '/groups?name=sal')).body.items.map((g: { id: string }) => g.id), [cr.body.id])
  t.equal((await fx.call('DELETE', `/groups/${cr.body.id}`)).status, 204)
  t.equal(await prisma.groupMember.count({ where: { groupId: cr.body.id } }), 0)
  expectError(t, await fx.call('GET', `/groups/${cr.body.id}`), 404, 'group_not_found')
})

t.test('bad input: stable codes, nothing written', async (t) => {
  const other = await fx.domain()
  const foreign = await fx.user(other.id, '201')
  const before = [await prisma.group.count(), await prisma.groupMember.count()]
  const base = { domainId: dom.id, name: 'Bad' }
  const cases: Array<[object, number, string]> = [
    [{ ...base, members: [{ userId: randomUUID() }] }, 422, 'member_not_found'],
    [{ ...base, members: [{ userId: foreign.id }] }, 422, 'member_not_found'],
    [{ ...base, members: [{ userId: a.id }, { userId: a.id }] }, 422, 'duplicate_member'],
    [{ ...base, extension: '6x' }, 422, 'invalid_extension'],
    [{ ...base, extension: '201' }, 409, 'extension_taken'],
    [{ ...base, strategy: 'RANDOM' }, 400, 'invalid_request'],
    [{ ...base, memberTimeout: 0 }, 400, 'invalid_request'],
  ]
  for (const [payload, status, code] of cases) expectError(t, await fx.call('POST', '/groups', payload), status, code, JSON.stringify(payload))
  t.same([await prisma.group.count(), await prisma.groupMember.count()], before)
  const g = await fx.create('groups', { domainId: dom.id, name: 'Keep', members: [{ userId: a.id }] })
  expectError(t, await fx.call('PATCH', `/groups/${g.id}`, { members: [{ userId: foreign.id }] }), 422, 'member_not_found')
  t.same((await fx.call('GET', `/groups/${g.id}`)).body.members, [{ userId: a.id, position: 0 }], 'a refused PATCH leaves the members as they were')
})

t.test('duplicates, unknown ids, in use', async (t) => {
  const g = await fx.create('groups', { domainId: dom.id, name: 'Support', extension: '601' })
  expectError(t, await fx.call('POST', '/groups', { domainId: dom.id, name: 'Support' }), 409, 'group_exists')
  expectError(t, await fx.call('POST', '/groups', { domainId: dom.id, name: 'Other', extension: '601' }), 409, 'extension_taken')
  expectError(t, await fx.call('GET', `/groups/${randomUUID()}`), 404, 'group_not_found')
  await fx.create('numbers', { domainId: dom.id, e164: '+33155500001', targetType: 'GROUP', targetId: g.id })
  expectError(t, await fx.call('DELETE', `/groups/${g.id}`), 409, 'group_in_use')
})
