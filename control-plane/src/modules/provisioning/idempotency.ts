// Idempotency-Key on POST (the IETF httpapi draft's semantics): the first completed answer for a
// (key, actor) is stored in the same transaction as the change and replayed for retries; the same
// key with a different request is a 422.
import { createHash } from 'node:crypto'
import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts'
import { BadRequest, Invalid } from '../../lib/errors.ts'

export interface IdempotencyIntent {
  key: string
  actor: string
  method: string
  path: string
  requestHash: string
}

const KEY_SHAPE = /^[A-Za-z0-9._:-]{8,128}$/

export function idempotencyIntent(header: string | string[] | undefined, actor: string, method: string, path: string, body: unknown): IdempotencyIntent | undefined {
  if (header === undefined) return undefined
  const key = Array.isArray(header) ? header[0] : header
  if (!KEY_SHAPE.test(key)) throw BadRequest('invalid_idempotency_key', 'Idempotency-Key must be 8–128 characters of [A-Za-z0-9._:-]')
  const requestHash = createHash('sha256').update(method).update(path).update(JSON.stringify(body ?? null)).digest('hex')
  return { key: `${actor}:${key}`, actor, method, path, requestHash }
}

/** A stored answer to replay, or undefined when this key is new. */
export async function findReplay(prisma: PrismaClient, intent: IdempotencyIntent): Promise<{ statusCode: number; body: unknown } | undefined> {
  const row = await prisma.idempotencyRecord.findUnique({ where: { key: intent.key } })
  if (!row) return undefined
  if (row.requestHash !== intent.requestHash) {
    throw Invalid('idempotency_key_reused', 'this Idempotency-Key was already used for a different request')
  }
  return { statusCode: row.statusCode, body: row.responseBody }
}

export async function storeAnswer(tx: Prisma.TransactionClient, intent: IdempotencyIntent, statusCode: number, body: unknown) {
  await tx.idempotencyRecord.create({
    data: { key: intent.key, actor: intent.actor, method: intent.method, path: intent.path, requestHash: intent.requestHash, statusCode, responseBody: JSON.parse(JSON.stringify(body)) },
  })
}
