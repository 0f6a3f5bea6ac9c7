// Writing events: always inside the caller's transaction (the outbox pattern), so an event exists
// if and only if the change it describes was committed. The row keeps the correlation ids and the
// data; the worker wraps them into the envelope when it delivers.
import type { OutboxEvent, Prisma } from '../../generated/prisma/client.ts'
import { currentTraceId } from '../../lib/tracing.ts'
import { versionOf, type Correlation, type EventEnvelope } from './contract.ts'

export interface NewEvent {
  type: string
  domainId?: string | null
  correlation?: Correlation
  data: unknown
}

interface StoredPayload {
  version: number
  correlation: Correlation
  data: Record<string, unknown>
}

const jsonSafe = (v: unknown) => JSON.parse(JSON.stringify(v)) as Prisma.InputJsonValue

/** The outbox row of an event, for a caller that inserts many at once (createMany) in its transaction. */
export function outboxRow(e: NewEvent): Prisma.OutboxEventCreateManyInput {
  const traceId = e.correlation?.traceId ?? currentTraceId()
  const correlation = { ...e.correlation, ...(traceId ? { traceId } : {}) }
  const payload = jsonSafe({ version: versionOf(e.type), correlation, data: e.data })
  return { type: e.type, domainId: e.domainId ?? null, payload }
}

export async function emitEvent(tx: Prisma.TransactionClient, e: NewEvent): Promise<OutboxEvent> {
  return tx.outboxEvent.create({ data: outboxRow(e) })
}

export function toEnvelope(row: Pick<OutboxEvent, 'id' | 'type' | 'domainId' | 'payload' | 'createdAt'>): EventEnvelope {
  const p = row.payload as unknown as StoredPayload
  const correlation = Object.fromEntries(Object.entries(p.correlation ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== ''))
  return { id: row.id, type: row.type, version: p.version ?? 1, occurredAt: row.createdAt.toISOString(), domainId: row.domainId, correlation, data: p.data ?? {} }
}
