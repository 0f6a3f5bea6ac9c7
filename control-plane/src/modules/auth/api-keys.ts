// Machine credentials. A key is `sbk_<prefix>_<secret>`: the prefix finds the row, the secret is
// only ever stored as a sha256 (it has 192 bits of entropy, so a slow hash buys nothing).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Prisma } from '../../generated/prisma/client.ts'
import type { Role } from '../../generated/prisma/enums.ts'

export interface Principal {
  kind: 'api_key' | 'admin' | 'internal'
  id: string
  role: Role
  /** null: every domain */
  domainId: string | null
  name: string
  /** API keys: a narrower set of permissions than the role; empty or absent: the whole role */
  scopes?: string[]
  /** AGENT accounts: the SIP user whose queue state they may change (agents:self) */
  userId?: string | null
  /** admin sessions: the refresh family the access token belongs to */
  sessionId?: string
  /** an ADMIN who proved the password but has no TOTP yet: only MFA enrolment is open */
  mfaPending?: boolean
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

export function parseApiKey(token: string): { prefix: string; secret: string } | undefined {
  const m = /^sbk_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{32})$/.exec(token)
  return m ? { prefix: m[1], secret: m[2] } : undefined
}

export async function createApiKey(db: Prisma.TransactionClient, input: { name: string; role: Role; domainId?: string | null; expiresAt?: Date | null; createdById?: string | null; scopes?: string[] }) {
  const prefix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 8)
  const secret = randomBytes(24).toString('base64url')
  const row = await db.apiKey.create({
    data: { name: input.name, role: input.role, domainId: input.domainId ?? null, expiresAt: input.expiresAt ?? null, createdById: input.createdById ?? null, scopes: input.scopes ?? [], prefix, keyHash: sha256(secret) },
  })
  return { id: row.id, key: `sbk_${prefix}_${secret}`, prefix }
}

export async function verifyApiKey(db: Prisma.TransactionClient, token: string, now = new Date()): Promise<(Principal & { lastUsedAt: Date | null }) | undefined> {
  const parsed = parseApiKey(token)
  if (!parsed) return undefined
  const row = await db.apiKey.findUnique({ where: { prefix: parsed.prefix } })
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return undefined
  const a = Buffer.from(row.keyHash, 'hex')
  const b = Buffer.from(sha256(parsed.secret), 'hex')
  if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined
  return { kind: 'api_key', id: row.id, role: row.role, domainId: row.domainId, name: row.name, scopes: row.scopes, lastUsedAt: row.lastUsedAt }
}

/** What a listing may show: never the hash, only the prefix that identifies the key. */
export function toApiKeyItem(k: { id: string; name: string; prefix: string; role: Role; domainId: string | null; scopes: string[]; expiresAt: Date | null; revokedAt: Date | null; lastUsedAt: Date | null; createdById: string | null; createdAt: Date }) {
  return {
    id: k.id, name: k.name, prefix: `sbk_${k.prefix}_`, role: k.role, domainId: k.domainId, scopes: k.scopes,
    expiresAt: k.expiresAt?.toISOString() ?? null, revokedAt: k.revokedAt?.toISOString() ?? null, lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    createdById: k.createdById, createdAt: k.createdAt.toISOString(),
  }
}

export const apiKeysRepository = {
  list: (db: Prisma.TransactionClient, where: Prisma.ApiKeyWhereInput, take: number, skip: number) =>
    Promise.all([db.apiKey.findMany({ where, orderBy: { createdAt: 'desc' }, take, skip }), db.apiKey.count({ where })]),
  byId: (db: Prisma.TransactionClient, id: string) => db.apiKey.findUnique({ where: { id } }),
  revoke: (db: Prisma.TransactionClient, id: string) => db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } }),
}
