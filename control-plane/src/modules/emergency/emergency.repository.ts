import type { EmergencyNumber, Prisma } from '../../generated/prisma/client.ts'
import type { ScopedRepository } from '../provisioning/scoped-service.ts'
import { guardedUpdate } from '../provisioning/versioning.ts'

export type EmergencyData = Omit<Prisma.EmergencyNumberUncheckedCreateInput, 'domainId'>

export const emergencyRepository: ScopedRepository<EmergencyNumber, EmergencyData> = {
  findById: (db, id) => db.emergencyNumber.findUnique({ where: { id } }),
  list: (db, where, skip, take) =>
    Promise.all([
      db.emergencyNumber.findMany({ where: where as Prisma.EmergencyNumberWhereInput, skip, take, orderBy: [{ domainId: 'asc' }, { number: 'asc' }] }),
      db.emergencyNumber.count({ where: where as Prisma.EmergencyNumberWhereInput }),
    ]),
  create: (tx, data) => tx.emergencyNumber.create({ data, select: { id: true } }),
  update: (tx, id, version, data) => guardedUpdate(tx.emergencyNumber, id, version, data),
  delete: async (tx, id) => void (await tx.emergencyNumber.delete({ where: { id } })),
}
