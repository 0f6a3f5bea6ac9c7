// The outbox worker's queries, and the only place it touches Prisma.
import type { PrismaClient } from '../../generated/prisma/client.ts'

export function outboxRepository(prisma: PrismaClient) {
  return {
    /** Oldest first: consumers see a call's events in the order they happened. */
    unpublished: (take: number) => prisma.outboxEvent.findMany({ where: { publishedAt: null }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take }),
    oldestUnpublished: () => prisma.outboxEvent.findFirst({ where: { publishedAt: null }, orderBy: { createdAt: 'asc' }, select: { createdAt: true } }),
    enabledSubscriptions: () => prisma.webhookSubscription.findMany({ where: { enabled: true } }),
    /** Fan-out and "published" in one transaction: the deliveries exist iff the event is marked.
     *  Without deliveries (no webhook wants these events) the mark alone: one statement, not three
     *  round trips (the outbox sees every CDR change: 3 events per call). */
    markDispatched: (ids: string[], deliveries: Array<{ subscriptionId: string; eventId: string }>) => {
      const mark = (db: Pick<PrismaClient, 'outboxEvent'>) => db.outboxEvent.updateMany({ where: { id: { in: ids } }, data: { publishedAt: new Date() } })
      if (deliveries.length === 0) return mark(prisma).then(() => undefined)
      return prisma.$transaction(async (tx) => {
        await tx.webhookDelivery.createMany({ data: deliveries, skipDuplicates: true })
        await mark(tx)
      })
    },
    failedDispatch: (ids: string[]) => prisma.outboxEvent.updateMany({ where: { id: { in: ids } }, data: { attempts: { increment: 1 } } }),
    dueDeliveries: (take: number) =>
      prisma.webhookDelivery.findMany({
        where: { status: { in: ['PENDING', 'FAILED'] }, nextAttemptAt: { lte: new Date() }, subscription: { enabled: true } },
        orderBy: [{ nextAttemptAt: 'asc' }],
        take,
        include: { event: true, subscription: true },
      }),
    delivered: (id: string, status: number | undefined, attempts: number) =>
      prisma.webhookDelivery.update({ where: { id }, data: { status: 'DELIVERED', attempts, deliveredAt: new Date(), lastStatusCode: status ?? null, lastError: null } }),
    failed: (id: string, attempts: number, dead: boolean, next: Date, status: number | undefined, error: string) =>
      prisma.webhookDelivery.update({ where: { id }, data: { status: dead ? 'DEAD' : 'FAILED', attempts, nextAttemptAt: next, lastStatusCode: status ?? null, lastError: error } }),
  }
}
