// Optimistic concurrency for every versioned row: an update applies only if the row still has the
// version that was read (and, with If-Match, the version the client saw), and bumps it.
import { PreconditionFailed } from '../../lib/errors.ts'

interface VersionedDelegate {
  updateMany(args: { where: { id: string; version: number }; data: Record<string, unknown> }): Promise<{ count: number }>
}

export function checkExpected(current: number, expected: number | undefined) {
  if (expected !== undefined && expected !== current) throw PreconditionFailed()
}

export async function guardedUpdate(delegate: unknown, id: string, current: number, data: Record<string, unknown>) {
  const { count } = await (delegate as VersionedDelegate).updateMany({ where: { id, version: current }, data: { ...data, version: { increment: 1 } } })
  if (count === 0) throw PreconditionFailed('the resource was changed by someone else meanwhile; fetch it again')
}
