// Admin accounts for tests: created through the API with the ADMIN key, and a TOTP helper that
// computes codes the way an authenticator app would.
import type { TestApp } from './app.ts'
import { hotp, stepAt } from '../../src/modules/auth/totp.ts'

export const secretOf = (otpauthUri: string) => new URL(otpauthUri).searchParams.get('secret')!
/** The code of the current step plus `offset` steps (the verifier accepts -1..+1). */
export const totpCode = (secret: string, offset = 0) => hotp(secret, stepAt(Date.now()) + offset)

export async function createAccount(h: TestApp, body: { email: string; password: string; role: string; domainId?: string; userId?: string }) {
  const r = await h.app.inject({ method: 'POST', url: '/api/v1/admin-accounts', headers: h.auth(), payload: body })
  if (r.statusCode !== 201) throw new Error(`account: ${r.statusCode} ${r.body}`)
  return r.json() as { id: string; email: string }
}

export async function login(h: TestApp, body: Record<string, unknown>, ip = '127.0.0.1') {
  return h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body, remoteAddress: ip })
}

/** An ADMIN with TOTP active; returns its secret and a fresh session. */
export async function adminWithMfa(h: TestApp, email: string, password: string) {
  await createAccount(h, { email, password, role: 'ADMIN' })
  const pending = (await login(h, { email, password })).json()
  const auth = { authorization: `Bearer ${pending.accessToken}` }
  const secret = secretOf((await h.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/enroll', headers: auth })).json().otpauthUri)
  const act = await h.app.inject({ method: 'POST', url: '/api/v1/auth/mfa/activate', headers: auth, payload: { code: totpCode(secret) } })
  const recoveryCodes = act.json().recoveryCodes as string[]
  const session = (await login(h, { email, password, totp: totpCode(secret, 1) })).json()
  return { secret, recoveryCodes, session }
}
