// The lookup worker (production's arrangement): Kamailio's JSON-RPC lookups are answered by a worker
// thread from the only compiled snapshot, provisioning changes reach it, events cross to the main
// thread and become CDRs, its metrics and logs show up in the main thread's, and a worker that dies
// is replaced and serves again.
import t from 'tap'
import http from 'node:http'
import net from 'node:net'
import { Writable } from 'node:stream'
import { buildTestApp } from '../support/app.ts'
import { api } from '../support/provisioning.ts'
import { encodeNetstring, NetstringDecoder } from '../../src/modules/kamailio/jsonrpc-server.ts'
import type { LookupWorkerHost } from '../../src/modules/kamailio/lookup-worker-host.ts'

async function freePort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const { port } = s.address() as net.AddressInfo
  await new Promise((r) => s.close(r))
  return port
}

/** Kamailio's side: one connection, requests by id, notifications without. */
async function rpcClient(port: number) {
  const sock = net.connect({ port, host: '127.0.0.1' })
  await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject))
  const closed = new Promise<void>((r) => sock.once('close', () => r()))
  const decoder = new NetstringDecoder(1 << 20)
  const waiting = new Map<number, (m: any) => void>()
  sock.on('data', (chunk) => {
    for (const payload of decoder.push(chunk)) {
      const m = JSON.parse(payload)
      waiting.get(m.id)?.(m)
      waiting.delete(m.id)
    }
  })
  let id = 0
  return {
    call: (method: string, params: object) =>
      new Promise<any>((resolve) => {
        const n = ++id
        waiting.set(n, resolve)
        sock.write(encodeNetstring(JSON.stringify({ jsonrpc: '2.0', method, params, id: n })))
      }),
    notify: (method: string, params: object) => sock.write(encodeNetstring(JSON.stringify({ jsonrpc: '2.0', method, params }))),
    close: () => sock.destroy(),
    closed,
  }
}

const eventually = async <T>(fn: () => Promise<T | undefined | false>, ms = 5000): Promise<T | undefined> => {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn().catch(() => undefined)
    if (v) return v
    if (Date.now() > end) return undefined
    await new Promise((r) => setTimeout(r, 50))
  }
}

