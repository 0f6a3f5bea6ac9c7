// The only Prisma access for admin accounts, their sessions and refresh tokens.
import type { Prisma } from '../../generated/prisma/client.ts'
import type { Role } from '../../generated/prisma/enums.ts'

type Tx = Prisma.TransactionClient

export const accountsRepository = {
  byEmail: (db: Tx, email: string) => db.adminAccount.findUnique({ where: { email } }),
  byId: (db: Tx, id: string) => db.adminAccount.findUnique({ where: { id } }),

  list: (db: Tx, where: Prisma.AdminAccountWhereInput, take: number, skip: number) =>
    Promise.all([db.adminAccount.findMany({ where, orderBy: { email: 'asc' }, take, skip }), db.adminAccount.count({ where })]),

  create: (db: Tx, data: { email: string; passwordHash: string; role: Role; domainId: string | null; userId: string | null }) => db.adminAccount.create({ data }),

  update: (db: Tx, id: string, data: Prisma.AdminAccountUpdateInput) => db.adminAccount.update({ where: { id }, data }),

  delete: (db: Tx, id: string) => db.adminAccount.delete({ where: { id } }),

  /** Counts a failure atomically (two concurrent wrong passwords both count) and returns the new total. */
  async countFailure(db: Tx, id: string): Promise<number> {
    const row = await db.adminAccount.update({ where: { id }, data: { failedLogins: { increment: 1 } }, select: { failedLogins: true } })
    return row.failedLogins
  },

  userDomain: (db: Tx, userId: string) => db.user.findUnique({ where: { id: userId }, select: { domainId: true } }),
  domainExists: async (db: Tx, id: string) => !!(await db.domain.findUnique({ where: { id }, select: { id: true } })),

  createSession: (db: Tx, data: { accountId: string; ip: string | null; expiresAt: Date }) => db.adminSession.create({ data }),

  sessionWithAccount: (db: Tx, id: string) => db.adminSession.findUnique({ where: { id }, include: { account: true } }),

  revokeSession: (db: Tx, id: string, reason: string) =>
    db.adminSession.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } }),

  revokeAllSessions: (db: Tx, accountId: string, reason: string) =>
    db.adminSession.updateMany({ where: { accountId, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } }),

  createRefreshToken: (db: Tx, data: { sessionId: string; tokenHash: string; expiresAt: Date }) => db.refreshToken.create({ data }),

  refreshTokenByHash: (db: Tx, tokenHash: string) => db.refreshToken.findUnique({ where: { tokenHash }, include: { session: { include: { account: true } } } }),

  /** Records the TOTP step unless an equal or later one was accepted first (a code works once). */
  async claimTotpStep(db: Tx, id: string, step: number): Promise<boolean> {
    const r = await db.adminAccount.updateMany({ where: { id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] }, data: { totpLastStep: step } })
    return r.count === 1
  },

  /** Removes a recovery code unless a concurrent login spent it first. */
  async claimRecoveryCode(db: Tx, id: string, hash: string, remaining: string[]): Promise<boolean> {
    const r = await db.adminAccount.updateMany({ where: { id, recoveryCodeHashes: { has: hash } }, data: { recoveryCodeHashes: remaining } })
    return r.count === 1
  },

  /** Marks it used only if nobody did first: true when this call won the rotation. */
  async markRefreshUsed(db: Tx, id: string): Promise<boolean> {
    const r = await db.refreshToken.updateMany({ where: { id, usedAt: null }, data: { usedAt: new Date() } })
    return r.count === 1
  },
}
