// The only place recordings touch Prisma.
import type { Prisma, PrismaClient, Recording } from '../../generated/prisma/client.ts'

type Db = PrismaClient | Prisma.TransactionClient
const ACTIVE = ['ANNOUNCING', 'RECORDING'] as const

export const recordingRepository = {
  create: (db: Db, data: Prisma.RecordingUncheckedCreateInput) => db.recording.create({ data }),
  update: (db: Db, id: string, data: Prisma.RecordingUncheckedUpdateInput) => db.recording.update({ where: { id }, data }),
  findById: (db: Db, id: string) => db.recording.findUnique({ where: { id } }),
  activeForCall: (db: Db, callId: string) => db.recording.findMany({ where: { callId, status: { in: [...ACTIVE] } }, orderBy: { startedAt: 'asc' } }),
  /** activeForCall for many calls in one query, by Call-ID */
  async activeForCalls(db: Db, callIds: string[]): Promise<Map<string, Recording[]>> {
    const byCall = new Map<string, Recording[]>()
    for (const r of await db.recording.findMany({ where: { callId: { in: callIds }, status: { in: [...ACTIVE] } }, orderBy: { startedAt: 'asc' } })) {
      const list = byCall.get(r.callId)
      if (list) list.push(r)
      else byCall.set(r.callId, [r])
    }
    return byCall
  },
  list: (db: Db, w: { domainId?: string; callId?: string }, skip: number, take: number): Promise<[Recording[], number]> => {
    const where: Prisma.RecordingWhereInput = { ...(w.domainId ? { domainId: w.domainId } : {}), ...(w.callId ? { callId: w.callId } : {}) }
    return Promise.all([db.recording.findMany({ where, skip, take, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] }), db.recording.count({ where })])
  },
  expired: (db: Db, now: Date, take = 100) => db.recording.findMany({ where: { status: 'STORED', retainUntil: { lt: now } }, take }),
  /** the CDR of a call: its domain (tenant scope) and where the recording id is linked */
  cdrOf: (db: Db, callId: string) => db.cdr.findUnique({ where: { callId }, select: { id: true, domainId: true, endedAt: true } }),
  linkCdr: (db: Db, callId: string, recordingId: string) => db.cdr.updateMany({ where: { callId }, data: { recordingId } }),
}
