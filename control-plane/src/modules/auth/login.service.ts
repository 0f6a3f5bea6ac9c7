// The rules of an admin login: password (argon2id), then TOTP for accounts that have it (mandatory
// for ADMIN: one without TOTP only gets an enrolment token), a lock after repeated failures, and a
// session made of a short access token plus a single-use refresh token. Presenting a refresh token
// twice means it was copied: the whole session is revoked (OAuth 2.0 Security BCP §4.14.2).
// Every outcome is journaled in the same transaction as the state it changes.
import type { PrismaClient, Prisma } from '../../generated/prisma/client.ts'
import type { AdminAccount } from '../../generated/prisma/client.ts'
import type { SecurityConfig } from '../../config/security.ts'
import { AppError, Unauthorized } from '../../lib/errors.ts'
import { recordAudit, type Actor, type AuditInput } from '../audit/audit.ts'
import { accountsRepository as repo } from './accounts.repository.ts'
import { verifyPassword } from './passwords.ts'
import { matchRecoveryCode, verifyTotp } from './totp.ts'
import { hashToken, isRefreshTokenShape, newRefreshToken, signAccessToken } from './tokens.ts'
import type { LoginThrottle } from './login-throttle.ts'
import type { KeyRing } from '../../lib/crypto.ts'
import { decrypt } from '../../lib/crypto.ts'

export interface LoginDeps {
  prisma: PrismaClient
  security: SecurityConfig
  keys: KeyRing
  throttle: LoginThrottle
  now?: () => number
}

export interface Meta {
  ip: string
  requestId: string
}

export interface LoginInput {
  email: string
  password: string
  totp?: string
  recoveryCode?: string
}

export interface Tokens {
  tokenType: 'Bearer'
  accessToken: string
  expiresIn: number
  refreshToken?: string
  mfaEnrolmentRequired?: boolean
}

const invalid = () => Unauthorized('invalid_credentials', 'wrong email or password')
const accountRef = (a: AdminAccount) => ({ email: a.email, role: a.role })

