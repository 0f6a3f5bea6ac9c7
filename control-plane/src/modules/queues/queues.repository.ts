import type { Prisma } from '../../generated/prisma/client.ts'
import type { Db, ScopedRepository, Tx } from '../provisioning/scoped-service.ts'
import { guardedUpdate } from '../provisioning/versioning.ts'

const include = { members: { orderBy: [{ priority: 'asc' as const }, { userId: 'asc' as const }] } }
export type QueueRow = Prisma.QueueGetPayload<{ include: typeof include }>
export type QueueData = Omit<Prisma.QueueUncheckedCreateInput, 'domainId' | 'members'>

export const queuesRepository: ScopedRepository<QueueRow, QueueData> & {
  setMembers(tx: Tx, queueId: string, members: Array<{ userId: string; priority: number }>): Promise<void>
  isMember(db: Db, queueId: string, userId: string): Promise<boolean>
} = {
  findById: (db, id) => db.queue.findUnique({ where: { id }, include }),
  list: (db, where, skip, take) =>
    Promise.all([
      db.queue.findMany({ where: where as Prisma.QueueWhereInput, include, skip, take, orderBy: [{ domainId: 'asc' }, { name: 'asc' }] }),
      db.queue.count({ where: where as Prisma.QueueWhereInput }),
    ]),
  create: (tx, data) => tx.queue.create({ data, select: { id: true } }),
  update: (tx, id, version, data) => guardedUpdate(tx.queue, id, version, data),
  delete: async (tx, id) => void (await tx.queue.delete({ where: { id } })),
  async setMembers(tx, queueId, members) {
    await tx.queueMember.deleteMany({ where: { queueId } })
    if (members.length) await tx.queueMember.createMany({ data: members.map((m) => ({ queueId, ...m })) })
  },
  isMember: async (db, queueId, userId) => !!(await db.queueMember.findUnique({ where: { queueId_userId: { queueId, userId } }, select: { queueId: true } })),
}
