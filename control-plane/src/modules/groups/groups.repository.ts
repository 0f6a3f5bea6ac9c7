import type { Prisma } from '../../generated/prisma/client.ts'
import type { ScopedRepository, Tx } from '../provisioning/scoped-service.ts'
import { guardedUpdate } from '../provisioning/versioning.ts'

const include = { members: { orderBy: { position: 'asc' as const } } }
export type GroupRow = Prisma.GroupGetPayload<{ include: typeof include }>
export type GroupData = Omit<Prisma.GroupUncheckedCreateInput, 'domainId' | 'members'>

export const groupsRepository: ScopedRepository<GroupRow, GroupData> & { setMembers(tx: Tx, groupId: string, members: Array<{ userId: string; position: number }>): Promise<void> } = {
  findById: (db, id) => db.group.findUnique({ where: { id }, include }),
  list: (db, where, skip, take) =>
    Promise.all([
      db.group.findMany({ where: where as Prisma.GroupWhereInput, include, skip, take, orderBy: [{ domainId: 'asc' }, { name: 'asc' }] }),
      db.group.count({ where: where as Prisma.GroupWhereInput }),
    ]),
  create: (tx, data) => tx.group.create({ data, select: { id: true } }),
  update: (tx, id, version, data) => guardedUpdate(tx.group, id, version, data),
  delete: async (tx, id) => void (await tx.group.delete({ where: { id } })),
  async setMembers(tx, groupId, members) {
    await tx.groupMember.deleteMany({ where: { groupId } })
    if (members.length) await tx.groupMember.createMany({ data: members.map((m) => ({ groupId, ...m })) })
  },
}
