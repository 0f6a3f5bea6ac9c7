import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts'

type Client = PrismaClient | Prisma.TransactionClient

export const domainsRepository = {
  findById: (db: Client, id: string) => db.domain.findUnique({ where: { id } }),
  findByName: (db: Client, name: string) => db.domain.findUnique({ where: { name } }),
  list: (db: Client, where: Prisma.DomainWhereInput, skip: number, take: number) =>
    Promise.all([db.domain.findMany({ where, skip, take, orderBy: { name: 'asc' } }), db.domain.count({ where })]),
  create: (db: Client, data: Prisma.DomainUncheckedCreateInput) => db.domain.create({ data }),
  delete: (db: Client, id: string) => db.domain.delete({ where: { id } }),
  dialPlanInDomain: (db: Client, dialPlanId: string, domainId: string) => db.dialPlan.findFirst({ where: { id: dialPlanId, domainId }, select: { id: true } }),
}
