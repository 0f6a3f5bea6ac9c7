// GET /cdrs, /cdrs.csv and /cdrs/:id over rows written the real way (cdrService.apply, as
// Kamailio's dialog events do): filters, pagination, domain scope, CSV negotiation and escaping.
import t from 'tap'
import { buildTestApp } from '../support/app.ts'
import { api, expectError } from '../support/provisioning.ts'
import { cdrService } from '../../src/modules/cdr/cdr.service.ts'
import { csvCell } from '../../src/modules/cdr/cdr-csv.ts'

t.test('CDR API', async (t) => {
  const h = await buildTestApp()
  t.teardown(h.close)
  const fx = api(h)
  const d1 = await fx.domain()
  const d2 = await fx.domain()
  const cdrs = cdrService(h.database.prisma)
  const base = Date.parse('2025-03-01T10:00:00Z') / 1000
  // 5 calls in d1 (one unanswered, one outbound), 1 in d2
  for (let i = 0; i < 5; i++) {
    const callId = `c${i}@test`
    const decision = { domainId: d1.id, kind: i === 4 ? 'outbound' : 'internal', calleeE164: i === 4 ? '+33123456789' : undefined }
    const f = { from_user: '1001', to_user: i === 4 ? '0123456789' : '1002' }
    await cdrs.apply({ type: 'dialog.start', callId, ts: base + i * 60, fields: f }, decision)
    if (i !== 2) await cdrs.apply({ type: 'dialog.answered', callId, ts: base + i * 60 + 2, fields: f }, decision)
    await cdrs.apply({ type: 'dialog.end', callId, ts: base + i * 60 + 12, fields: { ...f, side: 'caller', ...(i === 2 ? { code: '487' } : {}) } }, decision)
  }
  await cdrs.apply({ type: 'dialog.start', callId: 'other@test', ts: base, fields: { from_user: '=cmd|calc', to_user: '2001' } }, { domainId: d2.id, kind: 'internal' })

  t.test('list: newest first, total, pagination', async (t) => {
    const r = await fx.call('GET', '/cdrs?limit=2&offset=1')
    t.equal(r.status, 200)
    t.equal(r.body.total, 6)
    t.equal(r.body.items.length, 2)
    const all = (await fx.call('GET', '/cdrs?limit=100')).body.items
    t.same(all.slice(1, 3).map((c: any) => c.id), r.body.items.map((c: any) => c.id), 'page 2 of size 2 is rows 1..2')
    t.equal(all[0].callId, 'c4@test', 'the latest call first')
  })

  t.test('filters', async (t) => {
    const q = async (qs: string) => (await fx.call('GET', `/cdrs?limit=100&${qs}`)).body
    t.equal((await q(`domainId=${d1.id}`)).total, 5, 'by domain')
    t.equal((await q('callId=c3@test')).items[0].callId, 'c3@test', 'by Call-ID')
    t.equal((await q('direction=outbound')).total, 1, 'by direction')
    t.equal((await q('callee=%2B33123456789')).total, 1, 'callee by its E.164 form')
    t.equal((await q('callee=0123456789')).total, 1, 'callee by its raw form')
    t.equal((await q('caller=1001')).total, 5, 'by caller')
    t.equal((await q('answered=false')).total, 2, 'unanswered: the 487 and the call still ringing')
    t.equal((await q('answered=true')).total, 4)
    t.equal((await q('from=2025-03-01T10:01:00Z&to=2025-03-01T10:03:00Z')).total, 2, 'startedAt in [from, to)')
    const c2 = (await q('callId=c2@test')).items[0]
    t.equal(c2.hangupCause, 487)
    t.equal(c2.answeredAt, null)
    const c1 = (await q('callId=c1@test')).items[0]
    t.equal(c1.durationSec, 10)
    t.equal(c1.billableSec, 10)
  })

  t.test('bad input: 400 with a stable code', async (t) => {
    expectError(t, await fx.call('GET', '/cdrs?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z'), 400, 'invalid_time_range')
    t.equal((await fx.call('GET', '/cdrs?direction=sideways')).status, 400)
    t.equal((await fx.call('GET', '/cdrs?from=yesterday')).status, 400)
    t.equal((await fx.call('GET', '/cdrs?limit=100000')).status, 400)
  })

  t.test('domain scope: a scoped key sees its domain only', async (t) => {
    const key = await h.keyFor('AUDITOR', d2.id)
    const get = (url: string) => h.app.inject({ url: `/api/v1${url}`, headers: { authorization: `Bearer ${key}` } })
    const r = (await get('/cdrs')).json()
    t.equal(r.total, 1)
    t.equal(r.items[0].callId, 'other@test')
    t.equal((await get(`/cdrs?domainId=${d1.id}`)).json().total, 0, "another domain's id matches nothing")
    const foreign = (await fx.call('GET', '/cdrs?callId=c1@test')).body.items[0]
    t.equal((await get(`/cdrs/${foreign.id}`)).statusCode, 404, "another domain's CDR is not found")
    t.equal((await get('/cdrs.csv')).body.trim().split('\r\n').length, 2, 'CSV: header + its one row')
  })

  t.test('AGENT has no cdrs:read', async (t) => {
    expectError(t, await fx.call('GET', '/cdrs', undefined, {}, 'AGENT'), 403, 'permission_denied')
  })

  t.test('get by id', async (t) => {
    const one = (await fx.call('GET', '/cdrs?callId=c0@test')).body.items[0]
    const r = await fx.call('GET', `/cdrs/${one.id}`)
    t.equal(r.status, 200)
    t.equal(r.body.callId, 'c0@test')
    expectError(t, await fx.call('GET', '/cdrs/00000000-0000-4000-8000-000000000000'), 404, 'cdr_not_found')
  })

  t.test('CSV: /cdrs.csv and Accept: text/csv, same filters, escaped', async (t) => {
    const a = await h.app.inject({ url: `/api/v1/cdrs.csv?domainId=${d1.id}`, headers: h.auth() })
    t.equal(a.statusCode, 200)
    t.match(a.headers['content-type'], /^text\/csv/)
    const lines = a.body.trim().split('\r\n')
    t.equal(lines.length, 6, 'header + 5 rows')
    t.match(lines[0], /^id,callId,domainId,direction,caller/)
    t.ok(lines.some((l) => l.includes(',+33123456789,')), 'an E.164 number is not mangled')
    const b = await h.app.inject({ url: '/api/v1/cdrs?answered=false', headers: { ...h.auth(), accept: 'text/csv' } })
    t.match(b.headers['content-type'], /^text\/csv/)
    t.equal(b.body.trim().split('\r\n').length, 3)
    const all = await h.app.inject({ url: '/api/v1/cdrs.csv', headers: h.auth() })
    t.ok(all.body.includes(`'=cmd|calc`), 'a formula-looking cell is defused')
    const bad = await h.app.inject({ url: '/api/v1/cdrs.csv?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z', headers: h.auth() })
    t.equal(bad.statusCode, 400, 'a bad range is refused before any CSV is sent')
  })

  t.test('csvCell', async (t) => {
    t.equal(csvCell('a,b'), '"a,b"')
    t.equal(csvCell('say "hi"'), '"say ""hi"""')
    t.equal(csvCell(null), '')
    t.equal(csvCell(['PCMU', 'opus']), 'PCMU opus')
    t.equal(csvCell('-1+1'), "'-1+1")
    t.equal(csvCell('+331'), '+331')
  })
})
