// Routing features end to end (issue 4): what an operator provisions through the API decides where
// real SIP calls go. SIPp plays the phones (registered from their UAS ports), the carrier (calls in
// from 127.0.0.2, a trunk's inbound IP) and the gateways (UAS checking the R-URI they receive).
import t, { type Test } from 'tap'
import { runSipp, startSipp, type SippOptions, type SippRun } from '../support/sipp.ts'
import { eventually, sippOk, skipE2e, startStack, type Stack } from '../support/e2e.ts'

// ports owned by this file: 6200-6229 SIP/RPC/JSON-RPC/SIPp, ng 23020-23023, RTP 15000-15499,
// SIPp media 16200-16299 (below the ephemeral range 32768-60999)
const PORTS = { sip: 6200, rpc: 6201, cp: 6202, ng: 23020, rtpMin: 15000, rtpMax: 15499 }
const UAC = 6210, CARRIER = 6211
const PHONE = { '1002': 6212, '1003': 6213, '1004': 6214 } as const
const GW_A = 6215, GW_B = 6216, GW_SOS = 6217
const DOMAIN = 'routing.e2e.test'
const pw: Record<string, string> = {
  '1001': 'alice-routing-pass', '1002': 'bob-routing-pass', '1003': 'carol-routing-pass', '1004': 'dave-routing-pass', '1005': 'erin-routing-pass',
  '1006': 'frank-routing-pass', // provisioned, never registered
}
const DID_USER = '+33100000011', DID_AFTER_HOURS = '+33100000012'