export function loginService(deps: LoginDeps) {
  const { prisma, security } = deps
  const now = () => deps.now?.() ?? Date.now()
  const actorOf = (meta: Meta, a?: AdminAccount): Actor => ({ type: 'admin', id: a?.id, role: a?.role, ip: meta.ip, requestId: meta.requestId })

  /** Writes the journal entry (and any state change) in one transaction. */
  const journal = (actor: Actor, input: AuditInput, change?: (tx: Prisma.TransactionClient) => Promise<unknown>) =>
    prisma.$transaction(async (tx) => {
      if (change) await change(tx)
      await recordAudit(tx, actor, input)
    })

  async function fail(meta: Meta, account: AdminAccount | null, email: string, reason: string, error: AppError): Promise<never> {
    const actor = actorOf(meta, account ?? undefined)
    if (!account) {
      await journal(actor, { action: 'auth.login_failed', entityType: 'admin_account', after: { email, reason } })
      throw error
    }
    await prisma.$transaction(async (tx) => {
      const failures = await repo.countFailure(tx, account.id)
      await recordAudit(tx, actor, { action: 'auth.login_failed', entityType: 'admin_account', entityId: account.id, domainId: account.domainId, after: { reason, failures } })
      if (failures >= security.maxFailedLogins) {
        const lockedUntil = new Date(now() + security.lockSeconds * 1000)
        await repo.update(tx, account.id, { lockedUntil, failedLogins: 0 })
        await repo.revokeAllSessions(tx, account.id, 'account_locked')
        await recordAudit(tx, actor, { action: 'auth.locked', entityType: 'admin_account', entityId: account.id, domainId: account.domainId, after: { lockedUntil } })
      }
    })
    throw error
  }

  async function openSession(tx: Prisma.TransactionClient, account: AdminAccount, meta: Meta, mfaPending: boolean): Promise<Tokens> {
    const maxSeconds = mfaPending ? security.accessTokenTtlSeconds : security.sessionMaxSeconds
    const session = await repo.createSession(tx, { accountId: account.id, ip: meta.ip, expiresAt: new Date(now() + maxSeconds * 1000) })
    const exp = Math.floor(now() / 1000) + security.accessTokenTtlSeconds
    const accessToken = signAccessToken({ sub: account.id, sid: session.id, role: account.role, exp, ...(mfaPending ? { mfaPending: true } : {}) }, security.tokenKey)
    if (mfaPending) return { tokenType: 'Bearer', accessToken, expiresIn: security.accessTokenTtlSeconds, mfaEnrolmentRequired: true }
    const refreshToken = newRefreshToken()
    const refreshExpires = Math.min(now() + security.refreshTokenTtlSeconds * 1000, session.expiresAt.getTime())
    await repo.createRefreshToken(tx, { sessionId: session.id, tokenHash: hashToken(refreshToken), expiresAt: new Date(refreshExpires) })
    return { tokenType: 'Bearer', accessToken, expiresIn: security.accessTokenTtlSeconds, refreshToken }
  }

  return {
    async login(input: LoginInput, meta: Meta): Promise<Tokens> {
      if (!deps.throttle.hit(meta.ip)) throw new AppError('forbidden', 'too_many_attempts', 'too many login attempts from this address; wait a minute', undefined, 429)
      const email = input.email.trim().toLowerCase()
      const account = await repo.byEmail(prisma, email)
      const passwordOk = await verifyPassword(account?.passwordHash, input.password)
      if (account?.lockedUntil && account.lockedUntil.getTime() > now()) {
        // a locked account is refused whatever was sent; only the right password learns why
        await journal(actorOf(meta, account), { action: 'auth.login_failed', entityType: 'admin_account', entityId: account.id, domainId: account.domainId, after: { reason: 'locked' } })
        throw passwordOk ? Unauthorized('account_locked', 'the account is locked after repeated failures; try again later') : invalid()
      }
      if (!account || !passwordOk || !account.enabled) return fail(meta, account, email, !account ? 'unknown_account' : !passwordOk ? 'wrong_password' : 'disabled', invalid())

      let totpStep: number | undefined
      let recoveryIndex = -1
      if (account.totpEnabled) {
        if (!input.totp && !input.recoveryCode) throw Unauthorized('mfa_required', 'this account needs a TOTP code (or a recovery code)')
        if (input.totp) {
          const secret = decrypt(account.totpSecretCiphertext!, account.totpKeyId!, deps.keys, account.id)
          totpStep = verifyTotp(secret, input.totp, now(), account.totpLastStep)
        } else {
          recoveryIndex = matchRecoveryCode(account.recoveryCodeHashes, input.recoveryCode!)
        }
        if (totpStep === undefined && recoveryIndex < 0) return fail(meta, account, email, 'wrong_mfa_code', Unauthorized('invalid_mfa_code', 'the TOTP or recovery code is wrong, expired or already used'))
      }
      const mfaPending = account.role === 'ADMIN' && !account.totpEnabled
      return prisma.$transaction(async (tx) => {
        const remainingCodes = recoveryIndex >= 0 ? account.recoveryCodeHashes.filter((_, i) => i !== recoveryIndex) : undefined
        const replayed = Unauthorized('invalid_mfa_code', 'the TOTP or recovery code is wrong, expired or already used')
        if (totpStep !== undefined && !(await repo.claimTotpStep(tx, account.id, totpStep))) throw replayed
        if (remainingCodes && !(await repo.claimRecoveryCode(tx, account.id, account.recoveryCodeHashes[recoveryIndex], remainingCodes))) throw replayed
        await repo.update(tx, account.id, { failedLogins: 0, lockedUntil: null, ...(mfaPending ? {} : { lastLoginAt: new Date(now()) }) })
        const tokens = await openSession(tx, account, meta, mfaPending)
        const mfa = totpStep !== undefined ? 'totp' : recoveryIndex >= 0 ? 'recovery_code' : mfaPending ? 'enrolment_required' : 'none'
        await recordAudit(tx, actorOf(meta, account), { action: 'auth.login', entityType: 'admin_account', entityId: account.id, domainId: account.domainId, after: { ...accountRef(account), mfa, ...(remainingCodes ? { recoveryCodesLeft: remainingCodes.length } : {}) } })
        return tokens
      })
    },

    async refresh(token: string, meta: Meta): Promise<Tokens> {
      const bad = Unauthorized('invalid_refresh_token', 'the refresh token is unknown, expired or revoked')
      if (!isRefreshTokenShape(token)) throw bad
      const row = await repo.refreshTokenByHash(prisma, hashToken(token))
      if (!row) throw bad
      const { session } = row
      const account = session.account
      if (session.revokedAt || session.expiresAt.getTime() <= now() || !account.enabled) throw bad
      if (row.usedAt) {
        // a rotated token came back: whoever holds the family now, one of the two is a thief
        await journal(actorOf(meta, account), { action: 'auth.refresh_reuse', entityType: 'admin_session', entityId: session.id, domainId: account.domainId, after: { sessionRevoked: true } }, (tx) => repo.revokeSession(tx, session.id, 'refresh_reuse'))
        throw Unauthorized('refresh_token_reused', 'this refresh token was already used; the session is revoked, log in again')
      }
      if (row.expiresAt.getTime() <= now()) throw bad
      return prisma.$transaction(async (tx) => {
        if (!(await repo.markRefreshUsed(tx, row.id))) throw Unauthorized('refresh_token_reused', 'this refresh token was already used')
        const refreshToken = newRefreshToken()
        const refreshExpires = Math.min(now() + security.refreshTokenTtlSeconds * 1000, session.expiresAt.getTime())
        await repo.createRefreshToken(tx, { sessionId: session.id, tokenHash: hashToken(refreshToken), expiresAt: new Date(refreshExpires) })
        const exp = Math.floor(now() / 1000) + security.accessTokenTtlSeconds
        const accessToken = signAccessToken({ sub: account.id, sid: session.id, role: account.role, exp }, security.tokenKey)
        return { tokenType: 'Bearer' as const, accessToken, expiresIn: security.accessTokenTtlSeconds, refreshToken }
      })
    },

    async logout(accountId: string, sessionId: string, meta: Meta & { role?: string }): Promise<void> {
      const actor: Actor = { type: 'admin', id: accountId, role: meta.role, ip: meta.ip, requestId: meta.requestId }
      await journal(actor, { action: 'auth.logout', entityType: 'admin_session', entityId: sessionId }, (tx) => repo.revokeSession(tx, sessionId, 'logout'))
    },
  }
}

export type LoginService = ReturnType<typeof loginService>
