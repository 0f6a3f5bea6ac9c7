// Walks the whole RBAC matrix: every declared /api route × every role, unscoped and domain-scoped.
// A role the permission table denies must get 403 permission_denied; a role it allows must get past
// the auth plugin (whatever the handler then says about the dummy input). Also proves that a route
// declaring no permission stops the boot.
import t from 'tap'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import { buildTestApp } from '../support/app.ts'
import authPlugin, { declaredRoutes } from '../../src/plugins/app/auth.ts'
import { principalAllows, ROLE_PERMISSIONS } from '../../src/modules/auth/permissions.ts'
import type { Role } from '../../src/generated/prisma/enums.ts'

const h = await buildTestApp()
t.teardown(h.close)
const ROLES: Role[] = ['ADMIN', 'OPERATOR', 'AUDITOR', 'AGENT']
const dom = (await h.app.inject({ method: 'POST', url: '/api/v1/domains', headers: h.auth(), payload: { name: 'matrix.example' } })).json()
const scopedKeys = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await h.keyFor(r, dom.id)]))) as Record<Role, string>

// a concrete URL for a route pattern: ids are random UUIDs, enum segments take a valid value
const SEGMENTS: Record<string, string> = { action: 'login' }
const concrete = (url: string) => url.replace(/:(\w+)/g, (_, name: string) => SEGMENTS[name] ?? '3f1c0a52-1111-4c4c-8d8d-0123456789ab')

t.test('the matrix is complete: every /api route declares a permission or is public', async (t) => {
  const api = declaredRoutes.filter((r) => r.url.startsWith('/api/v1/'))
  t.ok(api.length > 40, `${api.length} routes declared`)
  for (const r of api) t.ok(r.permission || r.public, `${r.method} ${r.url}`)
  t.same(api.filter((r) => r.public).map((r) => `${r.method} ${r.url}`).sort(), ['POST /api/v1/auth/login', 'POST /api/v1/auth/refresh'], 'only login and refresh are public')
})

t.test('every route × every role: allowed or 403', async (t) => {
  const api = declaredRoutes.filter((r) => r.url.startsWith('/api/v1/') && !r.public)
  let checked = 0
  for (const route of api) {
    const url = concrete(route.url)
    const anon = await h.app.inject({ method: route.method as 'GET', url })
    t.equal(anon.statusCode, 401, `anonymous ${route.method} ${route.url}`)
    for (const scoped of [false, true]) {
      for (const role of ROLES) {
        const key = scoped ? scopedKeys[role] : h.keys[role]
        const res = await h.app.inject({ method: route.method as 'GET', url, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, payload: ['GET', 'DELETE'].includes(route.method) ? undefined : '{}' })
        const allowed = principalAllows({ role, domainId: scoped ? dom.id : null }, route.permission!)
        const code = res.statusCode >= 400 ? res.json().error?.code : undefined
        const label = `${scoped ? 'scoped ' : ''}${role} ${route.method} ${route.url} (${route.permission}) → ${res.statusCode} ${code ?? ''}`
        if (allowed) t.ok(res.statusCode !== 401 && code !== 'permission_denied', label)
        else t.ok(res.statusCode === 403 && code === 'permission_denied', label)
        checked++
      }
    }
  }
  t.ok(checked >= api.length * 8)
})

t.test('the table itself: roles are nested as documented', async (t) => {
  t.ok(ROLE_PERMISSIONS.AUDITOR.has('audit:read') && !ROLE_PERMISSIONS.AUDITOR.has('audit:write'))
  t.notOk([...ROLE_PERMISSIONS.AUDITOR].some((p) => p.endsWith(':write')), 'the auditor only reads')
  t.notOk(ROLE_PERMISSIONS.AUDITOR.has('privacy:read'), 'personal-data exports stay with ADMIN')
  t.same([...ROLE_PERMISSIONS.AGENT].sort(), ['agents:self', 'auth:self'])
  t.notOk(ROLE_PERMISSIONS.OPERATOR.has('apikeys:write') || ROLE_PERMISSIONS.OPERATOR.has('accounts:write'))
  t.notOk(principalAllows({ role: 'ADMIN', domainId: dom.id }, 'security:write'), 'a tenant admin cannot touch the platform ban list')
  t.notOk(principalAllows({ role: 'ADMIN', domainId: null, scopes: ['users:read'] }, 'users:write'), 'a key scope narrows its role')
})

t.test('a route that declares no permission fails the boot', async (t) => {
  const app = Fastify()
  await app.register(fp(async () => {}, { name: 'config' }))
  await app.register(fp(async () => {}, { name: 'database' }))
  await app.register(authPlugin)
  const boot = async () => {
    await app.register(async (api) => {
      api.get('/widgets', async () => [])
    }, { prefix: '/api/v1' })
    await app.ready()
  }
  await t.rejects(boot(), /route GET \/api\/v1\/widgets declares no permission/)
})
