// The rules of reading CDRs: a domain-scoped principal only ever sees its domain's calls (another
// domain's id filters to nothing, as if it did not exist), and a time range must be a range.
import type { PrismaClient } from '../../generated/prisma/client.ts'
import { BadRequest, NotFound } from '../../lib/errors.ts'
import type { Page } from '../provisioning/resource-routes.ts'
import type { RequestCtx } from '../provisioning/context.ts'
import { cdrRepository, type CdrWhere } from './cdr.repository.ts'
import type { CdrFilter } from './cdr.schemas.ts'
import { csvChunks } from './cdr-csv.ts'

/** null: the filter can match nothing in the caller's scope. */
function whereFor(filter: CdrFilter, ctx: RequestCtx): CdrWhere | null {
  const from = filter.from ? new Date(filter.from) : undefined
  const to = filter.to ? new Date(filter.to) : undefined
  if (from && to && from >= to) throw BadRequest('invalid_time_range', '"from" must be before "to"', { from: filter.from, to: filter.to })
  if (ctx.domainScope !== null && filter.domainId && filter.domainId !== ctx.domainScope) return null
  return { ...filter, from, to, domainId: ctx.domainScope ?? filter.domainId }
}

export function cdrQueryService(prisma: PrismaClient) {
  return {
    async list(filter: CdrFilter, page: Page, ctx: RequestCtx) {
      const where = whereFor(filter, ctx)
      if (!where) return { items: [], total: 0 }
      const [items, total] = await cdrRepository.page(prisma, where, page.offset, page.limit)
      return { items, total }
    },

    async get(id: string, ctx: RequestCtx) {
      const cdr = await cdrRepository.findById(prisma, id)
      if (!cdr || (ctx.domainScope !== null && cdr.domainId !== ctx.domainScope)) throw NotFound('cdr', id)
      return cdr
    },

    /** Validated up front (a bad range is a 400, not a broken download), then streamed. */
    exportCsv(filter: CdrFilter, ctx: RequestCtx): AsyncGenerator<string> {
      const where = whereFor(filter, ctx)
      const empty = async function* () {}
      return csvChunks(where ? cdrRepository.batches(prisma, where) : empty())
    },
  }
}
