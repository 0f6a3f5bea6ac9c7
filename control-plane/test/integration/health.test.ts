import t from 'tap'
import { buildTestApp } from '../support/app.ts'

t.test('ready reports every dependency and fails only on the required ones', async (t) => {
  const h = await buildTestApp({ env: { READY_REQUIRES: 'db' } })
  t.teardown(h.close)
  const live = await h.app.inject({ url: '/health/live' })
  t.same(live.json(), { status: 'up' })
  const ready = await h.app.inject({ url: '/health/ready' })
  t.equal(ready.statusCode, 200)
  t.equal(ready.json().checks.db.status, 'up')
  t.equal(ready.json().checks.kamailio.status, 'down', 'nothing listens on the test RPC port')
  t.equal(ready.json().checks.redis.status, 'disabled')
})

t.test('a required dependency that is down makes the instance not ready', async (t) => {
  const h = await buildTestApp({ env: { READY_REQUIRES: 'db,rtpengine' } })
  t.teardown(h.close)
  const ready = await h.app.inject({ url: '/health/ready' })
  t.equal(ready.statusCode, 503)
  t.equal(ready.json().status, 'not_ready')
  t.equal(ready.json().checks.rtpengine.required, true)
  t.match(ready.json().checks.rtpengine.error, /did not answer/)
})

t.test('metrics and OpenAPI are served', async (t) => {
  const h = await buildTestApp()
  t.teardown(h.close)
  await h.app.inject({ url: '/api/v1/domains', headers: h.auth() })
  const m = await h.app.inject({ url: '/metrics' })
  t.equal(m.statusCode, 200)
  t.match(m.body, /sb_http_request_duration_seconds_bucket\{.*route="\/api\/v1\/domains"/)
  t.match(m.body, /process_resident_memory_bytes/)
  const doc = await h.app.inject({ url: '/docs/json' })
  t.equal(doc.json().openapi, '3.1.0')
  t.ok(doc.json().paths['/api/v1/domains/{id}'], 'the resource routes are documented')
  const unknown = await h.app.inject({ url: '/nope' })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().error.code, 'route_not_found')
})
