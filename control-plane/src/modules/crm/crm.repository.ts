// The only place CRM connectors touch Prisma.
import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts'

type Db = PrismaClient | Prisma.TransactionClient

export const crmRepository = {
  enabled: (db: Db) => db.crmConnector.findMany({ where: { enabled: true } }),
  findByDomain: (db: Db, domainId: string) => db.crmConnector.findUnique({ where: { domainId } }),
  upsert: (db: Db, domainId: string, data: Omit<Prisma.CrmConnectorUncheckedCreateInput, 'domainId'>) =>
    db.crmConnector.upsert({ where: { domainId }, create: { ...data, domainId }, update: { ...data, version: { increment: 1 } } }),
  delete: (db: Db, domainId: string) => db.crmConnector.delete({ where: { domainId } }),
}
