import t from 'tap'
import { buildTestApp } from '../support/app.ts'
import { createAccount, login, secretOf, totpCode } from '../support/accounts.ts'
import { verifyAuditChain } from '../../src/modules/audit/audit.ts'

const h = await buildTestApp({ env: { AUTH_MAX_FAILED_LOGINS: '3', AUTH_LOGIN_PER_IP_PER_MINUTE: '50' } })
t.teardown(h.close)
const prisma = h.database.prisma
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const PASSWORD = 'correct horse battery staple'

t.test('an ADMIN must enrol TOTP; login without a valid TOTP is refused', async (t) => {
  await createAccount(h, { email: 'Alice@Example.com', password: PASSWORD, role: 'ADMIN' })
  const row = await prisma.adminAccount.findUniqueOrThrow({ where: { email: 'alice@example.com' } })
  t.match(row.passwordHash, /^\$argon2id\$/, 'argon2id at rest')

  const first = await login(h, { email: 'alice@example.com', password: PASSWORD })
  t.equal(first.statusCode, 200)
  t.equal(first.json().mfaEnrolmentRequired, true)
  t.notOk(first.json().refreshToken, 'no refresh token before MFA')
  const pending = bearer(first.json().accessToken)
  const denied = await h.app.inject({ method: 'GET', url: '/api/v1/domains', headers: pending })
  t.equal(denied.statusCode, 403)
  t.equal(denied.json().error.code, 'mfa_enrolment_required')

  const enrol = await h.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/enroll', headers: pending })
  t.equal(enrol.statusCode, 200)
  t.match(enrol.json().otpauthUri, /^otpauth:\/\/totp\/Switchboard:alice%40example\.com\?secret=[A-Z2-7]{32}&issuer=Switchboard/)
  const secret = secretOf(enrol.json().otpauthUri)
  const sealed = await prisma.adminAccount.findUniqueOrThrow({ where: { id: row.id } })
  t.notOk(sealed.totpSecretCiphertext?.includes(secret), 'the TOTP seed is sealed at rest')

  t.equal((await h.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/activate', headers: pending, payload: { code: '000000' === totpCode(secret) ? '111111' : '000000' } })).statusCode, 422)
  const act = await h.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/activate', headers: pending, payload: { code: totpCode(secret) } })
  t.equal(act.statusCode, 200, act.body)
  const codes = act.json().recoveryCodes as string[]
  t.equal(codes.length, 10)
  t.equal((await h.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: pending })).statusCode, 401, 'activation ends the enrolment session')

  const noCode = await login(h, { email: 'alice@example.com', password: PASSWORD })
  t.equal(noCode.statusCode, 401)
  t.equal(noCode.json().error.code, 'mfa_required')
  const wrong = await login(h, { email: 'alice@example.com', password: PASSWORD, totp: totpCode(secret, 5) })
  t.equal(wrong.json().error.code, 'invalid_mfa_code')
  const replay = await login(h, { email: 'alice@example.com', password: PASSWORD, totp: totpCode(secret) })
  t.equal(replay.json().error.code, 'invalid_mfa_code', 'the code used for activation cannot be replayed')

  const ok = await login(h, { email: 'alice@example.com', password: PASSWORD, totp: totpCode(secret, 1) })
  t.equal(ok.statusCode, 200, ok.body)
  t.ok(ok.json().refreshToken)
  const me = await h.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(ok.json().accessToken) })
  t.match(me.json(), { kind: 'admin', role: 'ADMIN', name: 'alice@example.com', mfaPending: false })
  t.equal((await h.app.inject({ method: 'GET', url: '/api/v1/domains', headers: bearer(ok.json().accessToken) })).statusCode, 200)

  const rc = await login(h, { email: 'alice@example.com', password: PASSWORD, recoveryCode: codes[0].toLowerCase() })
  t.equal(rc.statusCode, 200, 'a recovery code works once')
  t.equal((await login(h, { email: 'alice@example.com', password: PASSWORD, recoveryCode: codes[0] })).statusCode, 401, 'and only once')

  const actions = (await prisma.auditEntry.findMany({ where: { entityId: row.id }, orderBy: { id: 'asc' } })).map((a) => a.action)
  t.ok(actions.includes('auth.login') && actions.includes('auth.mfa') && actions.includes('auth.login_failed'), 'logins and MFA events are journaled')
})

