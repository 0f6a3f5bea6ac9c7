import t from 'tap'
import { buildTestApp } from '../support/app.ts'

const h = await buildTestApp()
t.teardown(h.close)
const prisma = h.database.prisma
const call = (method: string, url: string, payload?: unknown, headers = h.auth()) => h.app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers, payload: payload as object })
const bearer = (k: string) => ({ authorization: `Bearer ${k}` })

t.test('create shows the key once; list shows prefixes; scope, expiry and revocation hold', async (t) => {
  const c = await call('POST', '/api-keys', { name: 'ci-reader', role: 'OPERATOR', scopes: ['users:read'], expiresInDays: 7 })
  t.equal(c.statusCode, 201, c.body)
  const { key, id, prefix } = c.json()
  t.match(key, /^sbk_[A-Za-z0-9]{8}_/)
  t.ok(key.startsWith(prefix))
  const days = (new Date(c.json().expiresAt).getTime() - Date.now()) / 86_400_000
  t.ok(days > 6.9 && days <= 7)
  const list = await call('GET', '/api-keys')
  t.notOk(list.body.includes(key.split('_')[2]), 'the secret never appears in a listing')
  t.notOk(list.body.includes('keyHash'))
  t.ok(list.json().items.some((k: { id: string }) => k.id === id))

  t.equal((await call('GET', '/users', undefined, bearer(key))).statusCode, 200, 'in scope')
  t.equal((await call('GET', '/trunks', undefined, bearer(key))).json().error.code, 'permission_denied', 'the role allows it, the scope does not')

  t.equal((await call('DELETE', `/api-keys/${id}`)).statusCode, 200)
  t.equal((await call('GET', '/users', undefined, bearer(key))).statusCode, 401, 'revoked at once')
  t.equal((await call('DELETE', `/api-keys/${id}`)).json().error.code, 'api_key_revoked')
  t.equal((await call('GET', '/api-keys')).json().items.some((k: { id: string }) => k.id === id), false, 'revoked keys hidden by default')
  t.equal((await call('GET', '/api-keys?includeRevoked=true')).json().items.some((k: { id: string }) => k.id === id), true)
  t.same((await prisma.auditEntry.findMany({ where: { entityId: id }, orderBy: { id: 'asc' } })).map((a) => a.action), ['apikey.created', 'apikey.used', 'apikey.revoked'])
})

t.test('bad input is refused and writes nothing', async (t) => {
  const before = await prisma.apiKey.count()
  t.equal((await call('POST', '/api-keys', { name: 'x', role: 'AGENT', scopes: ['users:write'] })).json().error.code, 'invalid_scope')
  t.equal((await call('POST', '/api-keys', { name: 'x', role: 'ADMIN', expiresInDays: 10_000 })).statusCode, 400)
  t.equal((await call('POST', '/api-keys', { name: 'x', role: 'ROOT' })).statusCode, 400)
  t.equal((await call('POST', '/api-keys', { name: 'x', role: 'ADMIN', domainId: '3f1c0a52-1111-4c4c-8d8d-0123456789ab' })).json().error.code, 'domain_not_found')
  t.equal(await prisma.apiKey.count(), before)
})

t.test('an expired key is refused', async (t) => {
  const c = (await call('POST', '/api-keys', { name: 'short', role: 'AUDITOR', expiresInDays: 1 })).json()
  await prisma.apiKey.update({ where: { id: c.id }, data: { expiresAt: new Date(Date.now() - 1000) } })
  t.equal((await call('GET', '/users', undefined, bearer(c.key))).statusCode, 401)
})

t.test('a domain-scoped admin makes keys of its own domain only', async (t) => {
  const d1 = (await call('POST', '/domains', { name: 'k1.example' })).json()
  const d2 = (await call('POST', '/domains', { name: 'k2.example' })).json()
  const scoped = bearer(await h.keyFor('ADMIN', d1.id))
  const c = await call('POST', '/api-keys', { name: 'tenant', role: 'OPERATOR' }, scoped)
  t.equal(c.json().domainId, d1.id)
  t.equal((await call('POST', '/api-keys', { name: 'other', role: 'OPERATOR', domainId: d2.id }, scoped)).statusCode, 404)
})
