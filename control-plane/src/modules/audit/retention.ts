// The retention window of the journal (13 months by default, at least 12): entries older than it
// are moved to audit_archive, never deleted silently, and the hash of the last moved entry is kept
// as the checkpoint the live chain now starts from. The move itself is journaled. One transaction
// under the chain lock, so an append can never see a half-moved chain.
import type { PrismaClient } from '../../generated/prisma/client.ts'
import { CHAIN_LOCK, recordAudit } from './audit.ts'
import { auditRepository as repo } from './audit.repository.ts'

export interface ArchiveResult {
  archived: number
  boundaryId?: string
  boundaryHash?: string
}

export async function archiveExpiredEntries(prisma: PrismaClient, retentionDays: number, now = new Date()): Promise<ArchiveResult> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000)
  return prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`)
    const boundary = await repo.lastBefore(tx, cutoff)
    if (!boundary) return { archived: 0 }
    const archived = await repo.movePrefixToArchive(tx, boundary.id)
    await repo.saveCheckpoint(tx, boundary.id, boundary.hash, archived)
    const result = { archived, boundaryId: boundary.id.toString(), boundaryHash: boundary.hash }
    await recordAudit(tx, { type: 'system' }, { action: 'audit.archived', entityType: 'audit_journal', after: { ...result, cutoff: cutoff.toISOString(), retentionDays } })
    return result
  }, { timeout: 120_000 })
}
