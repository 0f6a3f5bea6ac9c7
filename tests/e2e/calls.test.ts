// Calls between subscribers end to end: SIPp phones register through the real control plane, call
// each other through Kamailio + RTPengine, and the control plane turns Kamailio's dialog events
// into CDR rows with their outbox events.
import t, { type Test } from 'tap'
import { runSipp, startSipp, type SippOptions } from '../support/sipp.ts'
import { eventually, sippOk, skipE2e, startStack, type Stack } from '../support/e2e.ts'

// ports owned by this file: 6100-6119 SIP/RPC/JSON-RPC/SIPp, ng 23010-23013, RTP 14500-14999,
// SIPp media 16100-16199 (below the ephemeral range 32768-60999)
const PORTS = { sip: 6100, rpc: 6101, cp: 6102, ng: 23010, rtpMin: 14500, rtpMax: 14999 }
const UAC = 6110, UAS = 6111
const DOMAIN = 'calls.e2e.test'
const pw = { '1001': 'alice-calls-secret', '1002': 'bob-calls-secret', '1003': 'carol-calls-secret' }

t.test('calls between subscribers through the real control plane', { skip: skipE2e, timeout: 60_000 }, async (t) => {
  const s: Stack = await startStack(t, PORTS, { domain: DOMAIN })
  const domain = await s.create('domains', { name: DOMAIN, timezone: 'Europe/Paris' })
  for (const [extension, password] of Object.entries(pw)) await s.create('users', { domainId: domain.id, extension, password })
  await s.rebuild()
  const prisma = s.h.database.prisma

  const register = (user: keyof typeof pw, localPort: number) =>
    runSipp({ scenario: 'register_ok', remote: s.target, localPort, inject: s.csv(user), auth: { user, password: pw[user] }, keys: { expires: '600' }, mediaPort: 16100, timeoutMs: 10_000 })
  let cid = 0
  /** 1001 calls `service`; returns the SIPp result and the Call-ID it used */
  const call1001 = async (o: Partial<SippOptions> & { scenario: string }) => {
    const callId = `calls-${++cid}-${process.pid}@e2e`
    const r = await runSipp({
      remote: s.target, localPort: UAC, mediaPort: 16110, timeoutMs: 15_000,
      keys: { from: '1001', domain: DOMAIN }, auth: { user: '1001', password: pw['1001'] },
      extraArgs: ['-cid_str', callId], ...o,
    })
    return { r, callId }
  }
  /** a call answered by 1002's SIPp UAS (registered from the UAS port) */
  async function callTo1002(t: Test, uasScenario: string, o: Partial<SippOptions> & { scenario: string }) {
    const uas = startSipp({ scenario: uasScenario, localPort: UAS, mediaPort: 16120, timeoutMs: 15_000 })
    await new Promise((r) => setTimeout(r, 200))
    const res = await call1001({ service: '1002', ...o })
    sippOk(t, res.r, `caller ${o.scenario}`)
    sippOk(t, await uas.done, `callee ${uasScenario}`)
    return res.callId
  }
  const cdrOf = (callId: string, done: (c: any) => boolean) =>
    eventually(async () => {
      const c = await prisma.cdr.findUnique({ where: { callId } })
      return c && done(c) ? c : undefined
    })
  const outbox = async (callId: string) =>
    (await prisma.outboxEvent.findMany({ orderBy: { createdAt: 'asc' } })).filter((e) => (e.payload as { correlation?: { callId?: string } }).correlation?.callId === callId).map((e) => e.type)

  t.test('1001 and 1002 register', async (t) => {
    sippOk(t, await register('1001', UAC), '1001 registers')
    sippOk(t, await register('1002', UAS), '1002 registers from its UAS port')
  })

  t.test('1001 calls 1002, talks, hangs up: CDR + call.ended outbox row', async (t) => {
    const started = Date.now()
    const callId = await callTo1002(t, 'uas_answer', { scenario: 'uac_auth_call_bye', pauseMs: 1200 })
    const cdr = await cdrOf(callId, (c) => !!c.endedAt)
    t.ok(cdr, 'a CDR row for the Call-ID, ended')
    if (!cdr) return
    t.equal(cdr.direction, 'internal', 'internal call')
    t.equal(cdr.domainId, domain.id, 'in the domain')
    t.equal(cdr.caller, '1001')
    t.equal(cdr.callee, '1002')
    t.ok(cdr.answeredAt, 'answeredAt set')
    t.ok(cdr.answeredAt! >= new Date(started - 1000) && cdr.answeredAt! <= cdr.endedAt!, 'answered before it ended')
    t.ok(cdr.durationSec >= 1 && cdr.durationSec <= 3, `durationSec ${cdr.durationSec} matches the 1.2 s talk time`)
    t.equal(cdr.hangupCause, 200, 'ended by BYE')
    t.equal(cdr.hangupSide, 'caller', 'the caller hung up')
    const types = await eventually(async () => {
      const ty = await outbox(callId)
      return ty.includes('call.ended') ? ty : undefined
    })
    t.same(types, ['call.started', 'call.answered', 'call.ended'], 'outbox rows, in order, for that call')
  })

  t.test('CANCEL while 1002 rings: 487, CDR not answered', async (t) => {
    const callId = await callTo1002(t, 'uas_ringing', { scenario: 'uac_auth_cancel_ringing' })
    const cdr = await cdrOf(callId, (c) => !!c.endedAt)
    t.ok(cdr, 'a CDR row, ended')
    t.equal(cdr?.answeredAt, null, 'never answered')
    t.equal(cdr?.hangupCause, 487, '487 Request Terminated')
    t.equal(cdr?.hangupSide, 'caller', 'the caller gave up')
    t.equal(cdr?.durationSec, 0)
  })

  t.test('re-INVITE in the dialog reaches 1002 and is answered', async (t) => {
    const callId = await callTo1002(t, 'uas_reinvite', { scenario: 'uac_auth_reinvite', pauseMs: 200 })
    t.ok(await cdrOf(callId, (c) => !!c.answeredAt && !!c.endedAt && c.hangupCause === 200), 'CDR answered and ended once')
  })

  t.test('REFER in the dialog reaches 1002 (202) and its NOTIFY comes back', async (t) => {
    const callId = await callTo1002(t, 'uas_refer', { scenario: 'uac_auth_refer', pauseMs: 200 })
    t.ok(await cdrOf(callId, (c) => !!c.answeredAt && !!c.endedAt), 'CDR answered and ended')
  })

  t.test('calling a provisioned but unregistered extension: 480', async (t) => {
    const before = await s.metric('sb_route_decisions_total', { outcome: 'internal' })
    const { r } = await call1001({ scenario: 'uac_auth_not_registered_480', service: '1003' })
    sippOk(t, r, 'uac_auth_not_registered_480')
    t.equal(await s.metric('sb_route_decisions_total', { outcome: 'internal' }), before + 1, 'the control plane routed it to 1003 (internal); usrloc had no contact')
  })

  t.test('calling an unknown extension: 404 from the control plane', async (t) => {
    const before = await s.metric('sb_route_decisions_total', { outcome: 'reject_no_dial_plan' })
    const { r } = await call1001({ scenario: 'uac_auth_rejected_404', service: '1999' })
    sippOk(t, r, 'uac_auth_rejected_404')
    t.equal(await s.metric('sb_route_decisions_total', { outcome: 'reject_no_dial_plan' }), before + 1, 'the control plane rejected it (no such extension, no dial plan: 404)')
  })
})
