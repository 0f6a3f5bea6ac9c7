// TOTP enrolment: `enroll` draws a secret, seals it (AES-256-GCM, bound to the account id) and
// returns the otpauth:// URI for an authenticator app; `activate` proves the app holds it with one
// code, switches MFA on, hands out recovery codes once, and ends every session of the account,
// including the enrolment one, so the next login goes through the TOTP.
import type { PrismaClient } from '../../generated/prisma/client.ts'
import type { SecurityConfig } from '../../config/security.ts'
import { decrypt, encrypt, type KeyRing } from '../../lib/crypto.ts'
import { Conflict, Invalid, Unauthorized } from '../../lib/errors.ts'
import { recordAudit, type Actor } from '../audit/audit.ts'
import { accountsRepository as repo } from './accounts.repository.ts'
import { newRecoveryCodes, newTotpSecret, otpauthUri, verifyTotp } from './totp.ts'

export function mfaService(deps: { prisma: PrismaClient; security: SecurityConfig; keys: KeyRing; now?: () => number }) {
  const { prisma } = deps
  const now = () => deps.now?.() ?? Date.now()

  async function account(id: string) {
    const a = await repo.byId(prisma, id)
    if (!a) throw Unauthorized('invalid_credentials', 'the account no longer exists')
    return a
  }

  return {
    async enroll(accountId: string, actor: Actor): Promise<{ otpauthUri: string; secret: string }> {
      const a = await account(accountId)
      if (a.totpEnabled) throw Conflict('mfa_already_enabled', 'TOTP is already active on this account')
      const secret = newTotpSecret()
      const sealed = encrypt(secret, deps.keys, a.id)
      await prisma.$transaction(async (tx) => {
        await repo.update(tx, a.id, { totpSecretCiphertext: sealed.ciphertext, totpKeyId: sealed.keyId, totpLastStep: null })
        await recordAudit(tx, actor, { action: 'auth.mfa', entityType: 'admin_account', entityId: a.id, domainId: a.domainId, after: { event: 'enrolment_started' } })
      })
      return { otpauthUri: otpauthUri(deps.security.totpIssuer, a.email, secret), secret }
    },

    async activate(accountId: string, code: string, actor: Actor): Promise<{ recoveryCodes: string[] }> {
      const a = await account(accountId)
      if (a.totpEnabled) throw Conflict('mfa_already_enabled', 'TOTP is already active on this account')
      if (!a.totpSecretCiphertext || !a.totpKeyId) throw Invalid('mfa_not_enrolled', 'call POST /auth/mfa/enroll first')
      const step = verifyTotp(decrypt(a.totpSecretCiphertext, a.totpKeyId, deps.keys, a.id), code, now(), a.totpLastStep)
      if (step === undefined) {
        await prisma.$transaction((tx) => recordAudit(tx, actor, { action: 'auth.mfa', entityType: 'admin_account', entityId: a.id, domainId: a.domainId, after: { event: 'activation_failed' } }))
        throw Invalid('invalid_mfa_code', 'the code does not match; check the authenticator app and the clock')
      }
      const { codes, hashes } = newRecoveryCodes()
      await prisma.$transaction(async (tx) => {
        await repo.update(tx, a.id, { totpEnabled: true, totpLastStep: step, recoveryCodeHashes: hashes })
        await repo.revokeAllSessions(tx, a.id, 'mfa_enabled')
        await recordAudit(tx, actor, { action: 'auth.mfa', entityType: 'admin_account', entityId: a.id, domainId: a.domainId, after: { event: 'enabled', recoveryCodes: hashes.length } })
      })
      return { recoveryCodes: codes }
    },
  }
}
