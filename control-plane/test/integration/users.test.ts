import t from 'tap'
import { createHash, randomUUID } from 'node:crypto'
import { buildTestApp } from '../support/app.ts'
import { api, expectError, hasSecretKeys } from '../support/provisioning.ts'

const h = await buildTestApp()
t.teardown(h.close)
const fx = api(h)
const prisma = h.database.prisma
const md5 = (s: string) => createHash('md5').update(s).digest('hex')

const dom = await fx.domain('users.example')

t.test('create, read, list, update with If-Match, delete; the password never comes back', async (t) => {
  const c = await fx.call('POST', '/users', { domainId: dom.id, extension: '1001', password: 'long-enough-secret', displayName: 'Alice Martin', email: 'alice@users.example', callerId: '+33123456789', codecs: ['opus', 'PCMA'] })
  t.equal(c.status, 201, JSON.stringify(c.body))
  const u = c.body
  t.equal(c.headers.location, `/api/v1/users/${u.id}`)
  t.equal(c.headers.etag, `"${u.id}.v1"`)
  t.same(u.codecs, ['opus', 'PCMA'])
  t.equal(u.classOfService, 'NATIONAL')

  const row = await prisma.user.findUniqueOrThrow({ where: { id: u.id } })
  t.equal(row.ha1, md5('1001:users.example:long-enough-secret'), 'ha1 = md5(user:realm:password)')
  t.equal(row.ha1b, md5('1001@users.example:users.example:long-enough-secret'), 'ha1b = md5(user@domain:realm:password)')

  await fx.user(dom.id, '1002', { displayName: 'Bob', enabled: false })
  const byPrefix = await fx.call('GET', `/users?domainId=${dom.id}&extension=100`)
  t.same(byPrefix.body.items.map((x: { extension: string }) => x.extension), ['1001', '1002'])
  const byQ = await fx.call('GET', '/users?q=MARTIN')
  t.same(byQ.body.items.map((x: { id: string }) => x.id), [u.id])
  const disabled = await fx.call('GET', `/users?enabled=false&domainId=${dom.id}`)
  t.same(disabled.body.items.map((x: { extension: string }) => x.extension), ['1002'])

  const got = await fx.call('GET', `/users/${u.id}`, undefined, {}, 'AUDITOR')
  t.equal(got.status, 200)

  const stale = await fx.call('PATCH', `/users/${u.id}`, { displayName: 'x' }, { 'if-match': `"${u.id}.v9"` })
  expectError(t, stale, 412, 'version_mismatch')

  const noPw = await fx.call('PATCH', `/users/${u.id}`, { extension: '1009' })
  expectError(t, noPw, 422, 'password_required')

  const p = await fx.call('PATCH', `/users/${u.id}`, { extension: '1009', password: 'another-long-secret', tlsOnly: true }, { 'if-match': c.headers.etag as string })
  t.equal(p.status, 200, JSON.stringify(p.body))
  t.equal(p.body.version, 2)
  t.equal(p.body.tlsOnly, true)
  const row2 = await prisma.user.findUniqueOrThrow({ where: { id: u.id } })
  t.equal(row2.ha1, md5('1009:users.example:another-long-secret'), 'digests follow the new extension and password')

  for (const body of [c.body, got.body, p.body, byPrefix.body, byQ.body]) t.notOk(hasSecretKeys(body), 'no password/ha1 in a response')
  const audit = await prisma.auditEntry.findMany({ where: { entityId: u.id }, orderBy: { id: 'asc' } })
  t.notOk(JSON.stringify(audit, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)).includes('long-enough-secret'), 'the journal never holds the password')
  t.equal((audit[0].after as { ha1: string }).ha1, '[secret]')

  const del = await fx.call('DELETE', `/users/${u.id}`, undefined, { 'if-match': p.headers.etag as string })
  t.equal(del.status, 204)
  expectError(t, await fx.call('GET', `/users/${u.id}`), 404, 'user_not_found')
  t.same((await prisma.auditEntry.findMany({ where: { entityId: u.id }, orderBy: { id: 'asc' } })).map((a) => a.action), ['user.created', 'user.updated', 'user.deleted'])
})

t.test('bad input: stable codes, nothing written', async (t) => {
  const before = await prisma.user.count()
  const auditBefore = await prisma.auditEntry.count()
  const base = { domainId: dom.id, extension: '2001', password: 'long-enough-secret' }
  const cases: Array<[object, number, string]> = [
    [{ ...base, extension: '1' }, 422, 'invalid_extension'],
    [{ ...base, extension: '12a4' }, 422, 'invalid_extension'],
    [{ ...base, extension: '123456789' }, 422, 'invalid_extension'],
    [{ ...base, password: 'short' }, 422, 'weak_password'],
    [{ ...base, password: 'xx2001xxxxxxxx' }, 422, 'weak_password'],
    [{ ...base, callerId: '0123456789' }, 422, 'invalid_e164'],
    [{ ...base, callerId: '+1234' }, 422, 'invalid_e164'],
    [{ ...base, codecs: ['PCMU', 'speex'] }, 422, 'unknown_codec'],
    [{ ...base, email: 'not-an-email' }, 422, 'invalid_email'],
    [{ ...base, dialPlanId: randomUUID() }, 422, 'dial_plan_not_found'],
    [{ ...base, domainId: randomUUID() }, 422, 'domain_not_found'],
    [{ ...base, ha1: 'abc' }, 400, 'invalid_request'],
    [{ ...base, classOfService: 'GOLD' }, 400, 'invalid_request'],
    [{ domainId: dom.id, extension: '2001' }, 400, 'invalid_request'],
  ]
  for (const [payload, status, code] of cases) expectError(t, await fx.call('POST', '/users', payload), status, code, JSON.stringify(payload))
  t.equal(await prisma.user.count(), before, 'no user written')
  t.equal(await prisma.auditEntry.count(), auditBefore, 'no audit written')
})

