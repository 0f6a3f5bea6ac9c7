// Domains are tenants: the SIP domain, its digest realm, its registration expiry window and its
// default dial plan. A domain-scoped principal only ever sees its own domain.
import type { Domain } from '../../generated/prisma/client.ts'
import { Invalid, NotFound } from '../../lib/errors.ts'
import { assertExpiryOrder, assertSipDomain, assertTimezone } from '../../lib/validation.ts'
import { commitChange, type ChangeDeps } from '../provisioning/change.ts'
import type { RequestCtx } from '../provisioning/context.ts'
import type { ResourceService } from '../provisioning/resource-routes.ts'
import { checkExpected, guardedUpdate } from '../provisioning/versioning.ts'
import { domainsRepository as repo } from './domains.repository.ts'
import type { DomainCreate, DomainFilter, DomainUpdate } from './domains.schemas.ts'

function validate(d: { name?: string; timezone?: string; regMinExpires: number; regDefaultExpires: number; regMaxExpires: number }) {
  if (d.name !== undefined) assertSipDomain(d.name)
  if (d.timezone !== undefined) assertTimezone(d.timezone)
  assertExpiryOrder(d.regMinExpires, d.regDefaultExpires, d.regMaxExpires)
}

export function domainsService(deps: ChangeDeps): ResourceService<Domain, DomainCreate, DomainUpdate, DomainFilter> {
  const load = async (id: string, ctx: RequestCtx) => {
    const d = await repo.findById(deps.prisma, id)
    if (!d || (ctx.domainScope !== null && ctx.domainScope !== d.id)) throw NotFound('domain', id)
    return d
  }
  const checkDialPlan = async (db: Parameters<typeof repo.dialPlanInDomain>[0], dialPlanId: string | null | undefined, domainId: string) => {
    if (dialPlanId && !(await repo.dialPlanInDomain(db, dialPlanId, domainId))) {
      throw Invalid('dial_plan_not_found', `dial plan ${dialPlanId} does not exist in this domain`, { field: 'defaultDialPlanId' })
    }
  }

  return {
    async list(filter, page, ctx) {
      const where = { ...(ctx.domainScope ? { id: ctx.domainScope } : {}), ...(filter.name ? { name: { contains: filter.name.toLowerCase() } } : {}) }
      const [items, total] = await repo.list(deps.prisma, where, page.offset, page.limit)
      return { items, total }
    },
    get: load,
    async create(input, ctx) {
      const data = { regMinExpires: 60, regDefaultExpires: 600, regMaxExpires: 3600, ...input, name: input.name.toLowerCase() }
      validate(data)
      if (ctx.domainScope !== null) throw Invalid('domain_scope', 'a domain-scoped principal cannot create domains')
      if (data.defaultDialPlanId) throw Invalid('dial_plan_not_found', 'a new domain has no dial plans yet; set defaultDialPlanId after creating one', { field: 'defaultDialPlanId' })
      return commitChange(deps, ctx.actor, 'domain', async (tx) => {
        const created = await repo.create(tx, data)
        return { result: created, audit: { action: 'domain.created', entityType: 'domain', entityId: created.id, domainId: created.id, after: created } }
      }, { idempotency: ctx.idempotency, created: true })
    },
    async update(id, patch, expected, ctx) {
      return commitChange(deps, ctx.actor, 'domain', async (tx) => {
        const before = await repo.findById(tx, id)
        if (!before || (ctx.domainScope !== null && ctx.domainScope !== id)) throw NotFound('domain', id)
        checkExpected(before.version, expected)
        validate({ ...before, ...patch, name: undefined })
        await checkDialPlan(tx, patch.defaultDialPlanId, id)
        await guardedUpdate(tx.domain, id, before.version, patch)
        const after = (await repo.findById(tx, id))!
        return { result: after, audit: { action: 'domain.updated', entityType: 'domain', entityId: id, domainId: id, before, after } }
      })
    },
    async remove(id, expected, ctx) {
      await commitChange(deps, ctx.actor, 'domain', async (tx) => {
        const before = await repo.findById(tx, id)
        if (!before || (ctx.domainScope !== null && ctx.domainScope !== id)) throw NotFound('domain', id)
        checkExpected(before.version, expected)
        await repo.delete(tx, id)
        return { result: undefined, audit: { action: 'domain.deleted', entityType: 'domain', entityId: id, domainId: id, before } }
      })
    },
  }
}
