// Who is calling: an API key (`sbk_…`) or an admin access token (`sba_…`). A token is only as good
// as its session: logout, a refresh-token reuse or a disabled account stop it before it expires.
// The role is read from the account, not from the token, so a demotion takes effect at once.
import type { PrismaClient } from '../../generated/prisma/client.ts'
import { recordAudit } from '../audit/audit.ts'
import { verifyApiKey, type Principal } from './api-keys.ts'
import { accountsRepository as repo } from './accounts.repository.ts'
import { verifyAccessToken } from './tokens.ts'

/** apikey.used is journaled at most once per key per minute: enough to prove use, no flood. */
export const KEY_USE_AUDIT_INTERVAL_MS = 60_000

export async function authenticate(prisma: PrismaClient, tokenKey: Buffer, token: string, now = Date.now()): Promise<Principal | undefined> {
  if (token.startsWith('sbk_')) return verifyApiKey(prisma, token, new Date(now))
  const claims = verifyAccessToken(token, tokenKey, now)
  if (!claims) return undefined
  const session = await repo.sessionWithAccount(prisma, claims.sid)
  if (!session || session.revokedAt || session.expiresAt.getTime() <= now || session.accountId !== claims.sub) return undefined
  const a = session.account
  if (!a.enabled || (a.lockedUntil && a.lockedUntil.getTime() > now)) return undefined
  // an ADMIN whose MFA was reset after this token was issued is back to enrolment only
  const mfaPending = claims.mfaPending === true || (a.role === 'ADMIN' && !a.totpEnabled)
  return { kind: 'admin', id: a.id, role: a.role, domainId: a.domainId, name: a.email, userId: a.userId, sessionId: session.id, mfaPending }
}

/** Journals one use of an API key unless one was journaled within the interval (any instance). */
export async function recordKeyUse(prisma: PrismaClient, keyId: string, meta: { role: string; domainId: string | null; ip: string; requestId: string; method: string; url: string }, now = Date.now()) {
  await prisma.$transaction(async (tx) => {
    const claimed = await tx.apiKey.updateMany({
      where: { id: keyId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now - KEY_USE_AUDIT_INTERVAL_MS) } }] },
      data: { lastUsedAt: new Date(now) },
    })
    if (claimed.count === 0) return
    await recordAudit(tx, { type: 'api_key', id: keyId, role: meta.role, ip: meta.ip, requestId: meta.requestId }, {
      action: 'apikey.used', entityType: 'api_key', entityId: keyId, domainId: meta.domainId, after: { method: meta.method, path: meta.url.split('?')[0] },
    })
  })
}
