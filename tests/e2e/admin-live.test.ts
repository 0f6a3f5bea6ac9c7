// The admin API's live view of Kamailio (GET /registrations, GET /calls) and the HA1 cache flush:
// after a password change through the API, the old password no longer registers, even though
// Kamailio had the old HA1 cached.
import t from 'tap'
import { runSipp } from '../support/sipp.ts'
import { eventually, sippOk, skipE2e, startStack } from '../support/e2e.ts'

// ports owned by this file: 6900-6919, ng 23900, RTP 17800-17999
const PORTS = { sip: 6900, rpc: 6901, cp: 6902, ng: 23900, rtpMin: 17800, rtpMax: 17999 }
const REG = 6910
const DOMAIN = 'live.e2e.test'

t.test('live registrations and the auth cache flush', { skip: skipE2e, timeout: 60_000 }, async (t) => {
  const s = await startStack(t, PORTS, { domain: DOMAIN })
  const domain = await s.create('domains', { name: DOMAIN })
  const user = await s.create('users', { domainId: domain.id, extension: '2001', password: 'first-password-1' })
  await s.rebuild()
  const register = (scenario: string, password: string) =>
    runSipp({ scenario, remote: s.target, localPort: REG, inject: s.csv('2001'), auth: { user: '2001', password }, keys: { expires: '600' }, timeoutMs: 10_000 })

  sippOk(t, await register('register_ok', 'first-password-1'), 'register with the first password')
  const listed = await s.api('GET', '/registrations')
  t.equal(listed.status, 200, JSON.stringify(listed.body))
  const aor = listed.body.items.find((r: { aor: string }) => r.aor === `2001@${DOMAIN}`)
  t.ok(aor, 'GET /registrations lists the AoR')
  t.match(aor?.contacts?.[0]?.uri, `:${REG}`, 'with its contact')
  const one = await s.api('GET', `/registrations?aor=${encodeURIComponent(`2001@${DOMAIN}`)}`)
  t.equal(one.body.total, 1)

  const calls = await s.api('GET', '/calls')
  t.equal(calls.status, 200)
  t.same(calls.body.items, [], 'no call is up')
  const missing = await s.api('DELETE', '/calls/no-such-call')
  t.equal(missing.status, 404)
  t.equal(missing.body.error.code, 'call_not_found')

  const patched = await s.api('PATCH', `/users/${user.id}`, { password: 'second-password-2' })
  t.equal(patched.status, 200)
  await s.rebuild()
  sippOk(t, await register('register_bad_password', 'first-password-1'), 'the old password is refused (403) at once')
  sippOk(t, await register('register_ok', 'second-password-2'), 'the new password registers')
  t.ok(await eventually(async () => (await s.api('GET', '/registrations')).body.total >= 1), 'still listed')
})
