// Verifying the whole journal: the archived part from the genesis hash up to the checkpoint, then
// the live part starting from the checkpoint's boundary hash. Archiving therefore never weakens
// the proof: a row edited in either table, or removed from either, breaks the walk.
import type { PrismaClient } from '../../generated/prisma/client.ts'
import { entryHash, GENESIS_HASH, type ChainVerdict } from './audit.ts'
import { auditRepository as repo } from './audit.repository.ts'

type Row = { id: bigint; hash: string; prevHash: string } & Record<string, unknown>
type PageFn = (afterId: bigint | undefined, take: number) => Promise<Row[]>

async function walk(page: PageFn, start: string, pageSize: number): Promise<ChainVerdict & { lastHash: string }> {
  let prev = start
  let checked = 0
  let cursor: bigint | undefined
  for (;;) {
    const rows = await page(cursor, pageSize)
    if (rows.length === 0) return { ok: true, checked, lastHash: prev }
    for (const r of rows) {
      if (r.prevHash !== prev) return { ok: false, checked, lastHash: prev, firstBrokenId: r.id.toString(), reason: 'prevHash does not match the previous entry (a row was removed or reordered)' }
      const { id: _id, hash, prevHash: _p, archivedAt: _a, ...fields } = r
      if (entryHash(prev, fields as unknown as Parameters<typeof entryHash>[1]) !== hash) return { ok: false, checked, lastHash: prev, firstBrokenId: r.id.toString(), reason: 'the entry was modified after it was written' }
      prev = hash
      checked++
      cursor = r.id
    }
  }
}

export interface FullVerdict extends ChainVerdict {
  archived: { checked: number; boundaryId: string | null; boundaryHash: string | null }
  where?: 'archive' | 'live'
}

export async function verifyJournal(prisma: PrismaClient, pageSize = 1000): Promise<FullVerdict> {
  const cp = await repo.checkpoint(prisma)
  const archived = { checked: 0, boundaryId: cp?.lastArchivedId.toString() ?? null, boundaryHash: cp?.lastArchivedHash ?? null }
  let start = GENESIS_HASH
  if (cp) {
    const a = await walk((after, take) => repo.archivePage(prisma, after, take) as Promise<Row[]>, GENESIS_HASH, pageSize)
    archived.checked = a.checked
    if (!a.ok) return { ...strip(a), archived, where: 'archive' }
    if (a.lastHash !== cp.lastArchivedHash) return { ok: false, checked: 0, archived, where: 'archive', reason: 'the archive does not end at the checkpoint hash (archived rows were removed)' }
    start = cp.lastArchivedHash
  }
  const live = await walk((after, take) => repo.livePage(prisma, after, take) as Promise<Row[]>, start, pageSize)
  return { ...strip(live), archived, ...(live.ok ? {} : { where: 'live' as const }) }
}

const strip = ({ lastHash: _l, ...v }: ChainVerdict & { lastHash: string }): ChainVerdict => v
