// The only Prisma access for the SIP trust list: the trunks' inbound addresses and the allowlist.
import type { PrismaClient, Prisma } from '../../generated/prisma/client.ts'

type Db = PrismaClient | Prisma.TransactionClient

export const securityRepository = {
  trunkSources: (db: Db) => db.trunk.findMany({ where: { inboundIps: { isEmpty: false } }, select: { name: true, inboundIps: true } }),
  allowlist: (db: Db) => db.sipAllowlistEntry.findMany({ orderBy: { createdAt: 'asc' } }),
  allowlistById: (db: Db, id: string) => db.sipAllowlistEntry.findUnique({ where: { id } }),
  addAllowlist: (db: Db, data: { ip: string; reason: string | null }) => db.sipAllowlistEntry.create({ data }),
  removeAllowlist: (db: Db, id: string) => db.sipAllowlistEntry.delete({ where: { id } }),
}