t.test('lookup worker', async (t) => {
  const lines: string[] = []
  const sink = new Writable({ write(chunk, _enc, cb) { lines.push(chunk.toString()); cb() } })
  const port = await freePort()
  const h = await buildTestApp({ logDestination: sink as never, env: { LOG_LEVEL: 'info', CP_LOOKUP_WORKER: 'true', CP_JSONRPC_ENABLED: 'true', CP_JSONRPC_PORT: String(port) } })
  t.teardown(h.close)
  const fx = api(h)
  const D = 'worker.example'
  const domain = await fx.domain(D)
  await fx.user(domain.id, '1001')
  await fx.user(domain.id, '1002')
  await h.app.routingSnapshot.rebuild()
  const kam = await rpcClient(port)
  t.teardown(kam.close)
  const invite = (callid: string, to: string) => ({ method: 'INVITE', callid, from_user: '1001', from_domain: D, to_user: to, ruri_user: to, ruri_domain: D, src_ip: '127.0.0.1', auth_user: '1001', auth_domain: D })

  t.test('the main thread does not hold the compiled snapshot, only its domains', async (t) => {
    t.throws(() => h.app.routingSnapshot.current, /lives in the lookup worker/)
    t.equal(h.app.routingSnapshot.domainByName('WORKER.example')?.id, domain.id, 'domains by name, case-insensitive')
    t.equal(h.app.routingSnapshot.domainById(domain.id)?.name, D)
  })

  t.test('auth and route over JSON-RPC, answered by the worker', async (t) => {
    const auth = await kam.call('auth', { user: '1001', domain: D, src_ip: '127.0.0.1', callid: 'a1' })
    t.match(auth.result, { ha1: /^[0-9a-f]{32}$/, expires: { min: Number, max: Number, default: Number } })
    t.same((await kam.call('auth', { user: '9999', domain: D })).error, { code: 404, message: 'unknown user' })
    const route = await kam.call('route', invite('w-1@test', '1002'))
    t.match(route.result.routes[0].uri, /^sip:1002@/, 'an internal call to 1002')
    const unknown = await kam.call('route', invite('w-2@test', '7777'))
    t.equal(unknown.error.code, 404, 'an unknown destination is a 404 answer')
    t.equal((await kam.call('route', { method: 'INVITE' })).error.code, 400, 'a malformed request is a 400 answer')
    const http = await h.app.inject({ method: 'POST', url: '/internal/kamailio/v1/route', payload: invite('w-3@test', '1002') })
    t.match(http.json().result.routes[0].uri, /^sip:1002@/, 'the HTTP twin asks the worker too')
  })

  t.test('explain runs in the worker, on the same snapshot', async (t) => {
    const r = await h.app.inject({ method: 'POST', url: '/api/v1/routing/explain', headers: h.auth(), payload: { from: '1001', to: '1002', domain: D } })
    t.equal(r.statusCode, 200, r.body)
    t.equal(r.json().snapshotVersion, h.app.routingSnapshot.snapshotVersion)
    t.equal(r.json().decision.kind, 'internal')
    t.ok(r.json().trace.length > 0, 'with its trace')
  })

  t.test('a provisioning change reaches the worker', async (t) => {
    t.equal((await kam.call('auth', { user: '1003', domain: D })).error?.code, 404)
    await fx.user(domain.id, '1003')
    const seen = await eventually(async () => (await kam.call('auth', { user: '1003', domain: D })).result)
    t.ok(seen, 'the new user authenticates through the worker')
  })

  t.test('events cross to the main thread and become CDRs; errors come back', async (t) => {
    const callid = 'w-cdr@test'
    await kam.call('route', invite(callid, '1002'))
    kam.notify('event', { type: 'dialog.start', callid, ts: String(Date.now() / 1000), from_user: '1001', to_user: '1002' })
    const answered = await kam.call('event', { type: 'dialog.answered', callid, ts: String(Date.now() / 1000) })
    t.same(answered.result, { ok: true }, 'an event request is answered once applied')
    const cdr = await eventually(() => h.database.prisma.cdr.findFirst({ where: { callId: callid } }).then((c) => c?.answeredAt && c))
    t.ok(cdr, 'the CDR is written by the main thread, answered')
    t.equal((await kam.call('event', { type: 'dialog.bogus', callid })).error?.code, 400, "the main thread's refusal reaches Kamailio")
  })

  t.test("the worker's metrics and logs are the main thread's", async (t) => {
    const routed = async () => Number(/sb_lookup_duration_seconds_count\{[^}]*kind="route",outcome="ok"\} (\d+)/.exec(await h.app.metrics.getSingleMetricAsString('sb_lookup_duration_seconds'))?.[1] ?? 0)
    const before = await routed()
    t.ok(before >= 3, `route lookups counted in the main registry (${before})`)
    await kam.call('route', invite('w-count@test', '1002'))
    t.equal(await routed(), before + 1, 'a scrape right after a lookup counts it (the worker flushes its batch first)')
    t.match(await h.app.metrics.getSingleMetricAsString('sb_route_decisions_total'), /outcome="reject_no_dial_plan"[^}]*} 1/, 'decisions too')
    const rejected = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'route rejected' && l.callId === 'w-2@test')
    t.match(rejected, { reqId: /^kam-/, code: String, sipCode: 404 }, "the worker's log line, with the call's id")
  })

  t.test('a worker that dies is replaced and serves again', async (t) => {
    const host = h.app.lookups as LookupWorkerHost
    const before = host.threadId
    t.equal((await h.app.inject({ url: '/health/ready' })).json().checks.lookups.status, 'up')
    await host.terminate()
    // the replacement starts 1 s later; the readiness check can take longer (its rtpengine probe)
    const explain = await h.app.inject({ method: 'POST', url: '/api/v1/routing/explain', headers: h.auth(), payload: { from: '1001', to: '1002', domain: D } })
    t.equal(explain.statusCode, 503, `explain meanwhile: 503, not 500 (${explain.body})`)
    t.equal(explain.json().error.code, 'lookups_unavailable')
    const down = (await h.app.inject({ url: '/health/ready' })).json()
    t.match(down, { status: 'not_ready', checks: { lookups: { status: 'down', required: true } } }, 'not ready while no worker answers')
    await kam.closed
    t.pass("Kamailio's connection closed with the worker (janssonrpcc reconnects)")
    const kam2 = await eventually(() => rpcClient(port), 10_000)
    t.ok(kam2, 'the listener is back')
    const again = await eventually(async () => (await kam2!.call('route', invite('w-after@test', '1002'))).result, 10_000)
    t.match(again?.routes?.[0]?.uri, /^sip:1002@/, 'routes again from a fresh snapshot')
    t.not(host.threadId, before, 'in a new thread')
    t.equal((await h.app.inject({ url: '/health/ready' })).json().checks.lookups.status, 'up', 'ready again')
    kam2?.close()
    t.ok(lines.some((l) => l.includes('lookup worker exited; starting a new one')), 'the replacement is logged')
  })
})

t.test('lookup worker with tracing on: the lookups export their spans', async (t) => {
  const bodies: string[] = []
  const otlp = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c)).on('end', () => {
      bodies.push(body)
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((r) => otlp.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise<void>((r) => { otlp.closeAllConnections(); otlp.close(() => r()) }))
  const port = await freePort()
  const h = await buildTestApp({ env: { CP_LOOKUP_WORKER: 'true', CP_JSONRPC_ENABLED: 'true', CP_JSONRPC_PORT: String(port), OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(otlp.address() as net.AddressInfo).port}` } })
  t.teardown(h.close)
  const fx = api(h)
  const domain = await fx.domain('traced.example')
  await fx.user(domain.id, '1001')
  await h.app.routingSnapshot.rebuild()
  const kam = await rpcClient(port)
  t.teardown(kam.close)
  t.ok((await kam.call('auth', { user: '1001', domain: 'traced.example', callid: 'traced-1@test' })).result, 'answered by the worker')
  const exported = await eventually(async () => bodies.find((b) => b.includes('kamailio.auth') && b.includes('traced-1@test')), 5000)
  t.ok(exported, "the worker exported the lookup's span, with the call's id")
})
