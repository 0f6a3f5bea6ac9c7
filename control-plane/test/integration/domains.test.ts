import t from 'tap'
import { buildTestApp } from '../support/app.ts'

const h = await buildTestApp()
t.teardown(h.close)
const { app } = h

t.test('create, read, list, update with If-Match, delete', async (t) => {
  const created = await app.inject({ method: 'POST', url: '/api/v1/domains', headers: h.auth(), payload: { name: 'Acme.Example', timezone: 'Europe/Paris' } })
  t.equal(created.statusCode, 201, created.body)
  const d = created.json()
  t.equal(d.name, 'acme.example', 'the name is stored lower-case')
  t.equal(created.headers.location, `/api/v1/domains/${d.id}`)
  t.equal(created.headers.etag, `"${d.id}.v1"`)

  const got = await app.inject({ url: `/api/v1/domains/${d.id}`, headers: h.auth('AUDITOR') })
  t.equal(got.statusCode, 200)
  t.equal(got.json().timezone, 'Europe/Paris')

  const list = await app.inject({ url: '/api/v1/domains?name=acme&limit=1', headers: h.auth() })
  t.same(list.json().items.map((x: { id: string }) => x.id), [d.id])
  t.equal(list.json().limit, 1)

  const stale = await app.inject({ method: 'PATCH', url: `/api/v1/domains/${d.id}`, headers: { ...h.auth(), 'if-match': `"${d.id}.v7"` }, payload: { description: 'x' } })
  t.equal(stale.statusCode, 412)
  t.equal(stale.json().error.code, 'version_mismatch')

  const patched = await app.inject({ method: 'PATCH', url: `/api/v1/domains/${d.id}`, headers: { ...h.auth(), 'if-match': created.headers.etag as string }, payload: { regMaxExpires: 7200 } })
  t.equal(patched.statusCode, 200, patched.body)
  t.equal(patched.json().version, 2)
  t.equal(patched.headers.etag, `"${d.id}.v2"`)

  const del = await app.inject({ method: 'DELETE', url: `/api/v1/domains/${d.id}`, headers: { ...h.auth(), 'if-match': patched.headers.etag as string } })
  t.equal(del.statusCode, 204)
  const gone = await app.inject({ url: `/api/v1/domains/${d.id}`, headers: h.auth() })
  t.equal(gone.statusCode, 404)
  t.equal(gone.json().error.code, 'domain_not_found')

  const audit = await h.database.prisma.auditEntry.findMany({ where: { entityId: d.id }, orderBy: { id: 'asc' } })
  t.same(audit.map((a) => a.action), ['domain.created', 'domain.updated', 'domain.deleted'])
})

t.test('bad input is a 4xx with a stable code and writes nothing', async (t) => {
  const before = await h.database.prisma.domain.count()
  const cases: Array<[unknown, number, string]> = [
    [{ name: 'bad domain!' }, 422, 'invalid_domain_name'],
    [{ name: 'ok.example', timezone: 'Mars/Olympus' }, 422, 'invalid_timezone'],
    [{ name: 'ok.example', regMinExpires: 600, regMaxExpires: 60 }, 422, 'invalid_expiry_range'],
    [{ name: 'ok.example', colour: 'blue' }, 400, 'invalid_request'],
    [{}, 400, 'invalid_request'],
  ]
  for (const [payload, status, code] of cases) {
    const r = await app.inject({ method: 'POST', url: '/api/v1/domains', headers: h.auth(), payload: payload as object })
    t.equal(r.statusCode, status, JSON.stringify(payload))
    t.equal(r.json().error.code, code)
    t.ok(r.json().error.requestId)
  }
  const notJson = await app.inject({ method: 'POST', url: '/api/v1/domains', headers: { ...h.auth(), 'content-type': 'application/json' }, payload: '{"name":' })
  t.equal(notJson.statusCode, 400)
  t.equal(notJson.json().error.code, 'invalid_json')
  t.equal(await h.database.prisma.domain.count(), before)
})

t.test('duplicates are 409', async (t) => {
  const a = await app.inject({ method: 'POST', url: '/api/v1/domains', headers: h.auth(), payload: { name: 'dup.example' } })
  t.equal(a.statusCode, 201)
  const b = await app.inject({ method: 'POST', url: '/api/v1/domains', headers: h.auth(), payload: { name: 'DUP.example' } })
  t.equal(b.statusCode, 409)
  t.equal(b.json().error.code, 'domain_exists')
})

t.test('Idempotency-Key replays the first answer and refuses reuse for another body', async (t) => {
  const headers = { ...h.auth(), 'idempotency-key': 'create-idem-0001' }
  const first = await app.inject({ method: 'POST', url: '/api/v1/domains', headers, payload: { name: 'idem.example' } })
  const again = await app.inject({ method: 'POST', url: '/api/v1/domains', headers, payload: { name: 'idem.example' } })
  t.equal(first.statusCode, 201)
  t.equal(again.statusCode, 201)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.equal(again.json().id, first.json().id)
  t.equal(await h.database.prisma.domain.count({ where: { name: 'idem.example' } }), 1)
  const other = await app.inject({ method: 'POST', url: '/api/v1/domains', headers, payload: { name: 'other.example' } })
  t.equal(other.statusCode, 422)
  t.equal(other.json().error.code, 'idempotency_key_reused')
})

t.test('authentication and roles', async (t) => {
  const none = await app.inject({ url: '/api/v1/domains' })
  t.equal(none.statusCode, 401)
  t.equal(none.json().error.code, 'missing_credentials')
  const bogus = await app.inject({ url: '/api/v1/domains', headers: { authorization: 'Bearer sbk_abcdefgh_' + 'x'.repeat(32) } })
  t.equal(bogus.statusCode, 401)
  t.equal(bogus.json().error.code, 'invalid_credentials')
  const auditorWrite = await app.inject({ method: 'POST', url: '/api/v1/domains', headers: h.auth('AUDITOR'), payload: { name: 'ro.example' } })
  t.equal(auditorWrite.statusCode, 403)
  t.equal(auditorWrite.json().error.code, 'permission_denied')
  const agentRead = await app.inject({ url: '/api/v1/domains', headers: h.auth('AGENT') })
  t.equal(agentRead.statusCode, 403)
})

t.test('a domain-scoped key sees only its domain', async (t) => {
  const mine = (await app.inject({ method: 'POST', url: '/api/v1/domains', headers: h.auth(), payload: { name: 'mine.example' } })).json()
  const theirs = (await app.inject({ method: 'POST', url: '/api/v1/domains', headers: h.auth(), payload: { name: 'theirs.example' } })).json()
  const key = await h.keyFor('OPERATOR', mine.id)
  const list = await app.inject({ url: '/api/v1/domains', headers: { authorization: `Bearer ${key}` } })
  t.same(list.json().items.map((d: { id: string }) => d.id), [mine.id])
  const other = await app.inject({ url: `/api/v1/domains/${theirs.id}`, headers: { authorization: `Bearer ${key}` } })
  t.equal(other.statusCode, 404)
})