t.test('extensions are one dialling space per domain: 409', async (t) => {
  const u = await fx.user(dom.id, '3001')
  expectError(t, await fx.call('POST', '/users', { domainId: dom.id, extension: '3001', password: 'long-enough-secret' }), 409, 'extension_taken')
  await prisma.group.create({ data: { domainId: dom.id, name: 'Sales', extension: '3002' } })
  await prisma.queue.create({ data: { domainId: dom.id, name: 'Support', extension: '3003' } })
  const clashGroup = await fx.call('POST', '/users', { domainId: dom.id, extension: '3002', password: 'long-enough-secret' })
  expectError(t, clashGroup, 409, 'extension_taken')
  t.match(clashGroup.body.error.message, /group "Sales"/)
  expectError(t, await fx.call('POST', '/users', { domainId: dom.id, extension: '3003', password: 'long-enough-secret' }), 409, 'extension_taken')
  expectError(t, await fx.call('PATCH', `/users/${u.id}`, { extension: '3002', password: 'long-enough-secret' }), 409, 'extension_taken')
  const other = await fx.domain()
  t.equal((await fx.call('POST', '/users', { domainId: other.id, extension: '3001', password: 'long-enough-secret' })).status, 201, 'the same extension in another domain is fine')
})

t.test('unknown ids are 404; a user still referenced is 409 user_in_use', async (t) => {
  const id = randomUUID()
  expectError(t, await fx.call('GET', `/users/${id}`), 404, 'user_not_found')
  expectError(t, await fx.call('PATCH', `/users/${id}`, { displayName: 'x' }), 404, 'user_not_found')
  expectError(t, await fx.call('DELETE', `/users/${id}`), 404, 'user_not_found')
  const u = await fx.user(dom.id, '4001')
  await prisma.group.create({ data: { domainId: dom.id, name: 'Hunt', members: { create: [{ userId: u.id }] } } })
  await prisma.phoneNumber.create({ data: { domainId: dom.id, e164: '+33140000001', targetType: 'USER', targetId: u.id } })
  const r = await fx.call('DELETE', `/users/${u.id}`)
  expectError(t, r, 409, 'user_in_use')
  t.match(r.body.error.message, /group "Hunt".*number \+33140000001/)
  t.ok(await prisma.user.findUnique({ where: { id: u.id } }), 'still there')
})

t.test('a domain-scoped key sees and writes only its own domain', async (t) => {
  const mine = await fx.domain()
  const theirs = await fx.domain()
  const theirUser = await fx.user(theirs.id, '5001')
  const myUser = await fx.user(mine.id, '5001')
  const auth = { authorization: `Bearer ${await h.keyFor('OPERATOR', mine.id)}` }
  const list = await h.app.inject({ url: '/api/v1/users', headers: auth })
  t.same(list.json().items.map((u: { id: string }) => u.id), [myUser.id])
  const asked = await h.app.inject({ url: `/api/v1/users?domainId=${theirs.id}`, headers: auth })
  t.equal(asked.json().total, 0, 'filtering on another domain finds nothing')
  t.equal((await h.app.inject({ url: `/api/v1/users/${theirUser.id}`, headers: auth })).statusCode, 404)
  t.equal((await h.app.inject({ method: 'PATCH', url: `/api/v1/users/${theirUser.id}`, headers: auth, payload: { displayName: 'pwned' } })).statusCode, 404)
  t.equal((await h.app.inject({ method: 'DELETE', url: `/api/v1/users/${theirUser.id}`, headers: auth })).statusCode, 404)
  const create = await h.app.inject({ method: 'POST', url: '/api/v1/users', headers: auth, payload: { domainId: theirs.id, extension: '5002', password: 'long-enough-secret' } })
  t.equal(create.statusCode, 422)
  t.equal(create.json().error.code, 'domain_not_found')
  t.equal((await prisma.user.findUniqueOrThrow({ where: { id: theirUser.id } })).displayName, null)
})

t.test('roles: auditors read, agents do not', async (t) => {
  expectError(t, await fx.call('POST', '/users', { domainId: dom.id, extension: '6001', password: 'long-enough-secret' }, {}, 'AUDITOR'), 403, 'permission_denied')
  expectError(t, await fx.call('GET', '/users', undefined, {}, 'AGENT'), 403, 'permission_denied')
  t.equal((await fx.call('POST', '/users', { domainId: dom.id, extension: '6001', password: 'long-enough-secret' }, {}, 'OPERATOR')).status, 201)
})
