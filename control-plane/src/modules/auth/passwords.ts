// Admin passwords: argon2id (RFC 9106) through @node-rs/argon2, whose prebuilt binaries ship as npm
// optional dependencies. Parameters are OWASP's second argon2id profile (19 MiB, t=2, p=1): about
// 20 ms here, slow for an attacker with a stolen table, cheap enough for a login.
import { hash, verify } from '@node-rs/argon2'

const PARAMS = { algorithm: 2 /* Algorithm.Argon2id (an ambient const enum, not importable under isolatedModules) */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

export const MIN_PASSWORD_LENGTH = 12

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS)
}

// Verifying against this when the account does not exist keeps the timing of "unknown email" and
// "wrong password" alike, so the login does not tell which emails have accounts.
let dummy: Promise<string> | undefined

export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (!stored) {
    dummy ??= hashPassword('not-a-real-password-at-all')
    await verify(await dummy, password).catch(() => false)
    return false
  }
  try {
    return await verify(stored, password)
  } catch {
    return false // a malformed stored hash never authenticates
  }
}
