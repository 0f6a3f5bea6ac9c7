// The rendered kamailio.cfg, run for real (Kamailio + RTPengine), driven by SIPp, against a stub
// control plane that speaks the contract over the real JSON-RPC transport. It proves the SIP
// behaviour of the cfg; the same scenarios run against the real control plane in the e2e suite.
import { spawnSync } from 'node:child_process'
import t, { type Test } from 'tap'
import { kamailioRpc, startKamailio, startRtpengine } from '../support/daemons.ts'
import { startStubControlPlane } from '../support/cp-stub.ts'
import { runSipp, startSipp, type SippOptions, type SippResult } from '../support/sipp.ts'

const have = (cmd: string) => spawnSync(cmd, ['-v'], { encoding: 'utf8' }).error === undefined
const skip = have('kamailio') && have('sipp') && spawnSync('rtpengine', ['--version']).error === undefined ? false : 'kamailio, rtpengine or sipp missing'

// ports away from the dev stack (5060/5071/8089/22222) and from the other lab runs
const SIP = 5760, RPC = 5771, CP = 8789, NG = 22722, UAS = 5790, UAS503 = 5791, UAC = 5780, REG = 5781
const target = `127.0.0.1:${SIP}`
const keys = { from: 'alice', domain: 'sb.test', expires: '600' }
const alice = { user: 'alice', password: 'alice-secret-1' }

t.test('kamailio.cfg against a stub control plane', { skip, timeout: 240_000 }, async (t) => {
  const rtp = await startRtpengine({ ngPort: NG, portMin: 12000, portMax: 12999 })
  t.teardown(() => rtp.stop())
  const cp = await startStubControlPlane({ port: CP, domain: 'sb.test', users: { alice: alice.password, bob: 'bob-secret-22' }, uas: `127.0.0.1:${UAS}`, uas503: `127.0.0.1:${UAS503}`, slowMs: 1500 })
  t.teardown(() => cp.close())
  const kam = await startKamailio({ sipPort: SIP, rpcPort: RPC, cpPort: CP, rtpengineNgPort: NG, env: { SIP_ALIASES: 'sb.test', EMERGENCY_NUMBERS: '112', EMERGENCY_TRUNK_URI: `sip:127.0.0.1:${UAS}` } })
  t.teardown(() => kam.stop())

  const ok = (t: Test, r: SippResult, what: string) => t.equal(r.code, 0, what, { errors: r.errors.slice(0, 2000) })
  const uac = (o: Partial<SippOptions>) => runSipp({ scenario: 'uac_call_bye', remote: target, localPort: UAC, keys, mediaPort: 13100, timeoutMs: 15_000, ...o })
  async function call(t: Test, o: Partial<SippOptions>, uasScenario: string) {
    const uas = startSipp({ scenario: uasScenario, localPort: UAS, mediaPort: 13000, timeoutMs: 15_000 })
    await new Promise((r) => setTimeout(r, 300))
    ok(t, await uac(o), `caller: ${o.scenario ?? 'uac_call_bye'}`)
    ok(t, await uas.done, `callee: ${uasScenario}`)
  }
  const register = (o: Partial<SippOptions>) => runSipp({ scenario: 'register_ok', remote: target, localPort: REG, inject: 'users', keys, auth: alice, timeoutMs: 10_000, ...o })

  t.test('REGISTER: 401 then 200; wrong password 403; unknown user 403; too brief 423', async (t) => {
    ok(t, await register({}), 'register_ok')
    ok(t, await register({ scenario: 'register_bad_password', auth: { user: 'alice', password: 'wrong' } }), 'register_bad_password')
    ok(t, await register({ scenario: 'register_unknown_user', inject: 'users_unknown', auth: { user: 'mallory', password: 'x' } }), 'register_unknown_user')
    ok(t, await register({ scenario: 'register_interval_too_brief', keys: { ...keys, expires: '10' } }), 'register_interval_too_brief')
    t.ok(cp.events.some((e) => e.params.type === 'registration' && e.params.aor === 'sip:alice@sb.test'), 'registration event')
  })

  t.test('calls', async (t) => {
    await call(t, { service: 'uas', pauseMs: 300 }, 'uas_answer')
    await kamailioRpc(RPC, 'htable.flush', ['auth'])
    await call(t, { scenario: 'uac_call_auth', service: 'needauth', inject: 'users', auth: alice, pauseMs: 200 }, 'uas_answer')
    const u503 = startSipp({ scenario: 'uas_503', localPort: UAS503, mediaPort: 13200, timeoutMs: 15_000 })
    await call(t, { service: 'fo503', pauseMs: 200 }, 'uas_answer')
    ok(t, await u503.done, 'first route answered 503 and got its ACK')
    await call(t, { scenario: 'uac_reinvite', service: 'uas', pauseMs: 200 }, 'uas_reinvite')
    await call(t, { scenario: 'uac_refer', service: 'uas', pauseMs: 200 }, 'uas_refer')
    await call(t, { scenario: 'uac_cancel_ringing', service: 'uas' }, 'uas_ringing')
    ok(t, await uac({ scenario: 'uac_cancel', service: 'slow', pauseMs: 300 }), 'CANCEL during the suspended lookup: 487')
    ok(t, await uac({ scenario: 'uac_rejected_404', service: 'nosuch' }), 'control plane 404 -> 404')
    ok(t, await uac({ scenario: 'uac_not_registered_480', service: 'bob' }), 'subscriber not registered -> 480')
    ok(t, await uac({ scenario: 'uac_unavailable_503', service: 'deadline' }), 'control plane deadline -> 503')
    ok(t, await register({ inject: 'users_bob', localPort: UAS, auth: { user: 'bob', password: 'bob-secret-22' } }), 'bob registers from the UAS port')
    await call(t, { service: 'bob', pauseMs: 200 }, 'uas_answer')
    const types = cp.events.map((e) => e.params.type)
    for (const ty of ['dialog.start', 'dialog.answered', 'dialog.end', 'dialog.failed']) t.ok(types.includes(ty), `${ty} event`)
  })

  t.test('control plane down: 503 with Retry-After, emergency still goes out', async (t) => {
    await cp.close()
    ok(t, await uac({ scenario: 'uac_unavailable_503', service: 'uas' }), '503')
    await call(t, { service: '112', pauseMs: 200 }, 'uas_answer')
  })
})
