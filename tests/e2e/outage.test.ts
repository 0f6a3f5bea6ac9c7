// Control plane outage end to end: the platform is provisioned and used through the real control
// plane, then the control plane is closed. Kamailio must keep what cannot wait: emergency calls
// (the cfg's static route), re-registrations of phones it already knows (HA1 cached in htable
// `auth`), and a fast, clear 503 for everything else.
import t from 'tap'
import { runSipp, startSipp } from '../support/sipp.ts'
import { eventually, sippOk, skipE2e, startStack, type Stack } from '../support/e2e.ts'

// ports owned by this file: 6300-6319 SIP/RPC/JSON-RPC/SIPp, ng 23030-23033, RTP 15500-15999,
// SIPp media 16300-16399 (below the ephemeral range 32768-60999)
const PORTS = { sip: 6300, rpc: 6301, cp: 6302, ng: 23030, rtpMin: 15500, rtpMax: 15999 }
const UAC = 6310, PHONE = 6311, GW_SOS = 6312
const DOMAIN = 'outage.e2e.test'
const pw: Record<string, string> = { '1001': 'alice-outage-pass', '1002': 'bob-outage-pass', '1003': 'carol-outage-pass' }

t.test('control plane outage', { skip: skipE2e, timeout: 60_000 }, async (t) => {
  const s: Stack = await startStack(t, PORTS, {
    domain: DOMAIN,
    // the static emergency route rendered into the cfg, used only when the control plane is unreachable
    kamailioEnv: { EMERGENCY_NUMBERS: '112', EMERGENCY_TRUNK_URI: `sip:127.0.0.1:${GW_SOS}` },
  })
  const domain = await s.create('domains', { name: DOMAIN, timezone: 'Europe/Paris' })
  const sos = await s.create('trunks', { domainId: domain.id, name: 'emergency', host: '127.0.0.1', port: GW_SOS, authMode: 'IP', inboundIps: ['127.0.0.3'], isEmergency: true })
  await s.create('emergency-numbers', { domainId: domain.id, number: '112', trunkId: sos.id })
  for (const [extension, password] of Object.entries(pw)) await s.create('users', { domainId: domain.id, extension, password })
  await s.rebuild()

  let media = 16300
  const register = (user: string, scenario = 'register_ok') =>
    runSipp({ scenario, remote: s.target, localPort: PHONE, inject: s.csv(user), auth: { user, password: pw[user] }, keys: { expires: '600' }, mediaPort: (media += 4), timeoutMs: 10_000 })
  const contactExpires = async (aor: string): Promise<number> => {
    const r = await s.kamRpc('ul.lookup', ['location', aor])
    return Number(/"Expires":\s*(\d+)/.exec(JSON.stringify(r))?.[1] ?? NaN)
  }

  t.test('while the control plane is up: 1002 registers (its HA1 is now cached by Kamailio)', async (t) => {
    sippOk(t, await register('1002'), '1002 registers')
    t.ok(await s.kamRpc('htable.get', ['auth', `1002@${DOMAIN}`]), 'htable auth holds 1002')
    t.ok(await eventually(async () => (await s.metric('sb_kamailio_events_total', { type: 'registration' })) >= 1), 'the control plane saw the registration')
  })

  t.test('control plane stopped', async (t) => {
    await s.stopControlPlane()
    // the JSON-RPC listener is gone: nothing answers on its port any more
    const net = await import('node:net')
    const refused = await new Promise<boolean>((resolve) => {
      const c = net.connect(PORTS.cp, '127.0.0.1')
      c.once('connect', () => { c.destroy(); resolve(false) })
      c.once('error', () => resolve(true))
    })
    t.ok(refused, 'the control plane JSON-RPC port refuses connections')
  })

  t.test('112 still reaches the emergency trunk (static route)', async (t) => {
    const gw = startSipp({ scenario: 'uas_emergency_112_static', localPort: GW_SOS, mediaPort: (media += 4), timeoutMs: 15_000 })
    await new Promise((r) => setTimeout(r, 200))
    const caller = await runSipp({ scenario: 'uac_call_bye', remote: s.target, localPort: UAC, mediaPort: (media += 4), keys: { from: '1001', domain: DOMAIN }, service: '112', pauseMs: 200, timeoutMs: 15_000 })
    sippOk(t, caller, '1001 -> 112: caller')
    sippOk(t, await gw.done, '1001 -> 112: emergency gateway')
    t.match(s.kam.log(), new RegExp(`emergency\\|112 from sip:1001@\\S+ \\(127\\.0\\.0\\.1\\) -> sip:127\\.0\\.0\\.1:${GW_SOS} without the control plane`), 'Kamailio used its static emergency route')
  })

  t.test('a registered phone still re-registers (cached HA1)', async (t) => {
    await s.kamRpc('ul.rm', ['location', `1002@${DOMAIN}`])
    sippOk(t, await register('1002'), '1002 re-registers: 401 then 200')
    t.ok((await contactExpires(`1002@${DOMAIN}`)) > 500, 'the contact is back in usrloc for 600 s')
    // a phone Kamailio never authenticated cannot: no HA1 without the control plane
    sippOk(t, await register('1003', 'register_unavailable_503'), '1003 (never cached) gets 503 + Retry-After')
    await t.rejects(s.kamRpc('ul.lookup', ['location', `1003@${DOMAIN}`]), 'nothing saved for 1003')
  })

  t.test('a normal call gets 503 + Retry-After quickly', async (t) => {
    const t0 = Date.now()
    const r = await runSipp({ scenario: 'uac_unavailable_503', remote: s.target, localPort: UAC, mediaPort: (media += 4), keys: { from: '1001', domain: DOMAIN }, service: '1002', timeoutMs: 10_000 })
    const elapsed = Date.now() - t0
    sippOk(t, r, '1001 -> 1002: 503')
    t.ok(elapsed < 2000, `answered in ${elapsed} ms (< 2 s, SIPp start included)`)
  })
})
