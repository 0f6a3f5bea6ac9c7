import type { Prisma, User } from '../../generated/prisma/client.ts'
import type { ScopedRepository } from '../provisioning/scoped-service.ts'
import { guardedUpdate } from '../provisioning/versioning.ts'

export type UserData = Omit<Prisma.UserUncheckedCreateInput, 'domainId'>

export const usersRepository: ScopedRepository<User, UserData> = {
  findById: (db, id) => db.user.findUnique({ where: { id } }),
  list: (db, where, skip, take) =>
    Promise.all([
      db.user.findMany({ where: where as Prisma.UserWhereInput, skip, take, orderBy: [{ domainId: 'asc' }, { extension: 'asc' }] }),
      db.user.count({ where: where as Prisma.UserWhereInput }),
    ]),
  create: (tx, data) => tx.user.create({ data, select: { id: true } }),
  update: (tx, id, version, data) => guardedUpdate(tx.user, id, version, data),
  delete: async (tx, id) => void (await tx.user.delete({ where: { id } })),
}
