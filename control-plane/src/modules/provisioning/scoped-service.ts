// The CRUD skeleton shared by every entity that belongs to a domain (users, groups, numbers, dial
// plans, trunks, schedules, queues, emergency numbers). It owns the parts that must never differ:
// tenant isolation, If-Match, the audit entry and the routing epoch in the same transaction.
// Each entity brings its rules as hooks: what a create/update writes, what blocks a delete.
import type { Domain, Prisma, PrismaClient } from '../../generated/prisma/client.ts'
import { Invalid, NotFound } from '../../lib/errors.ts'
import { domainsRepository } from '../domains/domains.repository.ts'
import { commitChange, type ChangeDeps } from './change.ts'
import { scopeWhere, type RequestCtx } from './context.ts'
import type { ResourceService, Versioned } from './resource-routes.ts'
import { checkExpected } from './versioning.ts'

export type Db = PrismaClient | Prisma.TransactionClient
export type Tx = Prisma.TransactionClient

export interface ScopedRow {
  id: string
  domainId: string
  version: number
}

/** What the hooks hand back: the row's own columns, and children to write once the id is known. */
export interface Prepared<Data> {
  data: Data
  children?: (tx: Tx, id: string) => Promise<void>
}

export interface ScopedRepository<Row extends ScopedRow, Data> {
  findById(db: Db, id: string): Promise<Row | null>
  list(db: Db, where: object, skip: number, take: number): Promise<[Row[], number]>
  create(tx: Tx, data: Data & { domainId: string }): Promise<{ id: string }>
  /** Applies only at `version` and bumps it (see versioning.guardedUpdate). */
  update(tx: Tx, id: string, version: number, data: Partial<Data>): Promise<void>
  delete(tx: Tx, id: string): Promise<void>
}

export interface ScopedSpec<Row extends ScopedRow, Item extends Versioned, Create extends { domainId: string }, Update, Filter, Data> {
  /** snake_case: error codes (`<entity>_not_found`, `<entity>_exists`) and audit actions */
  entity: string
  repo: ScopedRepository<Row, Data>
  toItem(row: Row): Item
  where(filter: Filter): object
  prepareCreate(tx: Tx, input: Create, domain: Domain): Promise<Prepared<Data>>
  prepareUpdate(tx: Tx, before: Row, patch: Update, domain: Domain): Promise<Prepared<Partial<Data>>>
  /** Throw Conflict(`<entity>_in_use`) when something still refers to the row. */
  beforeDelete?(tx: Tx, row: Row): Promise<void>
}

/** The domain a new entity goes into; one outside the caller's scope is reported as missing. */
export async function domainForWrite(db: Db, domainId: string, ctx: RequestCtx): Promise<Domain> {
  const d = await domainsRepository.findById(db, domainId)
  if (!d || (ctx.domainScope !== null && ctx.domainScope !== d.id)) {
    throw Invalid('domain_not_found', `domain ${domainId} does not exist`, { field: 'domainId' })
  }
  return d
}

export function scopedService<Row extends ScopedRow, Item extends Versioned, Create extends { domainId: string }, Update, Filter, Data>(
  deps: ChangeDeps,
  spec: ScopedSpec<Row, Item, Create, Update, Filter, Data>,
): ResourceService<Item, Create, Update, Filter> {
  const { entity, repo } = spec
  const load = async (db: Db, id: string, ctx: RequestCtx) => {
    const row = await repo.findById(db, id)
    if (!row || (ctx.domainScope !== null && ctx.domainScope !== row.domainId)) throw NotFound(entity, id)
    return row
  }
  const reload = async (tx: Tx, id: string) => (await repo.findById(tx, id))!

  return {
    async list(filter, page, ctx) {
      const [rows, total] = await repo.list(deps.prisma, { AND: [scopeWhere(ctx), spec.where(filter)] }, page.offset, page.limit)
      return { items: rows.map(spec.toItem), total }
    },
    async get(id, ctx) {
      return spec.toItem(await load(deps.prisma, id, ctx))
    },
    async create(input, ctx) {
      return commitChange(deps, ctx.actor, entity, async (tx) => {
        const domain = await domainForWrite(tx, input.domainId, ctx)
        const { data, children } = await spec.prepareCreate(tx, input, domain)
        const { id } = await repo.create(tx, { ...data, domainId: domain.id })
        await children?.(tx, id)
        const after = await reload(tx, id)
        return { result: spec.toItem(after), audit: { action: `${entity}.created`, entityType: entity, entityId: id, domainId: domain.id, after } }
      }, { idempotency: ctx.idempotency, created: true })
    },
    async update(id, patch, expected, ctx) {
      return commitChange(deps, ctx.actor, entity, async (tx) => {
        const before = await load(tx, id, ctx)
        checkExpected(before.version, expected)
        const domain = (await domainsRepository.findById(tx, before.domainId))!
        const { data, children } = await spec.prepareUpdate(tx, before, patch, domain)
        await repo.update(tx, id, before.version, data)
        await children?.(tx, id)
        const after = await reload(tx, id)
        return { result: spec.toItem(after), audit: { action: `${entity}.updated`, entityType: entity, entityId: id, domainId: before.domainId, before, after } }
      })
    },
    async remove(id, expected, ctx) {
      await commitChange(deps, ctx.actor, entity, async (tx) => {
        const before = await load(tx, id, ctx)
        checkExpected(before.version, expected)
        await spec.beforeDelete?.(tx, before)
        await repo.delete(tx, id)
        return { result: undefined, audit: { action: `${entity}.deleted`, entityType: entity, entityId: id, domainId: before.domainId, before } }
      })
    },
  }
}

/** Keys of a patch that were actually sent (undefined means "leave as is"). */
export function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
