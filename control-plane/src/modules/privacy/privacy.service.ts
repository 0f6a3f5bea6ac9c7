// GDPR requests about one SIP user: export (art. 15/20: everything we hold, as JSON) and erasure
// (art. 17): the user, its memberships and linked agent accounts are deleted, and its CDRs keep
// their billing fields (times, durations, trunk, cause) under a pseudonym (art. 4(5)) derived from
// the user id, so one person's calls still group together without saying who they were.
// The audit journal is not rewritten (it is hash-chained and kept under art. 17(3)(b)/(e)).
import { createHash } from 'node:crypto'
import type { PrismaClient } from '../../generated/prisma/client.ts'
import { NotFound } from '../../lib/errors.ts'
import { withDbErrors } from '../../lib/prisma-errors.ts'
import { recordAudit } from '../audit/audit.ts'
import { bumpRoutingEpoch, ROUTING_CHANNEL } from '../provisioning/change.ts'
import { assertInScope, type RequestCtx } from '../provisioning/context.ts'
import { assertUnused, referencesRepository as refs } from '../provisioning/references.ts'
import type { SharedState } from '../../shared-state/shared-state.ts'
import { toUserItem } from '../users/users.service.ts'
import { cdrWhere, privacyRepository as repo } from './privacy.repository.ts'

export const pseudonymFor = (userId: string) => `erased-${createHash('sha256').update(`switchboard-erasure:${userId}`).digest('hex').slice(0, 16)}`

export function privacyService(deps: { prisma: PrismaClient; state: SharedState }) {
  const { prisma } = deps

  async function load(id: string, ctx: RequestCtx) {
    const u = await repo.user(prisma, id)
    if (!u) throw NotFound('user', id)
    assertInScope(ctx, u.domainId, 'user', id)
    return u
  }

  return {
    async export(id: string, ctx: RequestCtx) {
      const u = await load(id, ctx)
      const { groupMembers, queueMembers, ...user } = u
      const data = {
        exportedAt: new Date().toISOString(),
        user: toUserItem(user as never),
        groups: groupMembers.map((m) => m.group),
        queues: queueMembers.map((m) => m.queue),
        numbers: await repo.numbersTargeting(prisma, id),
        accounts: await repo.accounts(prisma, id),
        cdrs: await repo.cdrs(prisma, cdrWhere(u.extension, u.domainId, u.callerId)),
        auditEntries: (await repo.auditAbout(prisma, id)).map((a) => ({ ...a, id: a.id.toString() })),
      }
      await prisma.$transaction((tx) => recordAudit(tx, ctx.actor, { action: 'user.exported', entityType: 'user', entityId: id, domainId: u.domainId, after: { cdrs: data.cdrs.length } }))
      return data
    },

    async erase(id: string, ctx: RequestCtx) {
      const u = await load(id, ctx)
      const pseudonym = pseudonymFor(id)
      const result = await withDbErrors('user', () =>
        prisma.$transaction(async (tx) => {
          assertUnused('user', await refs.targetUsages(tx, 'USER', id))
          const cdrsPseudonymised = await repo.pseudonymiseCdrs(tx, u.extension, u.domainId, u.callerId, pseudonym)
          const accountsDeleted = (await repo.deleteAccounts(tx, id)).count
          await repo.deleteUser(tx, id)
          const r = { pseudonym, cdrsPseudonymised, accountsDeleted }
          await recordAudit(tx, ctx.actor, { action: 'user.erased', entityType: 'user', entityId: id, domainId: u.domainId, after: r })
          const epoch = await bumpRoutingEpoch(tx)
          return { r, epoch }
        }),
      )
      await deps.state.publish(ROUTING_CHANNEL, result.epoch.toString()).catch(() => {})
      return result.r
    },
  }
}
