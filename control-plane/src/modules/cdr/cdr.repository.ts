// The only place CDR reads touch Prisma: a filtered page, and keyset batches for the CSV export
// (offset pagination over millions of rows gets slower with each page; a (startedAt, id) cursor
// does not).
import type { Cdr, Prisma, PrismaClient } from '../../generated/prisma/client.ts'

export interface CdrWhere {
  domainId?: string
  callId?: string
  caller?: string
  callee?: string
  direction?: string
  from?: Date
  to?: Date
  answered?: boolean
}

export function toPrismaWhere(w: CdrWhere): Prisma.CdrWhereInput {
  const and: Prisma.CdrWhereInput[] = []
  if (w.domainId) and.push({ domainId: w.domainId })
  if (w.callId) and.push({ callId: w.callId })
  if (w.caller) and.push({ OR: [{ caller: w.caller }, { callerE164: w.caller }] })
  if (w.callee) and.push({ OR: [{ callee: w.callee }, { calleeE164: w.callee }] })
  if (w.direction) and.push({ direction: w.direction })
  if (w.from || w.to) and.push({ startedAt: { ...(w.from ? { gte: w.from } : {}), ...(w.to ? { lt: w.to } : {}) } })
  if (w.answered !== undefined) and.push({ answeredAt: w.answered ? { not: null } : null })
  return and.length ? { AND: and } : {}
}

export const cdrRepository = {
  page: (db: PrismaClient, w: CdrWhere, skip: number, take: number): Promise<[Cdr[], number]> => {
    const where = toPrismaWhere(w)
    return Promise.all([db.cdr.findMany({ where, skip, take, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] }), db.cdr.count({ where })])
  },

  findById: (db: PrismaClient, id: string) => db.cdr.findUnique({ where: { id } }),

  /** Newest first, `size` rows at a time, until the filter is exhausted. */
  async *batches(db: PrismaClient, w: CdrWhere, size = 1000): AsyncGenerator<Cdr[]> {
    const base = toPrismaWhere(w)
    let cursor: { startedAt: Date; id: string } | undefined
    for (;;) {
      const after: Prisma.CdrWhereInput = cursor
        ? { OR: [{ startedAt: { lt: cursor.startedAt } }, { startedAt: cursor.startedAt, id: { lt: cursor.id } }] }
        : {}
      const rows = await db.cdr.findMany({ where: { AND: [base, after] }, take: size, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] })
      if (rows.length) yield rows
      if (rows.length < size) return
      const last = rows[rows.length - 1]
      cursor = { startedAt: last.startedAt, id: last.id }
    }
  },
}
