// Fault (c): Redis goes away under traffic. The machine's shared Redis is never stopped: the
// control plane reaches it through a TCP proxy this test cuts (existing connections dropped, new
// ones refused) for REDIS_CUT_MS while SIPp keeps registering, calling 1001 -> 1002 and calling
// 112. Redis carries no part of the call path (lookups are served from the in-memory snapshot), so
// every call and registration must succeed; what Redis does carry degrades cleanly:
// - pub/sub (routing.changed, acd.changed): a provisioning change still reaches this instance's
//   snapshot through the periodic epoch check; after the restore ioredis re-subscribes;
// - ACD agent state: reads and changes answer 503 shared_state_unavailable, fast (no hang, no 500);
// - /health/ready reports redis down (503) and recovers; /health/live stays up.
// FAULT_FULL=1 (scripts/faults/run.sh --full) cuts for 30 s instead of 10 s.
import t from 'tap'
import { Writable } from 'node:stream'
import { runSipp, startSipp, type SippResult } from '../support/sipp.ts'
import { cleanRedisKeysOnTeardown, eventually, sippOk, skipE2e, sleep, startStack } from '../support/e2e.ts'
import { startTcpProxy } from '../support/tcp-proxy.ts'

// ports owned by this file: 6440-6459 SIP/RPC/JSON-RPC/SIPp/proxy, ng 23440-23443, RTP 10000-10499
// (SIPp's media ports are derived from its SIP port: tests/support/sipp.ts)
const PORTS = { sip: 6440, rpc: 6441, cp: 6442, ng: 23440, rtpMin: 10000, rtpMax: 10499 }
const REDIS_PROXY = 6443, UAC = 6450, UAS = 6451, GW_SOS = 6452, UAC_SOS = 6453, REG = 6454
const DOMAIN = 'redis-outage.faults.test'
const pw = { '1001': 'alice-redisout-secret', '1002': 'bob-redisout-secret' }
const FULL = process.env.FAULT_FULL === '1'
const REDIS_CUT_MS = FULL ? 30_000 : 10_000
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
/** keys and channels of this run only: other files' control planes share the Redis */
const PREFIX = `sbtest:redis-outage:${process.pid}:`
/** the snapshot's periodic epoch check (SnapshotHolder default) plus a margin for this noisy box */
const EPOCH_CATCH_UP_MS = 5000 + 3000

type Outcome = { start: number; end: number; ok: boolean }

