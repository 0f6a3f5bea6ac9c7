// Fault (a), the hard variants: the active control plane is SIGKILLed, or hung (SIGSTOP: its TCP
// connections stay open, nothing answers). Three real control-plane processes share one PostgreSQL
// database and one Redis; Kamailio lists them in order (CP_JSONRPC_PEERS: priorities 10, 20, 30).
// (i)  SIGKILL A under SIPp load: the kernel closes A's sockets, janssonrpcc moves lookups to B.
//      Counted: failed normal calls, failed emergency calls (0), calls in progress dropped (0: they
//      live in Kamailio's dialogs), registrations, and the failover time (kill -> first lookup B answers).
// (ii) SIGSTOP B (now the active one): the connection stays up, so janssonrpcc keeps sending to B
//      and every lookup times out after KAMAILIO_LOOKUP_TIMEOUT_MS (1 s) -> 503 + Retry-After;
//      emergency calls still go out (static route, after the timeout); registrations continue from
//      Kamailio's HA1 cache; C gets nothing. What ends it is a supervisor (systemd watchdog, k8s
//      liveness probe) killing the hung process: then C answers within a bounded time.
// FAULT_FULL=1 (scripts/faults/run.sh --full): longer traffic around the kill and a longer hang.
import t from 'tap'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildTestApp } from '../../control-plane/test/support/app.ts'
import { createTestDatabase } from '../../control-plane/test/support/postgres.ts'
import { startKamailio, startRtpengine } from '../support/daemons.ts'
import { startControlPlaneProcess, type ControlPlaneProcess } from '../support/cp-process.ts'
import { runSipp, sippUsersCsv, startSipp, type SippResult } from '../support/sipp.ts'
import { cleanRedisKeysOnTeardown, eventually, sippOk, skipE2e, sleep } from '../support/e2e.ts'

// ports owned by this file: 6480-6499 SIP/RPC/JSON-RPC/HTTP/SIPp, ng 23480-23483, RTP 10500-10999
// (SIPp's media ports are derived from its SIP port: tests/support/sipp.ts)
const SIP = 6480, RPC = 6481, NG = 23480
const CP = { a: { rpc: 6482, http: 6485 }, b: { rpc: 6483, http: 6486 }, c: { rpc: 6484, http: 6487 } }
const UAC = 6490, UAS = 6491, GW_SOS = 6492, UAC_SOS = 6493, REG = 6494, LONG = 6495, LOAD = 6496, PROBE = 6497
const DOMAIN = 'cp-kill.faults.test'
const pw = { '1001': 'alice-cpkill-secret', '1002': 'bob-cpkill-secret' }
const FULL = process.env.FAULT_FULL === '1'
/** traffic before / after the kill, and how long B stays hung */
const BEFORE_KILL_MS = FULL ? 10_000 : 2000
const AFTER_KILL_MS = FULL ? 20_000 : 5000
const HUNG_MS = FULL ? 20_000 : 5000
/** load generator next to the timed probes (calls per second) */
const LOAD_RATE = FULL ? 10 : 5
/** the lookup timeout rendered into the cfg (KAMAILIO_LOOKUP_TIMEOUT_MS default) */
const LOOKUP_TIMEOUT_MS = 1000
/** bounds this noisy 2-core box holds (measured figures: docs/benchmarks.md) */
const FAILOVER_BOUND_MS = 3000
const HUNG_503_BOUND_MS = LOOKUP_TIMEOUT_MS + 1500
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const PREFIX = `sbtest:cp-kill:${process.pid}:`

type Outcome = { start: number; end: number; ok: boolean; callId?: string }
const ok = (r: SippResult) => r.code === 0 && r.stats?.successful === 1

