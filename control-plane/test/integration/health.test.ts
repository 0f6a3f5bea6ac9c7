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

t.test('Redis away at boot: the instance starts degraded, reports it, and is whole once Redis is back', async (t) => {
  const net = await import('node:net')
  const redis = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379')
  // a port where Redis will appear later: free now (connections refused), then a proxy to the real Redis
  const probe = net.createServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()))
  const port = (probe.address() as import('node:net').AddressInfo).port
  await new Promise<void>((r) => probe.close(() => r()))

  const h = await buildTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_KEY_PREFIX: `sb-health-${process.pid}:` } })
  t.teardown(h.close)
  t.equal(h.app.state.kind, 'redis', 'booted with Redis configured but unreachable')
  let ready = await h.app.inject({ url: '/health/ready' })
  t.equal(ready.statusCode, 503, 'not ready: redis is required when configured')
  t.equal(ready.json().checks.redis.status, 'down')
  const created = await h.app.inject({ method: 'POST', url: '/api/v1/domains', headers: h.auth(), payload: { name: 'redis-away.example' } })
  t.equal(created.statusCode, 201, 'provisioning works meanwhile (PostgreSQL is the record)')

  const sockets = new Set<import('node:net').Socket>()
  const proxy = net.createServer((c) => {
    const up = net.connect(Number(redis.port || 6379), redis.hostname)
    for (const s of [c, up]) { sockets.add(s); s.on('error', () => {}); s.on('close', () => sockets.delete(s)) }
    c.pipe(up).pipe(c)
  })
  await new Promise<void>((r) => proxy.listen(port, '127.0.0.1', () => r()))
  t.teardown(() => { for (const s of sockets) s.destroy(); return new Promise<void>((r) => proxy.close(() => r())) })
  for (let i = 0; i < 100; i++) {
    ready = await h.app.inject({ url: '/health/ready' })
    if (ready.statusCode === 200) break
    await new Promise((r) => setTimeout(r, 100))
  }
  t.equal(ready.statusCode, 200, 'ready once Redis is reachable, without a restart')
  t.equal(ready.json().checks.redis.status, 'up')
})

t.test('GC metrics count every collection (prom-client alone kept only the first of each batch)', async (t) => {
  const { PerformanceObserver } = await import('node:perf_hooks')
  const h = await buildTestApp()
  t.teardown(h.close)
  const count = async (kind: string) => {
    const body = (await h.app.inject({ url: '/metrics' })).body
    return Number(new RegExp(`^nodejs_gc_duration_seconds_count\\{[^}]*kind="${kind}"[^}]*\\} (\\d+)`, 'm').exec(body)?.[1] ?? 0)
  }
  let seen = 0
  let batches = 0
  const obs = new PerformanceObserver((list) => {
    batches++
    seen += list.getEntries().filter((e) => (e as unknown as { detail?: { kind?: number } }).detail?.kind === 1).length // minor
  })
  obs.observe({ entryTypes: ['gc'] })
  await new Promise((r) => setTimeout(r, 50))
  const before = await count('minor')
  seen = 0
  batches = 0
  // one synchronous burst of short-lived garbage: many scavenges before any observer runs
  let keep = 0
  for (let i = 0; i < 3_000_000; i++) keep += ({ a: i, b: [i, i + 1], c: `x${i}` }).b.length
  await new Promise((r) => setTimeout(r, 100))
  obs.disconnect()
  const after = await count('minor')
  t.ok(keep > 0 && seen >= 2, `the burst caused ${seen} minor collections (in ${batches} observer batch(es))`)
  t.ok(after - before >= seen, `the metric counted ${after - before} of them (>= ${seen})`)
})
