import t from 'tap'
import { buildTestApp } from '../support/app.ts'
import { archiveExpiredEntries } from '../../src/modules/audit/retention.ts'

const h = await buildTestApp()
t.teardown(h.close)
const prisma = h.database.prisma
const get = (url: string, role: 'ADMIN' | 'AUDITOR' | 'OPERATOR' = 'AUDITOR') => h.app.inject({ method: 'GET', url, headers: h.auth(role) })

for (const name of ['a.example', 'b.example', 'c.example', 'd.example']) {
  await h.app.inject({ method: 'POST', url: '/api/v1/domains', headers: h.auth(), payload: { name } })
}

t.test('list: filters and keyset pagination, newest first', async (t) => {
  const all = (await get('/api/v1/audit?entityType=domain')).json()
  t.same(all.items.map((e: { after: { name: string } }) => e.after.name), ['d.example', 'c.example', 'b.example', 'a.example'])
  const p1 = (await get('/api/v1/audit?entityType=domain&limit=3')).json()
  t.equal(p1.items.length, 3)
  const p2 = (await get(`/api/v1/audit?entityType=domain&limit=3&before=${p1.nextBefore}`)).json()
  t.same(p2.items.map((e: { after: { name: string } }) => e.after.name), ['a.example'])
  t.equal(p2.nextBefore, null)
  const used = (await get('/api/v1/audit?action=apikey.used')).json()
  t.ok(used.items.length >= 1, 'API key use is journaled')
  t.equal((await get('/api/v1/audit?action=apikey')).json().items.length >= used.items.length, true, 'a prefix filter')
  t.equal((await get('/api/v1/audit', 'OPERATOR')).statusCode, 403)
  t.equal((await get('/api/v1/audit?before=abc')).statusCode, 400)
})

t.test('apikey.used at most once per key per minute', async (t) => {
  const key = await h.keyFor('AUDITOR')
  for (let i = 0; i < 5; i++) await h.app.inject({ method: 'GET', url: '/api/v1/domains', headers: { authorization: `Bearer ${key}` } })
  const row = await prisma.apiKey.findFirstOrThrow({ where: { prefix: key.split('_')[1] } })
  t.equal(await prisma.auditEntry.count({ where: { action: 'apikey.used', entityId: row.id } }), 1)
})

t.test('verify: ok, then a modified row is reported', async (t) => {
  const ok = (await get('/api/v1/audit/verify')).json()
  t.match(ok, { ok: true, archived: { checked: 0, boundaryId: null } })
  const rows = await prisma.auditEntry.findMany({ orderBy: { id: 'asc' }, take: 3 })
  await prisma.$executeRawUnsafe(`UPDATE audit_entries SET after = '{"name":"evil.example"}' WHERE id = ${rows[2].id}`)
  const bad = (await get('/api/v1/audit/verify')).json()
  t.match(bad, { ok: false, firstBrokenId: rows[2].id.toString(), reason: /modified/, where: 'live' })
})

t.test('retention moves old entries to the archive; the chain across both still verifies', async (t) => {
  const h2 = await buildTestApp()
  t.teardown(h2.close)
  const p = h2.database.prisma
  for (const name of ['old1.example', 'old2.example', 'new.example']) await h2.app.inject({ method: 'POST', url: '/api/v1/domains', headers: h2.auth(), payload: { name } })
  // `at` is part of the hash, so instead of ageing rows the job runs as of a day 396 days ahead
  const newest = await p.auditEntry.findFirstOrThrow({ where: { entityType: 'domain' }, orderBy: { id: 'desc' } })
  const now = new Date(newest.at.getTime() + 396 * 86_400_000) // cutoff = newest.at exactly: strictly older entries move
  const before = await p.auditEntry.count()
  const r = await archiveExpiredEntries(p, 396, now)
  t.ok(r.archived >= 2 && r.archived < before, `${r.archived} archived`)
  t.equal(await p.auditArchive.count(), r.archived, 'archived, not deleted')
  const v = (await h2.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: h2.auth('AUDITOR') })).json()
  t.match(v, { ok: true, archived: { checked: r.archived, boundaryId: r.boundaryId, boundaryHash: r.boundaryHash } })
  t.equal((await archiveExpiredEntries(p, 396, now)).archived, 0, 'idempotent')
  t.ok(await p.auditEntry.count({ where: { action: 'audit.archived' } }), 'the move is journaled')

  const first = await p.auditArchive.findFirstOrThrow({ orderBy: { id: 'asc' } })
  await p.$executeRawUnsafe(`UPDATE audit_archive SET "actorId" = 'mallory' WHERE id = ${first.id}`)
  t.match((await h2.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: h2.auth() })).json(), { ok: false, where: 'archive', firstBrokenId: first.id.toString() })
})
