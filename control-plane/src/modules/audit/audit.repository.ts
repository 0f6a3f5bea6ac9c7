// The only Prisma access for reading, verifying and archiving the journal.
import type { PrismaClient, Prisma } from '../../generated/prisma/client.ts'

type Tx = Prisma.TransactionClient

export interface AuditFilter {
  action?: string
  entityType?: string
  entityId?: string
  actorId?: string
  domainId?: string
  from?: Date
  to?: Date
  /** keyset pagination: entries with an id below this one (newest first) */
  before?: bigint
}

export const auditRepository = {
  list(db: PrismaClient | Tx, f: AuditFilter, limit: number) {
    const where: Prisma.AuditEntryWhereInput = {
      ...(f.action ? { action: f.action.endsWith('.') || !f.action.includes('.') ? { startsWith: f.action } : f.action } : {}),
      ...(f.entityType ? { entityType: f.entityType } : {}),
      ...(f.entityId ? { entityId: f.entityId } : {}),
      ...(f.actorId ? { actorId: f.actorId } : {}),
      ...(f.domainId ? { domainId: f.domainId } : {}),
      ...(f.from || f.to ? { at: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } } : {}),
      ...(f.before !== undefined ? { id: { lt: f.before } } : {}),
    }
    return db.auditEntry.findMany({ where, orderBy: { id: 'desc' }, take: limit })
  },

  checkpoint: (db: PrismaClient | Tx) => db.auditCheckpoint.findUnique({ where: { id: 1 } }),

  livePage: (db: PrismaClient | Tx, afterId: bigint | undefined, take: number) =>
    db.auditEntry.findMany({ where: afterId === undefined ? {} : { id: { gt: afterId } }, orderBy: { id: 'asc' }, take }),

  archivePage: (db: PrismaClient | Tx, afterId: bigint | undefined, take: number) =>
    db.auditArchive.findMany({ where: afterId === undefined ? {} : { id: { gt: afterId } }, orderBy: { id: 'asc' }, take }),

  /** The newest entry written before the cutoff: everything up to it leaves the live table. */
  async lastBefore(tx: Tx, cutoff: Date) {
    return tx.auditEntry.findFirst({ where: { at: { lt: cutoff } }, orderBy: { id: 'desc' }, select: { id: true, hash: true } })
  },

  /** Copies the prefix up to `boundaryId` into the archive and removes it from the live table. */
  async movePrefixToArchive(tx: Tx, boundaryId: bigint): Promise<number> {
    const cols = '"id","at","actorType","actorId","actorRole","ip","action","entityType","entityId","domainId","before","after","requestId","traceId","prevHash","hash"'
    const copied = await tx.$executeRawUnsafe(`INSERT INTO audit_archive (${cols}) SELECT ${cols} FROM audit_entries WHERE id <= $1`, boundaryId)
    const removed = await tx.$executeRawUnsafe('DELETE FROM audit_entries WHERE id <= $1', boundaryId)
    if (copied !== removed) throw new Error(`audit archive: copied ${copied} rows but removed ${removed}`)
    return removed
  },

  saveCheckpoint: (tx: Tx, lastArchivedId: bigint, lastArchivedHash: string, added: number) =>
    tx.auditCheckpoint.upsert({
      where: { id: 1 },
      create: { id: 1, lastArchivedId, lastArchivedHash, archivedCount: BigInt(added) },
      update: { lastArchivedId, lastArchivedHash, archivedCount: { increment: BigInt(added) } },
    }),
}