t.test('Redis outage: calls and registrations unaffected, ACD 503, epoch safety net, re-subscribed after restore', { skip: skipE2e, timeout: FULL ? 150_000 : 75_000 }, async (t) => {
  const u = new URL(REDIS_URL)
  const proxy = await startTcpProxy(REDIS_PROXY, { host: u.hostname, port: Number(u.port || 6379) })
  t.teardown(() => proxy.close())
  const direct = await cleanRedisKeysOnTeardown(t, REDIS_URL, PREFIX)

  const lines: { msg?: string; level?: number }[] = []
  const logDestination = new Writable({ write: (c, _e, cb) => { for (const l of c.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l)); cb() } })
  const s = await startStack(t, PORTS, {
    domain: DOMAIN,
    kamailioEnv: { EMERGENCY_NUMBERS: '112', EMERGENCY_TRUNK_URI: `sip:127.0.0.1:${GW_SOS}` },
    cpEnv: { REDIS_URL: `redis://127.0.0.1:${REDIS_PROXY}`, REDIS_KEY_PREFIX: PREFIX, OUTBOX_WORKER_ENABLED: 'false', LOG_LEVEL: 'info' },
    logDestination,
  })
  const domain = await s.create('domains', { name: DOMAIN, timezone: 'Europe/Paris' })
  const sos = await s.create('trunks', { domainId: domain.id, name: 'emergency', host: '127.0.0.1', port: GW_SOS, authMode: 'IP', inboundIps: ['127.0.0.3'], isEmergency: true })
  await s.create('emergency-numbers', { domainId: domain.id, number: '112', trunkId: sos.id })
  const users: Record<string, { id: string }> = {}
  for (const [extension, password] of Object.entries(pw)) users[extension] = await s.create('users', { domainId: domain.id, extension, password })
  const queue = await s.create('queues', { domainId: domain.id, name: 'support', members: [{ userId: users['1002'].id }] })
  await s.rebuild()
  const ready = await s.h.app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(ready.statusCode, 200, 'ready with Redis up', { body: ready.json() })
  t.equal(ready.json().sharedState, 'redis', 'the control plane uses Redis')
  t.equal((await s.api('POST', `/queues/${queue.id}/agents/${users['1002'].id}/login`)).status, 200, 'ACD login with Redis up')

  sippOk(t, await runSipp({ scenario: 'register_ok', remote: s.target, localPort: UAS, inject: s.csv('1002'), auth: { user: '1002', password: pw['1002'] }, keys: { expires: '600' }, timeoutMs: 10_000 }), '1002 registers')
  const horizon = REDIS_CUT_MS + 40_000
  const callee = startSipp({ scenario: 'uas_answer', localPort: UAS, calls: 100_000, timeoutMs: horizon })
  const gateway = startSipp({ scenario: 'uas_answer', localPort: GW_SOS, calls: 100_000, timeoutMs: horizon })
  t.teardown(() => { callee.stop(); gateway.stop() })
  await sleep(200)

  let n = 0
  const ok = (r: SippResult) => r.code === 0 && r.stats?.successful === 1
  const normalCall = () => runSipp({ scenario: 'uac_auth_call_bye', remote: s.target, localPort: UAC, timeoutMs: 8000, pauseMs: 200,
    keys: { from: '1001', domain: DOMAIN }, auth: { user: '1001', password: pw['1001'] }, service: '1002', extraArgs: ['-cid_str', `rout-${++n}-${process.pid}@faults`] })
  const emergencyCall = () => runSipp({ scenario: 'uac_call_bye', remote: s.target, localPort: UAC_SOS, timeoutMs: 8000, pauseMs: 200,
    keys: { from: '1001', domain: DOMAIN }, service: '112', extraArgs: ['-cid_str', `rsos-${++n}-${process.pid}@faults`] })
  const register = () => runSipp({ scenario: 'register_ok', remote: s.target, localPort: REG, inject: s.csv('1001'), auth: { user: '1001', password: pw['1001'] }, keys: { expires: '600' }, timeoutMs: 8000 })
  sippOk(t, await normalCall(), 'a call with Redis up')

  // traffic loops, every attempt timed against the cut
  let cutAt = Infinity, restoredAt = Infinity, stop = false
  const t0 = Date.now()
  const loop = async (fn: () => Promise<SippResult>, into: Outcome[], gapMs: number) => {
    while (!stop) {
      const start = Date.now() - t0
      const r = await fn()
      into.push({ start, end: Date.now() - t0, ok: ok(r) })
      await sleep(gapMs)
    }
  }
  const calls: Outcome[] = [], sosCalls: Outcome[] = [], regs: Outcome[] = []
  const traffic = Promise.all([loop(normalCall, calls, 50), loop(emergencyCall, sosCalls, 400), loop(register, regs, 200)])
  const during = (o: Outcome[]) => o.filter((x) => x.start >= cutAt && x.end <= restoredAt)
  const api: { what: string; status: number; code?: string; ms: number }[] = []
  const timing: Record<string, number | undefined> = {}
  const timedApi = async (what: string, method: 'GET' | 'POST', url: string, payload?: object) => {
    const a = Date.now()
    const r = await s.api(method, url, payload)
    api.push({ what, status: r.status, code: r.body?.error?.code, ms: Date.now() - a })
    return r
  }

  await sleep(2000)
  await proxy.cut()
  cutAt = Date.now() - t0
  const outage = Date.now()

  await t.test('Redis cut', async (t) => {
    // readiness says so at once
    const rd = await eventually(async () => {
      const r = await s.h.app.inject({ method: 'GET', url: '/health/ready' })
      const body = r.json() as { checks: Record<string, { status: string }> }
      return r.statusCode === 503 && body.checks.redis.status === 'down' ? body : undefined
    }, 3000)
    t.ok(rd, '/health/ready answers 503 with checks.redis down', { rd })
    t.equal(rd?.checks?.db?.status, 'up', 'and the database up')
    t.equal((await s.h.app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200, '/health/live stays 200 (no restart wanted)')

    // API reads come from PostgreSQL
    const read = await timedApi('read users', 'GET', `/users?domainId=${domain.id}`)
    t.equal(read.status, 200, 'API reads work')
    // a provisioning write commits (PostgreSQL); its routing.changed publish is lost...
    const w = await timedApi('create user 1003', 'POST', '/users', { domainId: domain.id, extension: '1003', password: 'carol-redisout-secret' })
    t.equal(w.status, 201, 'a provisioning write succeeds', { body: w.body })
    // ...and the epoch check brings it into this instance's snapshot anyway
    const wrote = Date.now()
    const seen = await eventually(async () => s.h.app.lookups.auth({ user: '1003', domain: DOMAIN }).catch(() => undefined), EPOCH_CATCH_UP_MS)
    timing.epochCatchUpMs = seen ? Date.now() - wrote : undefined
    t.ok(seen, `the change reached the routing snapshot without pub/sub after ${Date.now() - wrote} ms (epoch check, every 5 s)`)
    // idempotency keys live in PostgreSQL: a retried POST is still replayed
    const idem = { domainId: domain.id, extension: '1005', password: 'erin-redisout-secret' }
    const first = await s.h.app.inject({ method: 'POST', url: '/api/v1/users', headers: { ...s.h.auth('ADMIN'), 'idempotency-key': `redis-outage-${process.pid}` }, payload: idem })
    const again = await s.h.app.inject({ method: 'POST', url: '/api/v1/users', headers: { ...s.h.auth('ADMIN'), 'idempotency-key': `redis-outage-${process.pid}` }, payload: idem })
    t.equal(first.statusCode, 201, 'a POST with an Idempotency-Key succeeds')
    t.same([again.statusCode, again.json().id], [201, first.json().id], 'and its retry is replayed (the key is in PostgreSQL)')

    // ACD state lives in Redis: a clear, fast 503
    const list = await timedApi('list agents', 'GET', `/queues/${queue.id}/agents`)
    t.same([list.status, list.body?.error?.code], [503, 'shared_state_unavailable'], 'ACD agent list: 503 shared_state_unavailable', { body: list.body })
    const act = await timedApi('agent pause', 'POST', `/queues/${queue.id}/agents/${users['1002'].id}/pause`)
    t.same([act.status, act.body?.error?.code], [503, 'shared_state_unavailable'], 'ACD agent change: 503 shared_state_unavailable', { body: act.body })
    const slowest = Math.max(...api.map((x) => x.ms))
    t.ok(slowest < 2000, `every API call answered within 2 s (slowest ${slowest} ms)`, { api })
    t.equal(api.filter((x) => x.status >= 500 && x.status !== 503).length, 0, 'no 500')

    await sleep(Math.max(0, REDIS_CUT_MS - (Date.now() - outage)))
  })

  await proxy.restore()
  restoredAt = Date.now() - t0

  await t.test('Redis back', async (t) => {
    const back = await eventually(async () => (await s.h.app.inject({ method: 'GET', url: '/health/ready' })).statusCode === 200, 8000)
    timing.readyAgainMs = back ? Date.now() - t0 - restoredAt : undefined
    t.ok(back, `/health/ready is 200 again ${Date.now() - t0 - restoredAt} ms after the restore`)
    // ioredis re-subscribed: a routing.changed published by anyone (here: the test itself, with no
    // change behind it, so the epoch check would not rebuild) makes this instance rebuild
    const subscribed = await eventually(async () => {
      const r = (await direct.pubsub('NUMSUB', `${PREFIX}routing.changed`)) as [string, number]
      return Number(r[1]) >= 1
    }, 8000)
    t.ok(subscribed, 'the control plane is subscribed to routing.changed again (PUBSUB NUMSUB)')
    await sleep(300)
    const rebuilt = () => lines.filter((l) => l.msg === 'routing snapshot rebuilt').length
    const before = rebuilt()
    await direct.publish(`${PREFIX}routing.changed`, 'probe')
    t.ok(await eventually(async () => rebuilt() > before, 3000), 'a routing.changed message makes it rebuild (pub/sub delivers again)')
    // a provisioning change after the restore arrives by pub/sub, well before the next epoch check
    const changed = Date.now()
    t.equal((await timedApi('create user 1004', 'POST', '/users', { domainId: domain.id, extension: '1004', password: 'dave-redisout-secret' })).status, 201)
    t.ok(await eventually(async () => s.h.app.lookups.auth({ user: '1004', domain: DOMAIN }).catch(() => undefined), 3000), `a change after the restore reached the snapshot in ${Date.now() - changed} ms`)
    timing.changeAfterRestoreMs = Date.now() - changed
    // ACD works again
    const list = await timedApi('list agents (back)', 'GET', `/queues/${queue.id}/agents`)
    t.equal(list.status, 200, 'ACD reads work again', { body: list.body })
    t.equal(list.body.items[0]?.loggedIn, true, 'the agent state written before the outage is still there')
    t.equal((await timedApi('agent pause (back)', 'POST', `/queues/${queue.id}/agents/${users['1002'].id}/pause`)).status, 200, 'ACD changes work again')

    await sleep(3000) // traffic after the restore
    stop = true
    await traffic

    const counts = {
      cutMs: restoredAt - cutAt,
      calls: calls.length, callsFailed: calls.filter((x) => !x.ok).length, callsDuringCut: during(calls).length, callsDuringCutFailed: during(calls).filter((x) => !x.ok).length,
      emergency: sosCalls.length, emergencyFailed: sosCalls.filter((x) => !x.ok).length, emergencyDuringCut: during(sosCalls).length,
      registrations: regs.length, registrationsFailed: regs.filter((x) => !x.ok).length, registrationsDuringCut: during(regs).length,
      api503: api.filter((x) => x.status === 503).length, api5xxOther: api.filter((x) => x.status >= 500 && x.status !== 503).length, apiSlowestMs: Math.max(...api.map((x) => x.ms)),
      unhandledErrors: lines.filter((l) => l.msg === 'unhandled error').length,
      ...timing,
    }
    t.comment(`redis outage counts: ${JSON.stringify(counts)}`)
    t.ok(counts.callsDuringCut >= 3, `${counts.callsDuringCut} normal calls placed entirely during the cut`)
    t.equal(counts.callsFailed, 0, 'no normal call failed', { calls })
    t.ok(counts.emergencyDuringCut >= 2, `${counts.emergencyDuringCut} emergency calls during the cut`)
    t.equal(counts.emergencyFailed, 0, 'no emergency call failed', { sosCalls })
    t.ok(counts.registrationsDuringCut >= 3, `${counts.registrationsDuringCut} registrations during the cut`)
    t.equal(counts.registrationsFailed, 0, 'no registration failed', { regs })
    t.equal(counts.unhandledErrors, 0, 'the control plane logged no unhandled error (no 500)')
    t.equal((await s.h.app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200, 'the control plane is alive')
  })
})