t.test('refresh rotates; a stolen refresh token is unusable after logout and its reuse revokes the family', async (t) => {
  await createAccount(h, { email: 'oscar@example.com', password: PASSWORD, role: 'OPERATOR' })
  const s1 = (await login(h, { email: 'oscar@example.com', password: PASSWORD })).json()
  t.ok(s1.refreshToken, 'MFA is optional below ADMIN')
  const r1 = await h.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: s1.refreshToken } })
  t.equal(r1.statusCode, 200)
  const s2 = r1.json()
  t.not(s2.refreshToken, s1.refreshToken, 'rotated')
  const stored = await prisma.refreshToken.findMany()
  t.notOk(stored.some((r) => r.tokenHash === s2.refreshToken), 'only hashes are stored')

  // the thief replays the first token: the session dies, including the legitimate holder's tokens
  const reuse = await h.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: s1.refreshToken } })
  t.equal(reuse.json().error.code, 'refresh_token_reused')
  t.equal((await h.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: s2.refreshToken } })).statusCode, 401)
  t.equal((await h.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(s2.accessToken) })).statusCode, 401, 'access tokens of the family stop too')

  const s3 = (await login(h, { email: 'oscar@example.com', password: PASSWORD })).json()
  t.equal((await h.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(s3.accessToken) })).statusCode, 204)
  t.equal((await h.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: s3.refreshToken } })).statusCode, 401, 'stolen refresh token unusable after logout')
  t.equal((await h.app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer(s3.accessToken) })).statusCode, 401, 'and the access token too')
  t.equal((await h.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: h.auth() })).json().error.code, 'not_a_session')
})

t.test('a forged or tampered access token is refused', async (t) => {
  const s = (await login(h, { email: 'oscar@example.com', password: PASSWORD })).json()
  const [payload, sig] = s.accessToken.slice(4).split('.')
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
  const forged = `sba_${Buffer.from(JSON.stringify({ ...claims, role: 'ADMIN' })).toString('base64url')}.${sig}`
  t.equal((await h.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: bearer(forged) })).statusCode, 401)
  t.equal((await h.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: bearer(s.accessToken) })).statusCode, 403, 'OPERATOR lacks apikeys:read')
})

t.test('repeated failures lock the account; the lock survives the right password', async (t) => {
  await createAccount(h, { email: 'bob@example.com', password: PASSWORD, role: 'AUDITOR' })
  for (let i = 0; i < 3; i++) t.equal((await login(h, { email: 'bob@example.com', password: 'wrong password ' + i })).json().error.code, 'invalid_credentials')
  const locked = await login(h, { email: 'bob@example.com', password: PASSWORD })
  t.equal(locked.json().error.code, 'account_locked')
  t.equal((await login(h, { email: 'nobody@example.com', password: PASSWORD })).json().error.code, 'invalid_credentials', 'unknown email looks like a wrong password')
  const acc = await prisma.adminAccount.findUniqueOrThrow({ where: { email: 'bob@example.com' } })
  t.ok(acc.lockedUntil && acc.lockedUntil > new Date())
  t.equal(await prisma.auditEntry.count({ where: { action: 'auth.locked', entityId: acc.id } }), 1)
  const unlock = await h.app.inject({ method: 'PATCH', url: `/api/v1/admin-accounts/${acc.id}`, headers: h.auth(), payload: { unlock: true } })
  t.equal(unlock.statusCode, 200)
  t.equal((await login(h, { email: 'bob@example.com', password: PASSWORD })).statusCode, 200)
})

t.test('login is rate limited per source IP', async (t) => {
  const h2 = await buildTestApp({ env: { AUTH_LOGIN_PER_IP_PER_MINUTE: '3' } })
  t.teardown(h2.close)
  const codes: number[] = []
  for (let i = 0; i < 5; i++) codes.push((await login(h2, { email: `x${i}@example.com`, password: 'whatever-it-is' }, '192.0.2.9')).statusCode)
  t.same(codes, [401, 401, 401, 429, 429])
  t.equal((await login(h2, { email: 'x@example.com', password: 'whatever-it-is' }, '192.0.2.10')).statusCode, 401, 'another IP has its own budget')
})

t.test('the chain still verifies after all of this', async (t) => {
  t.match(await verifyAuditChain(prisma), { ok: true })
})
