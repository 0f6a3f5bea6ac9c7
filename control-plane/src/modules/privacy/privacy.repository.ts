// The only Prisma access for GDPR requests: everything stored about one SIP user, and the
// pseudonymisation of its call records.
import type { PrismaClient, Prisma } from '../../generated/prisma/client.ts'

type Db = PrismaClient | Prisma.TransactionClient

/** A CDR names a user by its extension (or AoR user part) and, outside, by its E.164 caller id. */
export function cdrWhere(extension: string, domainId: string, callerId: string | null): Prisma.CdrWhereInput {
  const mine: Prisma.CdrWhereInput[] = [{ caller: extension }, { callee: extension }]
  if (callerId) mine.push({ callerE164: callerId }, { calleeE164: callerId })
  return { domainId, OR: mine }
}

export const privacyRepository = {
  user: (db: Db, id: string) => db.user.findUnique({ where: { id }, include: { groupMembers: { include: { group: { select: { id: true, name: true } } } }, queueMembers: { include: { queue: { select: { id: true, name: true } } } } } }),
  numbersTargeting: (db: Db, userId: string) => db.phoneNumber.findMany({ where: { targetType: 'USER', targetId: userId } }),
  cdrs: (db: Db, where: Prisma.CdrWhereInput) => db.cdr.findMany({ where, orderBy: { startedAt: 'asc' } }),
  accounts: (db: Db, userId: string) => db.adminAccount.findMany({ where: { userId }, select: { id: true, email: true, role: true, createdAt: true, lastLoginAt: true } }),
  auditAbout: (db: Db, userId: string) => db.auditEntry.findMany({ where: { entityId: userId }, orderBy: { id: 'asc' } }),

  /** Replaces the identities in the user's CDRs; billing fields (times, durations, trunk, cause) stay. */
  async pseudonymiseCdrs(tx: Prisma.TransactionClient, extension: string, domainId: string, callerId: string | null, pseudonym: string): Promise<number> {
    let n = 0
    n += (await tx.cdr.updateMany({ where: { domainId, caller: extension }, data: { caller: pseudonym } })).count
    n += (await tx.cdr.updateMany({ where: { domainId, callee: extension }, data: { callee: pseudonym } })).count
    if (callerId) {
      n += (await tx.cdr.updateMany({ where: { domainId, callerE164: callerId }, data: { callerE164: null } })).count
      n += (await tx.cdr.updateMany({ where: { domainId, calleeE164: callerId }, data: { calleeE164: null } })).count
    }
    return n
  },
  deleteAccounts: (tx: Prisma.TransactionClient, userId: string) => tx.adminAccount.deleteMany({ where: { userId } }),
  deleteUser: (tx: Prisma.TransactionClient, id: string) => tx.user.delete({ where: { id } }),
}
