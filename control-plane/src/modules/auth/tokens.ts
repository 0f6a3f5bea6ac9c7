// Admin access tokens: `sba_<payload>.<signature>`, payload base64url JSON, HMAC-SHA256 under the
// configured key. Short-lived (minutes); each names its session so logout or a detected refresh
// reuse stops it at once (the auth plugin checks the session). Refresh tokens are opaque random
// strings `sbr_<43 chars>`, stored only as sha256.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Role } from '../../generated/prisma/enums.ts'

export interface AccessClaims {
  /** account id */
  sub: string
  /** session (refresh family) id */
  sid: string
  role: Role
  /** true: the password was right but the ADMIN has no TOTP yet; only MFA enrolment is open */
  mfaPending?: boolean
  /** expiry, seconds since the epoch */
  exp: number
}

const b64u = (b: Buffer) => b.toString('base64url')
const mac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest()

export function signAccessToken(claims: AccessClaims, key: Buffer): string {
  const payload = b64u(Buffer.from(JSON.stringify(claims)))
  return `sba_${payload}.${b64u(mac(key, payload))}`
}

export function verifyAccessToken(token: string, key: Buffer, nowMs = Date.now()): AccessClaims | undefined {
  const m = /^sba_([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{43})$/.exec(token)
  if (!m) return undefined
  const expected = mac(key, m[1])
  const given = Buffer.from(m[2], 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  let claims: AccessClaims
  try {
    claims = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as AccessClaims
  } catch {
    return undefined
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs) return undefined
  if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string') return undefined
  return claims
}

export const newRefreshToken = () => `sbr_${randomBytes(32).toString('base64url')}`
export const isRefreshTokenShape = (s: string) => /^sbr_[A-Za-z0-9_-]{43}$/.test(s)
export const hashToken = (s: string) => createHash('sha256').update(s).digest('hex')
