import type { Prisma, Trunk } from '../../generated/prisma/client.ts'
import type { ScopedRepository } from '../provisioning/scoped-service.ts'
import { guardedUpdate } from '../provisioning/versioning.ts'

export type TrunkData = Omit<Prisma.TrunkUncheckedCreateInput, 'domainId'>

export const trunksRepository: ScopedRepository<Trunk, TrunkData> = {
  findById: (db, id) => db.trunk.findUnique({ where: { id } }),
  list: (db, where, skip, take) =>
    Promise.all([
      db.trunk.findMany({ where: where as Prisma.TrunkWhereInput, skip, take, orderBy: [{ domainId: 'asc' }, { priority: 'asc' }, { name: 'asc' }] }),
      db.trunk.count({ where: where as Prisma.TrunkWhereInput }),
    ]),
  create: (tx, data) => tx.trunk.create({ data, select: { id: true } }),
  update: (tx, id, version, data) => guardedUpdate(tx.trunk, id, version, data),
  delete: async (tx, id) => void (await tx.trunk.delete({ where: { id } })),
}
