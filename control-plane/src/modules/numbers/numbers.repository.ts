import type { PhoneNumber, Prisma } from '../../generated/prisma/client.ts'
import type { Db, ScopedRepository } from '../provisioning/scoped-service.ts'
import { guardedUpdate } from '../provisioning/versioning.ts'

export type NumberData = Omit<Prisma.PhoneNumberUncheckedCreateInput, 'domainId'>

export const numbersRepository: ScopedRepository<PhoneNumber, NumberData> & { exists(db: Db, e164: string): Promise<boolean> } = {
  findById: (db, id) => db.phoneNumber.findUnique({ where: { id } }),
  list: (db, where, skip, take) =>
    Promise.all([
      db.phoneNumber.findMany({ where: where as Prisma.PhoneNumberWhereInput, skip, take, orderBy: { e164: 'asc' } }),
      db.phoneNumber.count({ where: where as Prisma.PhoneNumberWhereInput }),
    ]),
  create: (tx, data) => tx.phoneNumber.create({ data, select: { id: true } }),
  update: (tx, id, version, data) => guardedUpdate(tx.phoneNumber, id, version, data),
  delete: async (tx, id) => void (await tx.phoneNumber.delete({ where: { id } })),
  exists: async (db, e164) => !!(await db.phoneNumber.findUnique({ where: { e164 }, select: { id: true } })),
}