t.test('routing features through the real control plane', { skip: skipE2e, timeout: 60_000 }, async (t) => {
  const s: Stack = await startStack(t, PORTS, { domain: DOMAIN })
  const prisma = s.h.database.prisma

  // ---- provisioning, through the API only
  const domain = await s.create('domains', { name: DOMAIN, timezone: 'Europe/Paris' })
  const domainId = domain.id
  const carrierA = await s.create('trunks', { domainId, name: 'carrier-a', host: '127.0.0.1', port: GW_A, authMode: 'IP', inboundIps: ['127.0.0.2'], priority: 1 })
  const carrierB = await s.create('trunks', { domainId, name: 'carrier-b', host: '127.0.0.1', port: GW_B, authMode: 'IP', inboundIps: ['127.0.0.4'], priority: 2 })
  const sos = await s.create('trunks', { domainId, name: 'emergency', host: '127.0.0.1', port: GW_SOS, authMode: 'IP', inboundIps: ['127.0.0.3'], isEmergency: true, priority: 1 })
  const plan = await s.create('dialplans', {
    domainId, name: 'france', countryCode: '33', nationalPrefix: '0', internationalPrefix: '00',
    rules: [{ name: 'national', pattern: '0[1-9][0-9]{8}', numberClass: 'NATIONAL', trunkIds: [carrierA.id, carrierB.id] }],
  })
  t.equal((await s.api('PATCH', `/domains/${domainId}`, { defaultDialPlanId: plan.id })).status, 200, 'default dial plan set')
  const user: Record<string, any> = {}
  for (const ext of Object.keys(pw)) {
    const extra = ext === '1001' ? { classOfService: 'NATIONAL', callerId: '+33100000001' } : ext === '1005' ? { classOfService: 'INTERNAL' } : {}
    user[ext] = await s.create('users', { domainId, extension: ext, password: pw[ext], ...extra })
  }
  await s.create('emergency-numbers', { domainId, number: '112', trunkId: sos.id })
  await s.create('numbers', { domainId, e164: DID_USER, targetType: 'USER', targetId: user['1002'].id })
  // no opening hours at all: always closed
  const afterHours = await s.create('schedules', {
    domainId, name: 'after-hours', timezone: 'Europe/Paris', hours: [],
    openTargetType: 'USER', openTargetId: user['1002'].id, closedTargetType: 'USER', closedTargetId: user['1003'].id,
  })
  await s.create('numbers', { domainId, e164: DID_AFTER_HOURS, targetType: 'SCHEDULE', targetId: afterHours.id })
  await s.create('groups', { domainId, name: 'sales', extension: '2000', strategy: 'HUNT', memberTimeout: 2, members: [{ userId: user['1003'].id }, { userId: user['1004'].id }] })
  await s.create('queues', {
    domainId, name: 'support', extension: '3000', strategy: 'RING_ALL', agentTimeout: 5, maxWait: 10,
    members: [{ userId: user['1002'].id }], overflowTargetType: 'USER', overflowTargetId: user['1004'].id,
  })
  // a hunt group whose first member has no registered phone
  await s.create('groups', { domainId, name: 'support-hunt', extension: '2001', strategy: 'HUNT', memberTimeout: 2, members: [{ userId: user['1006'].id }, { userId: user['1004'].id }] })
  // a ring-all queue (parallel ring) with 1002 logged in, overflowing to 1004: the rtjson `sb.overflow` set
  const ringAll = await s.create('queues', {
    domainId, name: 'ring-all', extension: '3001', strategy: 'RING_ALL', agentTimeout: 5, maxWait: 10,
    members: [{ userId: user['1002'].id }], overflowTargetType: 'USER', overflowTargetId: user['1004'].id,
  })
  // a serial queue with 1003 logged in, overflowing to an outside number: a subscriber route then a trunk route
  const priority = await s.create('queues', {
    domainId, name: 'priority', extension: '3002', strategy: 'PRIORITY', agentTimeout: 5, maxWait: 10,
    members: [{ userId: user['1003'].id }], overflowTargetType: 'EXTERNAL', overflowTargetNumber: '0123456789',
  })
  for (const [queue, ext] of [[ringAll, '1002'], [priority, '1003']] as const) {
    const r = await s.api('POST', `/queues/${queue.id}/agents/${user[ext].id}/login`)
    t.equal(r.status, 200, `${ext} logs in to queue ${queue.name}`)
  }
  await s.rebuild()
  await s.h.app.routingSnapshot.refreshAgents()

  // ---- SIPp helpers
  let media = 16200
  const nextMedia = () => (media += 4)
  let cid = 0
  const callId = (what: string) => `routing-${what}-${++cid}-${process.pid}@e2e`
  /** a UAS on a phone/gateway port */
  const uas = (scenario: string, localPort: number): SippRun => startSipp({ scenario, localPort, mediaPort: nextMedia(), timeoutMs: 15_000 })
  /** a subscriber's call (407 challenge, then authenticated) */
  const subscriberCall = (from: string, o: Partial<SippOptions> & { scenario: string; service: string }) =>
    runSipp({ remote: s.target, localPort: UAC, mediaPort: nextMedia(), timeoutMs: 15_000, keys: { from, domain: DOMAIN }, auth: { user: from, password: pw[from] }, pauseMs: 200, ...o })
  /** the carrier calling in from its inbound IP (no authentication: recognised by source address) */
  const carrierCall = (o: Partial<SippOptions> & { service: string }) =>
    runSipp({ scenario: 'uac_call_bye', remote: s.target, localIp: '127.0.0.2', localPort: CARRIER, mediaPort: nextMedia(), timeoutMs: 15_000, keys: { from: '+33611223344', domain: DOMAIN }, pauseMs: 200, ...o })
  const settle = () => new Promise((r) => setTimeout(r, 200))
  const cdr = (id: string) => eventually(async () => {
    const c = await prisma.cdr.findUnique({ where: { callId: id } })
    return c?.endedAt ? c : undefined
  })
  async function both(t: Test, callee: SippRun, caller: Promise<Awaited<ReturnType<typeof runSipp>>>, what: string) {
    sippOk(t, await caller, `${what}: caller`)
    sippOk(t, await callee.done, `${what}: callee`)
  }

  t.test('phones 1002, 1003, 1004 register from their UAS ports', async (t) => {
    for (const [ext, port] of Object.entries(PHONE)) {
      const r = await runSipp({ scenario: 'register_ok', remote: s.target, localPort: port, inject: s.csv(ext), auth: { user: ext, password: pw[ext] }, keys: { expires: '600' }, mediaPort: nextMedia(), timeoutMs: 10_000 })
      sippOk(t, r, `${ext} registers`)
    }
  })

  t.test('a DID called from the carrier reaches its user', async (t) => {
    const phone = uas('uas_answer', PHONE['1002'])
    await settle()
    const id = callId('did')
    await both(t, phone, carrierCall({ service: DID_USER, extraArgs: ['-cid_str', id] }), `DID ${DID_USER} -> 1002`)
    const c = await cdr(id)
    t.equal(c?.direction, 'inbound', 'CDR: inbound')
    t.equal(c?.trunkId, carrierA.id, 'CDR: through carrier-a (recognised by 127.0.0.2)')
    t.ok(c?.answeredAt, 'CDR: answered')
  })

  t.test('an after-hours DID reaches the closed target of its schedule', async (t) => {
    // 1002 (the open target) has no UAS running: a call routed there would fail
    const closedTarget = uas('uas_answer', PHONE['1003'])
    await settle()
    const id = callId('closed')
    await both(t, closedTarget, carrierCall({ service: DID_AFTER_HOURS, extraArgs: ['-cid_str', id] }), `DID ${DID_AFTER_HOURS} (closed) -> 1003`)
    const c = await cdr(id)
    t.equal(c?.direction, 'inbound', 'CDR: inbound')
    t.ok(c?.answeredAt, 'CDR: answered by the closed target')
  })

  t.test('a hunt group fails over to its second member when the first does not answer', async (t) => {
    const first = uas('uas_ringing', PHONE['1003']) // rings, never answers; gets the CANCEL after memberTimeout
    const second = uas('uas_answer', PHONE['1004'])
    await settle()
    const t0 = Date.now()
    const id = callId('hunt')
    const caller = subscriberCall('1001', { scenario: 'uac_auth_call_bye', service: '2000', extraArgs: ['-cid_str', id] })
    sippOk(t, await first.done, '1003 rang, was CANCELled and answered 487')
    t.ok(Date.now() - t0 >= 1800, `1003 rang for the group's memberTimeout (2 s): ${Date.now() - t0} ms`)
    await both(t, second, caller, 'group 2000 -> 1004')
    t.ok((await cdr(id))?.answeredAt, 'CDR: answered')
    // the failover must fork to the next member only, never to the dialled group URI itself
    t.notMatch(s.kam.log(), /could not resolve hostname: "routing\.e2e\.test"/, 'no branch was sent to the bare SIP domain')
  })

  t.test('a hunt group skips a member with no registered phone', async (t) => {
    const second = uas('uas_answer', PHONE['1004'])
    await settle()
    const t0 = Date.now()
    await both(t, second, subscriberCall('1001', { scenario: 'uac_auth_call_bye', service: '2001' }), 'group 2001 (1006 unregistered) -> 1004')
    t.ok(Date.now() - t0 < 1800, `no ring time spent on 1006: ${Date.now() - t0} ms`)
  })

  t.test('a ring-all queue overflows when its logged-in agent is busy', async (t) => {
    const agent = uas('uas_busy_486', PHONE['1002'])
    const overflow = uas('uas_answer', PHONE['1004'])
    await settle()
    const caller = subscriberCall('1001', { scenario: 'uac_auth_call_bye', service: '3001' })
    sippOk(t, await agent.done, 'agent 1002 rang and answered 486')
    await both(t, overflow, caller, 'queue 3001 -> overflow 1004')
  })

  t.test('a serial queue overflows from its busy agent to an outside number through the trunk', async (t) => {
    const agent = uas('uas_busy_486', PHONE['1003'])
    const gw = uas('uas_trunk_overflow_e164', GW_A)
    await settle()
    const caller = subscriberCall('1001', { scenario: 'uac_auth_call_bye', service: '3002' })
    sippOk(t, await agent.done, 'agent 1003 rang and answered 486')
    await both(t, gw, caller, 'queue 3002 -> 0123456789 via carrier-a')
  })

  t.test('a queue with no agent logged in overflows to its overflow extension', async (t) => {
    // 1002 is a member but never logged in (ACD state): the call goes to 1004 straight away
    const overflow = uas('uas_answer', PHONE['1004'])
    await settle()
    const id = callId('queue')
    await both(t, overflow, subscriberCall('1001', { scenario: 'uac_auth_call_bye', service: '3000', extraArgs: ['-cid_str', id] }), 'queue 3000 -> overflow 1004')
    t.ok((await cdr(id))?.answeredAt, 'CDR: answered by the overflow')
  })

  t.test('an outbound call is normalised to E.164 and sent to the priority-1 trunk', async (t) => {
    const gw = uas('uas_trunk_e164', GW_A)
    await settle()
    const id = callId('out')
    await both(t, gw, subscriberCall('1001', { scenario: 'uac_auth_call_bye', service: '0123456789', extraArgs: ['-cid_str', id] }), '0123456789 -> carrier-a as +33123456789')
    const c = await cdr(id)
    t.equal(c?.direction, 'outbound', 'CDR: outbound')
    t.equal(c?.trunkId, carrierA.id, 'CDR: carrier-a')
    t.equal(c?.ruleId, plan.rules[0].id, 'CDR: the national rule')
  })

  t.test('a 503 from the first gateway fails over to the second trunk', async (t) => {
    const down = uas('uas_503', GW_A)
    const up = uas('uas_trunk_e164', GW_B)
    await settle()
    const caller = subscriberCall('1001', { scenario: 'uac_auth_call_bye', service: '0123456789' })
    sippOk(t, await down.done, 'carrier-a answered 503 and got its ACK')
    await both(t, up, caller, 'failover to carrier-b')
  })

  t.test('112 from an INTERNAL-class phone reaches the emergency trunk while the schedule is closed', async (t) => {
    // the same caller may not dial a national number: its class of service is INTERNAL
    sippOk(t, await subscriberCall('1005', { scenario: 'uac_auth_forbidden_403', service: '0123456789' }), '1005 -> 0123456789: 403 (class of service)')
    // the domain's schedule is closed right now (the control plane's own explanation of the DID)
    const explained = await s.h.app.inject({ method: 'POST', url: '/api/v1/routing/explain', headers: s.h.auth(), payload: { from: '+33611223344', to: DID_AFTER_HOURS, srcIp: '127.0.0.2' } })
    t.equal(explained.json().decision?.label, 'user:1003', 'the after-hours schedule is closed now', { explained: explained.json() })
    const gw = uas('uas_emergency_112', GW_SOS)
    await settle()
    const id = callId('sos')
    // a phone's first INVITE carries no credentials; an emergency call is routed without them
    await both(t, gw, runSipp({ scenario: 'uac_call_bye', remote: s.target, localPort: UAC, mediaPort: nextMedia(), timeoutMs: 15_000, keys: { from: '1005', domain: DOMAIN }, service: '112', pauseMs: 200, extraArgs: ['-cid_str', id] }), '1005 -> 112')
    const c = await cdr(id)
    t.equal(c?.direction, 'emergency', 'CDR: emergency')
    t.equal(c?.trunkId, sos.id, 'CDR: the emergency trunk')
  })
})
