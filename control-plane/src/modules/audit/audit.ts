// The audit journal: append-only and hash-chained. Each entry's hash covers the previous hash and
// the entry's canonical JSON, so editing or deleting any row breaks every hash after it
// (verifyAuditChain finds the first break). Entries are written by services inside the same
// transaction as the change they describe, never by route handlers.
import { createHash } from 'node:crypto'
import type { Prisma } from '../../generated/prisma/client.ts'
import { emitEvent } from '../events/outbox.ts'

export type AuditVerb = 'created' | 'updated' | 'deleted' | 'imported' | 'revoked'
export type AuditAction =
  | `${string}.${AuditVerb}`
  | 'auth.login' | 'auth.login_failed' | 'auth.logout' | 'auth.locked' | 'auth.refresh_reuse' | 'auth.mfa'
  | 'apikey.used' | 'recording.accessed' | 'audit.archived' | 'sip.banned' | 'sip.unbanned' | 'user.exported' | 'user.erased'

export interface Actor {
  type: 'admin' | 'api_key' | 'system' | 'kamailio'
  id?: string
  role?: string
  ip?: string
  requestId?: string
  traceId?: string
}

export interface AuditInput {
  action: AuditAction
  entityType: string
  entityId?: string
  domainId?: string | null
  before?: unknown
  after?: unknown
}

export const GENESIS_HASH = '0'.repeat(64)
export const CHAIN_LOCK = 0x5b_a0_d1_7 // serialises appends so the chain never forks

const SECRET_KEYS = new Set(['ha1', 'ha1b', 'password', 'passwordHash', 'secret', 'secretCiphertext', 'totpSecretCiphertext', 'keyHash', 'recoveryCodeHashes', 'token'])

/** Secrets are replaced, not dropped, so the diff still shows that they changed. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets)
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'bigint') return value.toString()
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.has(k) && v != null ? '[secret]' : maskSecrets(v)]))
  }
  return value
}

/** JSON with sorted keys: the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

interface HashedFields {
  at: Date
  actorType: string
  actorId: string | null
  actorRole: string | null
  ip: string | null
  action: string
  entityType: string
  entityId: string | null
  domainId: string | null
  before: unknown
  after: unknown
  requestId: string | null
  traceId: string | null
}

export function entryHash(prevHash: string, f: HashedFields): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(f)).digest('hex')
}

export async function recordAudit(tx: Prisma.TransactionClient, actor: Actor, input: AuditInput) {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`)
  const last = await tx.auditEntry.findFirst({ orderBy: { id: 'desc' }, select: { hash: true } })
  const prevHash = last?.hash ?? GENESIS_HASH
  const fields: HashedFields = {
    at: new Date(),
    actorType: actor.type,
    actorId: actor.id ?? null,
    actorRole: actor.role ?? null,
    ip: actor.ip ?? null,
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId ?? null,
    domainId: input.domainId ?? null,
    before: input.before === undefined ? null : maskSecrets(input.before),
    after: input.after === undefined ? null : maskSecrets(input.after),
    requestId: actor.requestId ?? null,
    traceId: actor.traceId ?? null,
  }
  const hash = entryHash(prevHash, fields)
  const entry = await tx.auditEntry.create({
    data: { ...fields, before: fields.before as Prisma.InputJsonValue, after: fields.after as Prisma.InputJsonValue, prevHash, hash },
  })
  // audit.* events leave through the outbox, in this transaction: published iff journaled (the
  // outbox worker also writes them to the audit log stream, so that stream only shows committed entries)
  const data = { auditId: entry.id.toString(), action: fields.action, entityType: fields.entityType, entityId: fields.entityId, actor: { type: fields.actorType, id: fields.actorId, role: fields.actorRole, ip: fields.ip }, at: fields.at.toISOString(), hash, before: fields.before, after: fields.after }
  await emitEvent(tx, { type: `audit.${fields.action}`, domainId: fields.domainId, correlation: { requestId: fields.requestId ?? undefined, traceId: fields.traceId ?? undefined }, data })
  return entry
}

export interface ChainVerdict {
  ok: boolean
  checked: number
  firstBrokenId?: string
  reason?: string
}

/** Walks the chain in id order, in pages, recomputing every hash. */
export async function verifyAuditChain(db: Prisma.TransactionClient | { auditEntry: Prisma.TransactionClient['auditEntry'] }, pageSize = 1000): Promise<ChainVerdict> {
  let prev = GENESIS_HASH
  let checked = 0
  let cursor: bigint | undefined
  for (;;) {
    const rows = await db.auditEntry.findMany({ where: cursor === undefined ? {} : { id: { gt: cursor } }, orderBy: { id: 'asc' }, take: pageSize })
    if (rows.length === 0) return { ok: true, checked }
    for (const r of rows) {
      if (r.prevHash !== prev) return { ok: false, checked, firstBrokenId: r.id.toString(), reason: 'prevHash does not match the previous entry (a row was removed or reordered)' }
      const { id: _id, hash, prevHash: _p, ...fields } = r
      if (entryHash(prev, fields as HashedFields) !== hash) return { ok: false, checked, firstBrokenId: r.id.toString(), reason: 'the entry was modified after it was written' }
      prev = hash
      checked++
      cursor = r.id
    }
  }
}
