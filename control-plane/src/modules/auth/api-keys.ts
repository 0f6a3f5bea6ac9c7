// Machine credentials. A key is `sbk_<prefix>_<secret>`: the prefix finds the row, the secret is
// only ever stored as a sha256 (it has 192 bits of entropy, so a slow hash buys nothing).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Db } from '../../db/database.ts'
import type { Role } from '../../generated/prisma/enums.ts'

export interface Principal {
  kind: 'api_key' | 'admin' | 'internal'
  id: string
  role: Role
  /** null: every domain */
  domainId: string | null
  name: string
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

export function parseApiKey(token: string): { prefix: string; secret: string } | undefined {
  const m = /^sbk_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{32})$/.exec(token)
  return m ? { prefix: m[1], secret: m[2] } : undefined
}

export async function createApiKey(db: Db, input: { name: string; role: Role; domainId?: string | null; expiresAt?: Date | null; createdById?: string | null }) {
  const prefix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 8)
  const secret = randomBytes(24).toString('base64url')
  const row = await db.apiKey.create({
    data: { name: input.name, role: input.role, domainId: input.domainId ?? null, expiresAt: input.expiresAt ?? null, createdById: input.createdById ?? null, prefix, keyHash: sha256(secret) },
  })
  return { id: row.id, key: `sbk_${prefix}_${secret}`, prefix }
}

export async function verifyApiKey(db: Db, token: string, now = new Date()): Promise<Principal | undefined> {
  const parsed = parseApiKey(token)
  if (!parsed) return undefined
  const row = await db.apiKey.findUnique({ where: { prefix: parsed.prefix } })
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return undefined
  const a = Buffer.from(row.keyHash, 'hex')
  const b = Buffer.from(sha256(parsed.secret), 'hex')
  if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined
  return { kind: 'api_key', id: row.id, role: row.role, domainId: row.domainId, name: row.name }
}
