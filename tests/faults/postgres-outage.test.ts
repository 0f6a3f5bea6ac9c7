// Fault (b), short version: PostgreSQL goes away under traffic. The machine's shared PostgreSQL is
// never stopped: the control plane reaches its database through a TCP proxy this test cuts. While
// it is cut, lookups keep answering from the routing snapshot (calls connect), API writes answer 503
// database_unavailable, and the CDR updates / call.* events Kamailio reports wait in the local spool;
// when the proxy is restored they are written: every call has its ended CDR and its three events.
// FAULT_FULL=1 (scripts/faults/run.sh --full): the database stays cut for 30 s, calls keep coming.
import t from 'tap'
import { createTestDatabase } from '../../control-plane/test/support/postgres.ts'
import { runSipp, startSipp } from '../support/sipp.ts'
import { eventually, sippOk, skipE2e, sleep, startStack } from '../support/e2e.ts'
import { startTcpProxy } from '../support/tcp-proxy.ts'

// ports owned by this file: 6420-6439 SIP/RPC/JSON-RPC/SIPp/proxy, ng 23410-23413, RTP 18500-18699, SIPp media 18700-18799
const PORTS = { sip: 6420, rpc: 6421, cp: 6422, ng: 23410, rtpMin: 18500, rtpMax: 18699 }
const PG_PROXY = 6423, UAC = 6430, UAS = 6431
const DOMAIN = 'pg-outage.faults.test'
const pw = { '1001': 'alice-pgout-secret', '1002': 'bob-pgout-secret' }
const CALLS_DURING_OUTAGE = 5
const FULL = process.env.FAULT_FULL === '1'
/** the cut lasts at least this long (the short version: as long as its 5 calls take) */
const OUTAGE_MS = FULL ? 30_000 : 0

t.test('PostgreSQL outage: snapshot lookups, 503 writes, spooled CDRs written back', { skip: skipE2e, timeout: FULL ? 150_000 : 60_000 }, async (t) => {
  const db = await createTestDatabase()
  t.teardown(() => db.drop())
  const u = new URL(db.url)
  const proxy = await startTcpProxy(PG_PROXY, { host: u.hostname, port: Number(u.port || 5432) })
  t.teardown(() => proxy.close())
  u.port = String(PG_PROXY)

  const s = await startStack(t, PORTS, { domain: DOMAIN, cpEnv: { DATABASE_URL: u.toString(), OUTBOX_WORKER_ENABLED: 'false' } })
  const domain = await s.create('domains', { name: DOMAIN, timezone: 'Europe/Paris' })
  for (const [extension, password] of Object.entries(pw)) await s.create('users', { domainId: domain.id, extension, password })
  await s.rebuild()
  const prisma = s.h.database.prisma

  sippOk(t, await runSipp({ scenario: 'register_ok', remote: s.target, localPort: UAS, inject: s.csv('1002'), auth: { user: '1002', password: pw['1002'] }, keys: { expires: '600' }, mediaPort: 18700, timeoutMs: 10_000 }), '1002 registers')
  const callee = startSipp({ scenario: 'uas_answer', localPort: UAS, mediaPort: 18710, calls: 1000, timeoutMs: OUTAGE_MS + 55_000 })
  t.teardown(() => callee.stop())
  await sleep(200)
  let n = 0
  const call = async () => {
    const callId = `pgout-${++n}-${process.pid}@faults`
    const r = await runSipp({ scenario: 'uac_auth_call_bye', remote: s.target, localPort: UAC, mediaPort: 18720, timeoutMs: 8000, pauseMs: 100,
      keys: { from: '1001', domain: DOMAIN }, auth: { user: '1001', password: pw['1001'] }, service: '1002', extraArgs: ['-cid_str', callId] })
    return { r, callId }
  }
  // warm the HA1 cache path and prove the baseline
  const first = await call()
  sippOk(t, first.r, 'a call with the database up')
  t.ok(await eventually(async () => (await prisma.cdr.findUnique({ where: { callId: first.callId } }))?.endedAt), 'its CDR is written at once')

  await proxy.cut()
  const cutAt = Date.now()
  const counts = { outageMs: 0, calls: 0, ok: 0, writes503: 0, spooled: 0, cdrs: 0, events: 0 }
  const outageIds: string[] = []
  t.test('database cut', async (t) => {
    while (counts.calls < CALLS_DURING_OUTAGE || Date.now() - cutAt < OUTAGE_MS) {
      const c = await call()
      counts.calls++
      if (c.r.code === 0 && c.r.stats?.successful === 1) counts.ok++
      outageIds.push(c.callId)
    }
    t.equal(counts.ok, counts.calls, `${counts.ok}/${counts.calls} calls connected from the snapshot`)
    const w = await s.api('POST', '/users', { domainId: domain.id, extension: '1003', password: 'carol-pgout-secret' })
    if (w.status === 503 && w.body?.error?.code === 'database_unavailable') counts.writes503++
    t.equal(w.status, 503, 'an API write answers 503', { body: w.body })
    t.equal(w.body?.error?.code, 'database_unavailable', 'with the code database_unavailable')
    counts.spooled = (await eventually(async () => ((await s.metric('sb_event_spool_pending', {})) >= counts.calls * 3 ? s.metric('sb_event_spool_pending', {}) : 0), 5000)) ?? 0
    t.ok(counts.spooled >= counts.calls * 3, `${counts.spooled} events spooled (start/answered/end per call)`)
  })

  t.test('database back: the spool drains, nothing lost', async (t) => {
    await proxy.restore()
    counts.outageMs = Date.now() - cutAt
    const drained = await eventually(async () => (await s.metric('sb_event_spool_pending', {})) === 0, 15_000)
    t.ok(drained, 'the spool is empty again')
    const cdrs = await prisma.cdr.findMany({ where: { callId: { in: outageIds } } })
    counts.cdrs = cdrs.filter((c) => c.answeredAt && c.endedAt && c.hangupCause === 200).length
    const events = await prisma.outboxEvent.findMany({ where: { type: { startsWith: 'call.' } } })
    const forOutage = events.filter((e) => outageIds.includes((e.payload as { correlation?: { callId?: string } }).correlation?.callId ?? ''))
    counts.events = forOutage.length
    t.equal(counts.cdrs, counts.calls, 'every call of the outage has its answered and ended CDR')
    t.equal(counts.events, counts.calls * 3, 'and its call.started/answered/ended events, once each')
    t.same(new Set(forOutage.map((e) => e.type)), new Set(['call.started', 'call.answered', 'call.ended']))
    const w = await s.api('POST', '/users', { domainId: domain.id, extension: '1003', password: 'carol-pgout-secret' })
    t.equal(w.status, 201, 'API writes work again')
    t.comment(`postgres outage counts: ${JSON.stringify({ ...counts, lost: counts.calls * 3 - counts.events })}`)
  })
})
