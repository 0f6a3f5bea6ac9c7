// REGISTER end to end: SIPp → Kamailio (rendered cfg) → the real control plane's `auth` lookup
// over JSON-RPC → usrloc. Users and the domain's expiry bounds are provisioned through the API.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { runSipp, type SippOptions } from '../support/sipp.ts'
import { eventually, sippOk, skipE2e, startStack } from '../support/e2e.ts'

// ports owned by this file: 6040-6059 SIP/RPC/JSON-RPC/SIPp (not 6000-6009: SIPp's default media ports), ng 23000-23003, RTP 14000-14499,
// SIPp media 16000-16099 (below the ephemeral range 32768-60999)
const PORTS = { sip: 6040, rpc: 6041, cp: 6042, ng: 23000, rtpMin: 14000, rtpMax: 14499 }
const REG = 6050
const DOMAIN = 'reg.e2e.test'
const users = { '1001': 'alice-reg-secret', '1003': 'carol-reg-secret' }

t.test('registration through the real control plane', { skip: skipE2e, timeout: 60_000 }, async (t) => {
  const s = await startStack(t, PORTS, { domain: DOMAIN })
  const domain = await s.create('domains', { name: DOMAIN, timezone: 'Europe/Paris' })
  for (const [extension, password] of Object.entries(users)) await s.create('users', { domainId: domain.id, extension, password })
  await s.rebuild()

  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-e2e-reglog-'))
  t.teardown(() => fs.rmSync(logDir, { recursive: true, force: true }))
  let logs = 0
  /** run a REGISTER scenario; returns the SIPp result and what its <log> actions wrote */
  const register = async (o: Partial<SippOptions> & { user: string; password: string; expires?: number }) => {
    const logFile = path.join(logDir, `reg-${++logs}.log`)
    const r = await runSipp({
      scenario: 'register_ok',
      remote: s.target,
      localPort: REG,
      inject: s.csv(o.user),
      auth: { user: o.user, password: o.password },
      keys: { expires: String(o.expires ?? 600) },
      mediaPort: 16000,
      timeoutMs: 10_000,
      extraArgs: ['-trace_logs', '-log_file', logFile],
      ...o,
    })
    return { r, log: fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '' }
  }
  const authOutcome = (outcome: string) => s.metric('sb_lookup_duration_seconds_count', { kind: 'auth', outcome })

  t.test('register ok: 401, 200, the contact is in usrloc and the control plane got the event', async (t) => {
    const { r, log } = await register({ user: '1001', password: users['1001'], expires: 600 })
    sippOk(t, r, 'register_ok')
    t.match(log, /granted expires=600\b/, 'the requested 600 s were granted (within the domain bounds)')
    const ul = await s.kamRpc('ul.lookup', ['location', `1001@${DOMAIN}`])
    t.match(JSON.stringify(ul), `sip:1001@127.0.0.1:${REG}`, 'Kamailio usrloc holds the contact')
    t.ok(await eventually(async () => (await s.metric('sb_kamailio_events_total', { type: 'registration' })) >= 1), 'the control plane received the registration event')
    t.ok((await authOutcome('ok')) >= 1, 'the HA1 came from the control plane auth lookup')
  })

  t.test('wrong password: 403 and nothing saved', async (t) => {
    await s.kamRpc('ul.rm', ['location', `1001@${DOMAIN}`])
    const { r } = await register({ scenario: 'register_bad_password', user: '1001', password: 'not-the-password' })
    sippOk(t, r, 'register_bad_password')
    await t.rejects(s.kamRpc('ul.lookup', ['location', `1001@${DOMAIN}`]), 'no contact saved for 1001')
  })

  t.test('unknown user: 403 (the control plane answered 404)', async (t) => {
    const before = await authOutcome('404')
    const { r } = await register({ scenario: 'register_unknown_user', user: '1999', password: 'whatever-pass-1' })
    sippOk(t, r, 'register_unknown_user')
    t.equal(await authOutcome('404'), before + 1, 'the control plane was asked and answered unknown user')
    await t.rejects(s.kamRpc('ul.lookup', ['location', `1999@${DOMAIN}`]), 'no contact saved for 1999')
  })

  t.test("expiry below the domain's regMinExpires: 423 with that minimum", async (t) => {
    // 100 s is above the platform minimum (60): only the domain's own bound can refuse it
    const patched = await s.api('PATCH', `/domains/${domain.id}`, { regMinExpires: 120 })
    t.equal(patched.status, 200, 'domain regMinExpires set to 120 through the API')
    await s.rebuild()
    const tooBrief = await register({ scenario: 'register_interval_too_brief', user: '1003', password: users['1003'], expires: 100 })
    sippOk(t, tooBrief.r, 'register_interval_too_brief')
    t.match(tooBrief.log, /min-expires 120\b/, 'Min-Expires names the domain minimum')
    await t.rejects(s.kamRpc('ul.lookup', ['location', `1003@${DOMAIN}`]), 'nothing saved for 1003')
    const ok = await register({ user: '1003', password: users['1003'], expires: 130 })
    sippOk(t, ok.r, 'register_ok at 130 s')
    t.match(ok.log, /granted expires=130\b/, '130 s granted')
  })
})
