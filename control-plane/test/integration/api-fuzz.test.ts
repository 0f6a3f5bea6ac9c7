// Property test over every declared /api route: malformed path params, query strings, headers and
// bodies (fast-check). Whatever comes in, the answer is never a 5xx, and a refused request (4xx)
// leaves every table as it was: no partial write. Kamailio's RPC is a stub that answers every
// method with an empty result, so routes that call it run their own code, not a 503.
import t from 'tap'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import fc from 'fast-check'
import { buildTestApp } from '../support/app.ts'
import { declaredRoutes } from '../../src/plugins/app/auth.ts'

const stub = http.createServer((req, res) => {
  let body = ''
  req.on('data', (c) => (body += c))
  req.on('end', () => {
    let id: unknown = 1
    try { id = JSON.parse(body).id } catch { /* not JSON: answer anyway */ }
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ jsonrpc: '2.0', id, result: [] }))
  })
})
await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r))
t.teardown(() => stub.close())

const h = await buildTestApp({ env: { KAMAILIO_RPC_URL: `http://127.0.0.1:${(stub.address() as AddressInfo).port}/RPC`, AUTH_LOGIN_PER_IP_PER_MINUTE: '10000' } })
t.teardown(h.close)
const prisma = h.database.prisma
const dom = (await h.app.inject({ method: 'POST', url: '/api/v1/domains', headers: h.auth(), payload: { name: 'fuzz.example' } })).json()
await h.app.inject({ method: 'POST', url: '/api/v1/users', headers: h.auth(), payload: { domainId: dom.id, extension: '1001', password: 'fuzz-user-secret-1' } })

const TABLES = ['domains', 'users', 'groups', 'group_members', 'numbers', 'dial_plans', 'dial_plan_rules', 'dial_plan_rule_trunks', 'trunks', 'emergency_numbers', 'schedules', 'schedule_hours', 'schedule_holidays', 'queues', 'queue_members', 'admin_accounts', 'api_keys', 'admin_sessions', 'refresh_tokens', 'audit_entries', 'audit_archive', 'sip_allowlist', 'cdrs', 'idempotency_records']
// a refused login is still journaled (auth.login_failed): a complete write, not a partial one
const JOURNAL = new Set(['audit_entries'])
async function counts(): Promise<Record<string, number>> {
  const rows = await prisma.$queryRawUnsafe<Array<Record<string, bigint>>>(`SELECT ${TABLES.map((x) => `(SELECT count(*) FROM ${x}) AS ${x}`).join(', ')}`)
  return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]))
}

const segment = fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.constantFrom('login', 'pause', '..', '%00', '127.0.0.1', '-1', '9'.repeat(30), '%E0%A4%A'), fc.string({ unit: 'binary', maxLength: 10 }))
const json = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.dictionary(fc.constantFrom('name', 'domainId', 'extension', 'password', 'email', 'role', 'ip', 'inboundIps', 'targetType', 'e164', 'rules', 'hours', 'scopes', 'expiresInDays', 'seconds', 'code', 'refreshToken', 'totp', 'timezone', 'strategy', '__proto__', 'constructor'), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.uuid(), fc.constant(dom.id)), { maxKeys: 6 }).map((o) => JSON.stringify(o)),
  fc.string({ maxLength: 60 }),
  fc.constantFrom('', '{', '{"a":', 'null', '[]', '\u0000', '{"domainId":"' + dom.id + '"}'),
)
const query = fc.dictionary(fc.constantFrom('limit', 'offset', 'domainId', 'q', 'before', 'from', 'to', 'action', 'enabled', 'extension', 'includeRevoked'), fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String), fc.constantFrom('-1', '1e9', 'true', '')), { maxKeys: 3 })
const headers = fc.record({
  'content-type': fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', 'multipart/form-data', 'text/csv'),
  'if-match': fc.option(fc.oneof(fc.string({ maxLength: 50 }), fc.constant('"x.v1"'), fc.constant('*')), { nil: undefined }),
  'idempotency-key': fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
  'x-request-id': fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
}, { requiredKeys: ['content-type'] })

t.test('every route × malformed input: no 5xx, no partial write', async (t) => {
  const routes = declaredRoutes.filter((r) => r.url.startsWith('/api/v1/'))
  let requests = 0
  for (const route of routes) {
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 4, maxLength: 4 }), query, headers, json, async (segs, q, hdrs, body) => {
        let i = 0
        const path = route.url.replace(/:(\w+)/g, () => encodeURIComponent(segs[i++ % segs.length]))
        const qs = new URLSearchParams(q).toString()
        const before = await counts()
        const res = await h.app.inject({
          method: route.method as 'GET',
          url: `${path}${qs ? `?${qs}` : ''}`,
          headers: { ...Object.fromEntries(Object.entries(hdrs).filter(([, v]) => v !== undefined)), ...h.auth() } as Record<string, string>,
          payload: ['GET', 'DELETE'].includes(route.method) ? undefined : body,
        })
        requests++
        if (res.statusCode >= 500) throw new Error(`${route.method} ${route.url} → ${res.statusCode} ${res.body}`)
        if (res.statusCode >= 400) {
          const after = await counts()
          for (const table of TABLES) {
            if (JOURNAL.has(table)) continue
            if (after[table] !== before[table]) throw new Error(`${route.method} ${route.url} → ${res.statusCode} but ${table} went ${before[table]} → ${after[table]}`)
          }
        }
      }),
      { numRuns: 25 },
    )
  }
  t.ok(requests >= routes.length * 25, `${requests} requests over ${routes.length} routes`)
})