t.test('active control plane SIGKILLed, then hung (SIGSTOP)', { skip: skipE2e, timeout: FULL ? 240_000 : 110_000 }, async (t) => {
  const db = await createTestDatabase()
  t.teardown(() => db.drop())
  await cleanRedisKeysOnTeardown(t, REDIS_URL, PREFIX)
  const rtp = await startRtpengine({ ngPort: NG, portMin: 10500, portMax: 10999 })
  t.teardown(() => rtp.stop())

  const shared = { REDIS_URL, REDIS_KEY_PREFIX: PREFIX, RTPENGINE_NG: `127.0.0.1:${NG}`, KAMAILIO_RPC_URL: `http://127.0.0.1:${RPC}/RPC`, OUTBOX_WORKER_ENABLED: 'true', OUTBOX_POLL_MS: '200' }
  // A first (it takes the outbox leadership), then B and C together
  const cps: Record<'a' | 'b' | 'c', ControlPlaneProcess> = {} as never
  cps.a = await startControlPlaneProcess({ httpPort: CP.a.http, jsonRpcPort: CP.a.rpc, databaseUrl: db.url, env: shared })
  t.teardown(() => cps.a.stop())
  ;[cps.b, cps.c] = await Promise.all([
    startControlPlaneProcess({ httpPort: CP.b.http, jsonRpcPort: CP.b.rpc, databaseUrl: db.url, env: shared }),
    startControlPlaneProcess({ httpPort: CP.c.http, jsonRpcPort: CP.c.rpc, databaseUrl: db.url, env: shared }),
  ])
  t.teardown(() => cps.b.stop())
  t.teardown(() => cps.c.stop())
  // provisioning through an in-process instance on the same database and Redis (no JSON-RPC, no outbox)
  const admin = await buildTestApp({ env: { DATABASE_URL: db.url, REDIS_URL, REDIS_KEY_PREFIX: PREFIX, OUTBOX_WORKER_ENABLED: 'false' } })
  t.teardown(() => admin.close())
  const create = async (resource: string, payload: object) => {
    const r = await admin.app.inject({ method: 'POST', url: `/api/v1/${resource}`, headers: admin.auth('ADMIN'), payload })
    if (r.statusCode !== 201) throw new Error(`POST /${resource} → ${r.statusCode} ${r.body}`)
    return r.json()
  }
  const domain = await create('domains', { name: DOMAIN, timezone: 'Europe/Paris' })
  const sosTrunk = await create('trunks', { domainId: domain.id, name: 'emergency', host: '127.0.0.1', port: GW_SOS, authMode: 'IP', inboundIps: ['127.0.0.3'], isEmergency: true })
  await create('emergency-numbers', { domainId: domain.id, number: '112', trunkId: sosTrunk.id })
  for (const [extension, password] of Object.entries(pw)) await create('users', { domainId: domain.id, extension, password })
  await admin.app.routingSnapshot.rebuild()
  const version = admin.app.routingSnapshot.current.version
  for (const [name, p] of Object.entries(cps)) {
    t.ok(await eventually(async () => (await p.metric('sb_routing_snapshot_version')) === version, 10_000), `${name}'s snapshot has the provisioning (epoch ${version}, Redis pub/sub)`)
  }

  const kam = await startKamailio({
    sipPort: SIP, rpcPort: RPC, cpPort: CP.a.rpc, rtpengineNgPort: NG,
    env: { SIP_ALIASES: DOMAIN, CP_JSONRPC_PEERS: [CP.a, CP.b, CP.c].map((x) => `127.0.0.1:${x.rpc}`).join(','), EMERGENCY_NUMBERS: '112', EMERGENCY_TRUNK_URI: `sip:127.0.0.1:${GW_SOS}` },
  })
  t.teardown(() => kam.stop())
  t.match(fs.readFileSync(kam.cfgFile, 'utf8'), new RegExp(`port=${CP.c.rpc};priority=30`), 'the cfg lists the three control planes')

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cpkill-'))
  t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }))
  const csv = (user: string) => sippUsersCsv(tmp, DOMAIN, user)
  const target = `127.0.0.1:${SIP}`
  sippOk(t, await runSipp({ scenario: 'register_ok', remote: target, localPort: UAS, inject: csv('1002'), auth: { user: '1002', password: pw['1002'] }, keys: { expires: '600' }, timeoutMs: 10_000 }), '1002 registers')
  const horizon = 200_000
  const callee = startSipp({ scenario: 'uas_answer', localPort: UAS, calls: 1_000_000, timeoutMs: horizon })
  const gateway = startSipp({ scenario: 'uas_answer', localPort: GW_SOS, calls: 1_000_000, timeoutMs: horizon })
  t.teardown(() => { callee.stop(); gateway.stop() })
  await sleep(200)

  let n = 0
  const caller = { keys: { from: '1001', domain: DOMAIN }, auth: { user: '1001', password: pw['1001'] }, service: '1002' }
  const normalCall = async () => {
    const callId = `kill-n${++n}-${process.pid}@faults`
    return { callId, r: await runSipp({ scenario: 'uac_auth_call_bye', remote: target, localPort: UAC, timeoutMs: 8000, pauseMs: 100, ...caller, extraArgs: ['-cid_str', callId] }) }
  }
  const emergencyCall = async () => {
    const callId = `kill-s${++n}-${process.pid}@faults`
    return { callId, r: await runSipp({ scenario: 'uac_call_bye', remote: target, localPort: UAC_SOS, timeoutMs: 8000, pauseMs: 100, keys: { from: '1001', domain: DOMAIN }, service: '112', extraArgs: ['-cid_str', callId] }) }
  }
  const register = async () => ({ r: await runSipp({ scenario: 'register_ok', remote: target, localPort: REG, inject: csv('1001'), auth: { user: '1001', password: pw['1001'] }, keys: { expires: '600' }, timeoutMs: 8000 }) })
  /** calls that stay up across the fault (in-dialog requests never ask the control plane) */
  const longCalls = (tag: string, count: number, holdMs: number) => startSipp({ scenario: 'uac_auth_call_bye', remote: target, localPort: LONG, calls: count, rate: 20, pauseMs: holdMs, timeoutMs: holdMs + 15_000,
    // a 180 forwarded by one Kamailio worker can overtake the 200 forwarded by another: a late provisional is not a dropped call
    ...caller, extraArgs: ['-cid_str', `kill-${tag}-%u-${process.pid}@faults`, '-default_behaviors', 'all,-abortunexp'] })
  const load = (seconds: number) => startSipp({ scenario: 'uac_auth_call_bye', remote: target, localPort: LOAD, calls: Math.round(LOAD_RATE * seconds), rate: LOAD_RATE, pauseMs: 500, timeoutMs: seconds * 1000 + 20_000,
    ...caller, extraArgs: ['-cid_str', `kill-l%u-${process.pid}@faults`, '-default_behaviors', 'all,-abortunexp'] })
  const lookups = (p: ControlPlaneProcess) => p.metric('sb_lookup_duration_seconds_count')

  /** sequential probes of each kind, each attempt timed from t0 */
  const traffic = (t0: number) => {
    let stop = false
    const out = { calls: [] as Outcome[], sos: [] as Outcome[], regs: [] as Outcome[] }
    const loop = async (fn: () => Promise<{ r: SippResult; callId?: string }>, into: Outcome[], gapMs: number) => {
      while (!stop) {
        const start = Date.now() - t0
        const { r, callId } = await fn()
        into.push({ start, end: Date.now() - t0, ok: ok(r), callId })
        await sleep(gapMs)
      }
    }
    const running = Promise.all([loop(normalCall, out.calls, 50), loop(emergencyCall, out.sos, 300), loop(register, out.regs, 300)])
    return { out, stop: async () => { stop = true; await running } }
  }
  /** ms from `since` until p answers its first lookup (polled every 25 ms), or undefined */
  const firstLookup = async (p: ControlPlaneProcess, since: number, base: number, withinMs: number) => {
    while (Date.now() - since < withinMs) {
      if ((await lookups(p).catch(() => base)) > base) return Date.now() - since
      await sleep(25)
    }
    return undefined
  }

  sippOk(t, (await normalCall()).r, 'a call through A')
  sippOk(t, (await emergencyCall()).r, 'an emergency call through A')
  t.ok((await lookups(cps.a)) >= 3, 'A answered the lookups')
  t.equal(await lookups(cps.b) + await lookups(cps.c), 0, 'B and C answered none')
  t.equal(await cps.a.metric('sb_outbox_leader'), 1, 'A leads the outbox worker')
  const figures: Record<string, unknown> = {}
  /** successful calls whose CDR lacks its answer or end: an event Kamailio sent was never processed */
  const incompleteCdrs = async (o: Outcome[]) => {
    const ids = o.filter((x) => x.ok && x.callId).map((x) => x.callId!)
    await sleep(1500) // the last events reach the database
    const done = await admin.database.prisma.cdr.findMany({ where: { callId: { in: ids }, answeredAt: { not: null }, endedAt: { not: null } }, select: { callId: true } })
    const have = new Set(done.map((c) => c.callId))
    return ids.filter((id) => !have.has(id))
  }

  await t.test('(i) SIGKILL of the active control plane under call load', async (t) => {
    const long = longCalls('i', 3, BEFORE_KILL_MS + AFTER_KILL_MS)
    const gen = load((BEFORE_KILL_MS + AFTER_KILL_MS) / 1000)
    const t0 = Date.now()
    const tr = traffic(t0)
    await sleep(BEFORE_KILL_MS)
    const bBase = await lookups(cps.b)
    const killAt = Date.now()
    cps.a.signal('SIGKILL')
    const failoverMs = await firstLookup(cps.b, killAt, bBase, 10_000)
    await cps.a.exited
    const leaderMs = await eventually(async () => ((await cps.b.metric('sb_outbox_leader')) + (await cps.c.metric('sb_outbox_leader')) === 1 ? Date.now() - killAt : undefined), 10_000)
    await sleep(Math.max(0, AFTER_KILL_MS - (Date.now() - killAt)))
    await tr.stop()
    const [lr, gr] = await Promise.all([long.done, gen.done])
    const kill = killAt - t0
    const { calls, sos, regs } = tr.out
    const failed = calls.filter((x) => !x.ok)
    const firstOkAfter = calls.find((x) => x.start >= kill && x.ok)
    const f = {
      failoverMs,
      firstCallOkAfterKillMs: firstOkAfter ? firstOkAfter.end - kill : undefined,
      outboxLeaderMovedMs: leaderMs,
      probeCalls: calls.length, probeCallsFailed: failed.length, lastFailureEndedAfterKillMs: failed.length ? Math.max(...failed.map((x) => x.end - kill)) : 0,
      loadCalls: (gr.stats?.successful ?? 0) + (gr.stats?.failed ?? 0), loadCallsFailed: gr.stats?.failed ?? -1,
      emergency: sos.length, emergencyFailed: sos.filter((x) => !x.ok).length,
      inProgress: 3, inProgressDropped: 3 - (lr.stats?.successful ?? 0),
      registrations: regs.length, registrationsFailed: regs.filter((x) => !x.ok).length,
      callsWithIncompleteCdr: (await incompleteCdrs([...calls, ...sos])).length,
    }
    figures.sigkill = f
    t.comment(`control-plane kill counts: ${JSON.stringify(f)}`)
    t.ok(failoverMs !== undefined && failoverMs < FAILOVER_BOUND_MS, `B answered its first lookup ${failoverMs} ms after the SIGKILL (< ${FAILOVER_BOUND_MS} ms)`)
    t.ok(f.firstCallOkAfterKillMs !== undefined && f.firstCallOkAfterKillMs < FAILOVER_BOUND_MS + 1000, `a normal call placed after the kill succeeded ${f.firstCallOkAfterKillMs} ms after it`)
    t.ok(f.lastFailureEndedAfterKillMs < FAILOVER_BOUND_MS, `normal calls failed only within the failover window (last failure ended ${f.lastFailureEndedAfterKillMs} ms after the kill)`, { calls })
    t.ok(f.loadCalls >= LOAD_RATE * 3, `${f.loadCalls} load calls`)
    t.ok(f.loadCallsFailed >= 0 && f.loadCallsFailed <= Math.ceil(LOAD_RATE * FAILOVER_BOUND_MS / 1000), `${f.loadCallsFailed} load calls failed (those whose lookup was in flight on A; bound ${Math.ceil(LOAD_RATE * FAILOVER_BOUND_MS / 1000)})`, { output: gr.output.slice(-2000) })
    t.ok(f.emergency >= 3, `${f.emergency} emergency calls`)
    t.equal(f.emergencyFailed, 0, 'no emergency call failed', { sos })
    t.equal(f.inProgressDropped, 0, 'no call in progress was dropped (3 long calls, BYE after the kill)', { output: lr.output.slice(-2000) })
    t.ok(f.registrations >= 3, `${f.registrations} registrations`)
    t.equal(f.registrationsFailed, 0, 'no registration failed', { regs })
    t.ok(f.callsWithIncompleteCdr <= 2, `${f.callsWithIncompleteCdr} successful call(s) with an incomplete CDR (events in A's socket when it died are lost; bound 2)`)
    t.ok(leaderMs !== undefined, `the outbox leadership moved to B or C (${leaderMs} ms after the kill: PostgreSQL dropped A's advisory lock with its connection)`)
    // the long calls' end events went to B: their CDRs are complete
    const cdrs = await admin.database.prisma.cdr.findMany({ where: { callId: { startsWith: 'kill-i-' } } })
    t.equal(cdrs.filter((c) => c.answeredAt && c.endedAt).length, 3, "the calls in progress have complete CDRs (the end event reached B)")
  })

  await t.test('(ii) SIGSTOP of the active control plane (hung, TCP still open), then a supervisor kills it', async (t) => {
    const long = longCalls('ii', 2, HUNG_MS + 4000)
    await sleep(500)
    const t0 = Date.now()
    const tr = traffic(t0)
    await sleep(1000)
    const cBase = await lookups(cps.c)
    const bLeads = (await cps.b.metric('sb_outbox_leader')) === 1
    const stopAt = Date.now()
    cps.b.signal('SIGSTOP')
    // an INVITE while B is hung: 503 + Retry-After once the lookup times out
    const probes: { ok: boolean; ms: number }[] = []
    while (Date.now() - stopAt < HUNG_MS - HUNG_503_BOUND_MS) {
      const a = Date.now()
      const r = await runSipp({ scenario: 'uac_unavailable_503', remote: target, localPort: PROBE, timeoutMs: 8000, keys: { from: '1001', domain: DOMAIN }, service: '1002' })
      probes.push({ ok: ok(r), ms: Date.now() - a })
    }
    await sleep(Math.max(0, HUNG_MS - (Date.now() - stopAt)))
    const cDuringHang = (await lookups(cps.c)) - cBase
    const cLeadsDuringHang = (await cps.c.metric('sb_outbox_leader')) === 1
    // the supervisor's move: kill the hung process
    const killAt = Date.now()
    cps.b.signal('SIGKILL')
    const failoverMs = await firstLookup(cps.c, killAt, cBase + cDuringHang, 10_000)
    await cps.b.exited
    const leaderMs = await eventually(async () => ((await cps.c.metric('sb_outbox_leader')) === 1 ? Date.now() - killAt : undefined), 10_000)
    await sleep(3000)
    await tr.stop()
    const lr = await long.done
    const { calls, sos, regs } = tr.out
    const hung = (o: Outcome[]) => o.filter((x) => x.start >= stopAt - t0 && x.end <= killAt - t0)
    const afterKill = calls.filter((x) => x.start >= killAt - t0)
    const f = {
      hungMs: killAt - stopAt,
      probe503: probes.length, probe503Ok: probes.filter((x) => x.ok).length, probe503MaxMs: Math.max(...probes.map((x) => x.ms)),
      callsDuringHang: hung(calls).length, callsDuringHangFailed: hung(calls).filter((x) => !x.ok).length,
      lookupsOnStandbyDuringHang: cDuringHang,
      emergencyDuringHang: hung(sos).length, emergencyFailed: sos.filter((x) => !x.ok).length, emergencyDuringHangMaxMs: Math.max(0, ...hung(sos).map((x) => x.end - x.start)),
      registrationsDuringHang: hung(regs).length, registrationsFailed: regs.filter((x) => !x.ok).length,
      inProgress: 2, inProgressDropped: 2 - (lr.stats?.successful ?? 0),
      failoverAfterKillMs: failoverMs,
      firstCallOkAfterKillMs: afterKill.find((x) => x.ok) ? afterKill.find((x) => x.ok)!.end - (killAt - t0) : undefined,
      callsAfterKillFailed: afterKill.filter((x) => !x.ok).length,
      outboxLeaderWasB: bLeads, outboxLeaderMovedMs: bLeads ? leaderMs : undefined,
      emergencyDuringHangWithIncompleteCdr: (await incompleteCdrs(hung(sos))).length,
    }
    figures.sigstop = f
    t.comment(`control-plane hang counts: ${JSON.stringify(f)}`)
    t.ok(f.probe503 >= 1, `${f.probe503} INVITE(s) probed while B was hung`)
    t.equal(f.probe503Ok, f.probe503, 'each got 503 with a Retry-After', { probes })
    t.ok(f.probe503MaxMs < HUNG_503_BOUND_MS, `within ${f.probe503MaxMs} ms (lookup timeout ${LOOKUP_TIMEOUT_MS} ms + margin; bound ${HUNG_503_BOUND_MS} ms)`, { probes })
    t.ok(f.callsDuringHang >= 1, `${f.callsDuringHang} normal call(s) placed during the hang`)
    t.equal(f.callsDuringHangFailed, f.callsDuringHang, `normal calls fail while the active one is hung (${f.callsDuringHang} of ${f.callsDuringHang}): janssonrpcc does not fail over on a timeout`)
    t.equal(cDuringHang, 0, 'the standby got no lookup during the hang')
    t.ok(f.emergencyDuringHang >= 1, `${f.emergencyDuringHang} emergency call(s) during the hang`)
    t.equal(f.emergencyFailed, 0, 'no emergency call failed (static route after the lookup timeout)', { sos })
    t.ok(f.emergencyDuringHangMaxMs < HUNG_503_BOUND_MS + 1000, `an emergency call during the hang took ${f.emergencyDuringHangMaxMs} ms at most (the lookup timeout, then the static route)`)
    t.ok(f.registrationsDuringHang >= 1, `${f.registrationsDuringHang} registration(s) during the hang`)
    t.equal(f.registrationsFailed, 0, "no registration failed (Kamailio's HA1 cache)", { regs })
    t.equal(f.inProgressDropped, 0, 'no call in progress was dropped (2 long calls across the hang)', { output: lr.output.slice(-2000) })
    t.ok(failoverMs !== undefined && failoverMs < FAILOVER_BOUND_MS, `once the hung process is killed, C answers its first lookup after ${failoverMs} ms (< ${FAILOVER_BOUND_MS} ms)`)
    t.ok(f.firstCallOkAfterKillMs !== undefined && f.firstCallOkAfterKillMs < FAILOVER_BOUND_MS + 1000, `a normal call succeeds ${f.firstCallOkAfterKillMs} ms after the kill`, { afterKill })
    if (bLeads) {
      t.notOk(cLeadsDuringHang, 'a hung leader keeps its PostgreSQL advisory lock: C did not take the outbox over during the hang')
      t.ok(leaderMs !== undefined, `the outbox leadership moved to C ${leaderMs} ms after the kill`)
    } else {
      t.ok(cLeadsDuringHang && leaderMs !== undefined, 'C already led the outbox and still does')
    }
    // Kamailio's event notifications for calls during the hang went into B's socket: lost with it
    t.comment(`${f.emergencyDuringHangWithIncompleteCdr} of ${f.emergencyDuringHang} emergency calls during the hang have an incomplete CDR (their events were sent to the hung instance)`)
  })
})
