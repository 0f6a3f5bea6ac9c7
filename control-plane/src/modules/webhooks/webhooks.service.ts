// Webhook subscriptions: the rules. The secret is generated (or given), sealed with lib/crypto
// (bound to the subscription id) and shown exactly once, in the create/rotate answer. A domain-scoped
// principal manages its domain's subscriptions only; a platform-wide one (domainId null) needs an
// unscoped principal. Every change is journaled through commitChange.
import { randomBytes, randomUUID } from 'node:crypto'
import type { DeliveryStatus, PrismaClient, WebhookSubscription } from '../../generated/prisma/client.ts'
import type { SharedState } from '../../shared-state/shared-state.ts'
import { encrypt, type KeyRing } from '../../lib/crypto.ts'
import { Invalid, NotFound, PreconditionFailed } from '../../lib/errors.ts'
import { commitChange } from '../provisioning/change.ts'
import type { RequestCtx } from '../provisioning/context.ts'
import type { Page } from '../provisioning/resource-routes.ts'
import { webhooksRepository as repo } from './webhooks.repository.ts'

export interface WebhookInput {
  domainId?: string | null
  name: string
  url: string
  eventTypes?: string[]
  secret?: string
  enabled?: boolean
}

export interface ReplayInput {
  deliveryIds?: string[]
  eventIds?: string[]
  status?: DeliveryStatus
}

const publicView = ({ secretCiphertext: _c, secretKeyId: _k, ...rest }: WebhookSubscription) => rest

function checkUrl(url: string) {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw Invalid('invalid_url', 'url must be an absolute http(s) URL')
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw Invalid('invalid_url', 'url must use http or https')
  if (u.username || u.password) throw Invalid('invalid_url', 'put no credentials in the URL: requests are signed with the secret')
}

export function webhooksService(deps: { prisma: PrismaClient; state: SharedState; keys: KeyRing }) {
  const seal = (id: string, secret: string) => {
    const s = encrypt(secret, deps.keys, `webhook:${id}`)
    return { secretCiphertext: s.ciphertext, secretKeyId: s.keyId }
  }
  const load = async (id: string, ctx: RequestCtx) => {
    const row = await repo.findById(deps.prisma, id)
    if (!row || (ctx.domainScope !== null && row.domainId !== ctx.domainScope)) throw NotFound('webhook', id)
    return row
  }
  const change = <T>(ctx: RequestCtx, fn: Parameters<typeof commitChange<T>>[3]) =>
    commitChange({ prisma: deps.prisma, state: deps.state }, ctx.actor, 'webhook', fn, { affectsRouting: false })

  return {
    async list(filter: { domainId?: string }, page: Page, ctx: RequestCtx) {
      if (ctx.domainScope !== null && filter.domainId && filter.domainId !== ctx.domainScope) return { items: [], total: 0 }
      const where = ctx.domainScope !== null ? { domainId: ctx.domainScope } : filter.domainId ? { domainId: filter.domainId } : {}
      const [rows, total] = await repo.list(deps.prisma, where, page.offset, page.limit)
      return { items: rows.map(publicView), total }
    },

    get: async (id: string, ctx: RequestCtx) => publicView(await load(id, ctx)),

    async create(input: WebhookInput, ctx: RequestCtx) {
      checkUrl(input.url)
      const domainId = ctx.domainScope ?? input.domainId ?? null
      if (ctx.domainScope !== null && input.domainId && input.domainId !== ctx.domainScope) throw NotFound('domain', input.domainId)
      const id = randomUUID()
      const secret = input.secret ?? randomBytes(32).toString('base64url')
      const row = await change(ctx, async (tx) => {
        const created = await repo.create(tx, { id, domainId, name: input.name, url: input.url, eventTypes: input.eventTypes ?? [], enabled: input.enabled ?? true, ...seal(id, secret) })
        return { result: created, audit: { action: 'webhook.created', entityType: 'webhook', entityId: id, domainId, after: publicView(created) } }
      })
      return { ...publicView(row), secret }
    },

    async update(id: string, patch: Partial<Omit<WebhookInput, 'domainId'>> & { rotateSecret?: boolean }, expectedVersion: number | undefined, ctx: RequestCtx) {
      const before = await load(id, ctx)
      if (patch.url) checkUrl(patch.url)
      const secret = patch.rotateSecret ? randomBytes(32).toString('base64url') : patch.secret
      const { rotateSecret: _r, secret: _s, ...fields } = patch
      const row = await change(ctx, async (tx) => {
        const n = await repo.update(tx, id, expectedVersion, { ...fields, ...(secret ? seal(id, secret) : {}) })
        if (n.count === 0) throw PreconditionFailed()
        const after = (await repo.findById(tx, id))!
        return { result: after, audit: { action: 'webhook.updated', entityType: 'webhook', entityId: id, domainId: before.domainId, before: publicView(before), after: { ...publicView(after), secretRotated: !!secret } } }
      })
      return { ...publicView(row), ...(secret ? { secret } : {}) }
    },

    async remove(id: string, ctx: RequestCtx) {
      const before = await load(id, ctx)
      await change(ctx, async (tx) => {
        await repo.delete(tx, id)
        return { result: undefined, audit: { action: 'webhook.deleted', entityType: 'webhook', entityId: id, domainId: before.domainId, before: publicView(before) } }
      })
    },

    async deliveries(id: string, status: DeliveryStatus | undefined, page: Page, ctx: RequestCtx) {
      await load(id, ctx)
      const [items, total] = await repo.deliveries(deps.prisma, id, status, page.offset, page.limit)
      return { items: items.map(({ event, ...d }) => ({ ...d, eventType: event.type, occurredAt: event.createdAt })), total }
    },

    /** Send again: chosen deliveries, every delivery in a status (the dead letters), or given events. */
    async replay(id: string, input: ReplayInput, ctx: RequestCtx): Promise<{ requeued: number }> {
      const sub = await load(id, ctx)
      if (!input.deliveryIds?.length && !input.eventIds?.length && !input.status) throw Invalid('replay_selector_required', 'give deliveryIds, eventIds or status')
      return change(ctx, async (tx) => {
        if (input.eventIds?.length) {
          // events of another domain are not this subscription's to replay
          const visible = await tx.outboxEvent.findMany({ where: { id: { in: input.eventIds }, ...(sub.domainId ? { domainId: sub.domainId } : {}) }, select: { id: true } })
          if (visible.length !== input.eventIds.length) throw Invalid('unknown_event', 'an event id does not exist (or is not in this subscription\u2019s domain)')
          await repo.ensureDeliveries(tx, id, input.eventIds)
        }
        const or = [
          ...(input.deliveryIds?.length ? [{ id: { in: input.deliveryIds } }] : []),
          ...(input.eventIds?.length ? [{ eventId: { in: input.eventIds } }] : []),
          ...(input.status ? [{ status: input.status }] : []),
        ]
        const { count } = await repo.requeue(tx, { subscriptionId: id, OR: or })
        return { result: { requeued: count }, audit: { action: 'webhook.updated', entityType: 'webhook', entityId: id, domainId: sub.domainId, after: { replay: input, requeued: count } } }
      })
    },
  }
}
