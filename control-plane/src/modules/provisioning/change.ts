// The unit of work for every provisioning write: the change, its audit entry and the routing epoch
// bump commit together or not at all. After the commit, every instance is told to rebuild its
// routing snapshot (Redis pub/sub, or in-process without Redis).
import type { PrismaClient, Prisma } from '../../generated/prisma/client.ts'
import type { SharedState } from '../../shared-state/shared-state.ts'
import { recordAudit, type Actor, type AuditInput } from '../audit/audit.ts'
import { withDbErrors } from '../../lib/prisma-errors.ts'
import { storeAnswer, type IdempotencyIntent } from './idempotency.ts'

export const ROUTING_CHANNEL = 'routing.changed'

export interface ChangeDeps {
  prisma: PrismaClient
  state: SharedState
}

export async function bumpRoutingEpoch(tx: Prisma.TransactionClient): Promise<bigint> {
  const rows = await tx.$queryRawUnsafe<Array<{ version: bigint }>>(
    `INSERT INTO routing_epoch (id, version, "updatedAt") VALUES (1, 2, now())
     ON CONFLICT (id) DO UPDATE SET version = routing_epoch.version + 1, "updatedAt" = now() RETURNING version`,
  )
  return BigInt(rows[0].version)
}

export async function commitChange<T>(
  deps: ChangeDeps,
  actor: Actor,
  entity: string,
  fn: (tx: Prisma.TransactionClient) => Promise<{ result: T; audit: AuditInput | AuditInput[] }>,
  opts: { affectsRouting?: boolean; idempotency?: IdempotencyIntent; created?: boolean } = {},
): Promise<T> {
  let epoch: bigint | undefined
  const result = await withDbErrors(entity, () =>
    deps.prisma.$transaction(async (tx) => {
      const { result, audit } = await fn(tx)
      for (const entry of [audit].flat()) await recordAudit(tx, actor, entry)
      if (opts.affectsRouting !== false) epoch = await bumpRoutingEpoch(tx)
      if (opts.idempotency) await storeAnswer(tx, opts.idempotency, opts.created ? 201 : 200, result)
      return result
    }),
  )
  if (epoch !== undefined) {
    // best effort: a lost message is caught up by the snapshot's periodic epoch check
    await deps.state.publish(ROUTING_CHANNEL, epoch.toString()).catch(() => {})
  }
  return result
}
