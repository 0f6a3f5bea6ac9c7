// The only place webhook subscriptions and deliveries touch Prisma.
import type { DeliveryStatus, Prisma, PrismaClient } from '../../generated/prisma/client.ts'

type Db = PrismaClient | Prisma.TransactionClient

export const webhooksRepository = {
  list: (db: Db, where: Prisma.WebhookSubscriptionWhereInput, skip: number, take: number) =>
    Promise.all([db.webhookSubscription.findMany({ where, skip, take, orderBy: [{ createdAt: 'asc' }] }), db.webhookSubscription.count({ where })]),
  findById: (db: Db, id: string) => db.webhookSubscription.findUnique({ where: { id } }),
  create: (db: Db, data: Prisma.WebhookSubscriptionUncheckedCreateInput) => db.webhookSubscription.create({ data }),
  update: (db: Db, id: string, version: number | undefined, data: Prisma.WebhookSubscriptionUncheckedUpdateInput) =>
    db.webhookSubscription.updateMany({ where: { id, ...(version !== undefined ? { version } : {}) }, data: { ...data, version: { increment: 1 } } }),
  delete: (db: Db, id: string) => db.webhookSubscription.delete({ where: { id } }),

  deliveries: (db: Db, subscriptionId: string, status: DeliveryStatus | undefined, skip: number, take: number) => {
    const where = { subscriptionId, ...(status ? { status } : {}) }
    return Promise.all([
      db.webhookDelivery.findMany({ where, skip, take, orderBy: [{ createdAt: 'desc' }], include: { event: { select: { type: true, createdAt: true } } } }),
      db.webhookDelivery.count({ where }),
    ])
  },

  /** Deliveries for events that never had one for this subscription (created before it, or filtered out then). */
  ensureDeliveries: (db: Db, subscriptionId: string, eventIds: string[]) =>
    db.webhookDelivery.createMany({ data: eventIds.map((eventId) => ({ subscriptionId, eventId })), skipDuplicates: true }),

  requeue: (db: Db, where: Prisma.WebhookDeliveryWhereInput) =>
    db.webhookDelivery.updateMany({ where, data: { status: 'PENDING', attempts: 0, nextAttemptAt: new Date(), lastError: null } }),
}
