// Admin accounts (people, as opposed to API keys). A domain-scoped principal only sees and makes
// accounts of its own domain; an AGENT account must speak for a SIP user, and takes that user's
// domain. Disabling, locking or changing the password or role ends the account's sessions.
import type { AdminAccount, PrismaClient, Prisma } from '../../generated/prisma/client.ts'
import type { Role } from '../../generated/prisma/enums.ts'
import { Conflict, Invalid, NotFound } from '../../lib/errors.ts'
import { withDbErrors } from '../../lib/prisma-errors.ts'
import { recordAudit } from '../audit/audit.ts'
import type { RequestCtx } from '../provisioning/context.ts'
import { accountsRepository as repo } from './accounts.repository.ts'
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.ts'

export interface AccountCreate {
  email: string
  password: string
  role: Role
  domainId?: string | null
  userId?: string | null
}
export interface AccountUpdate {
  password?: string
  role?: Role
  enabled?: boolean
  unlock?: boolean
  resetMfa?: boolean
}

export function toAccountItem(a: AdminAccount) {
  return {
    id: a.id, email: a.email, role: a.role, domainId: a.domainId, userId: a.userId, enabled: a.enabled, mfaEnabled: a.totpEnabled,
    recoveryCodesLeft: a.recoveryCodeHashes.length, locked: !!a.lockedUntil && a.lockedUntil > new Date(), lastLoginAt: a.lastLoginAt?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(), updatedAt: a.updatedAt.toISOString(),
  }
}
export type AccountItem = ReturnType<typeof toAccountItem>

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/

function checkPassword(password: string, email: string) {
  if (password.length < MIN_PASSWORD_LENGTH) throw Invalid('weak_password', `the password needs at least ${MIN_PASSWORD_LENGTH} characters`, { field: 'password' })
  if (password.toLowerCase().includes(email.split('@')[0].toLowerCase())) throw Invalid('weak_password', 'the password must not contain the email name', { field: 'password' })
}

export function accountsService(deps: { prisma: PrismaClient }) {
  const { prisma } = deps

  async function inScope(id: string, ctx: RequestCtx) {
    const a = await repo.byId(prisma, id)
    if (!a || (ctx.domainScope !== null && a.domainId !== ctx.domainScope)) throw NotFound('admin_account', id)
    return a
  }

  const audited = <T>(ctx: RequestCtx, fn: (tx: Prisma.TransactionClient) => Promise<{ result: T; entityId: string; domainId: string | null; verb: 'created' | 'updated' | 'deleted'; before?: unknown; after?: unknown }>) =>
    withDbErrors('admin_account', () =>
      prisma.$transaction(async (tx) => {
        const r = await fn(tx)
        await recordAudit(tx, ctx.actor, { action: `admin_account.${r.verb}`, entityType: 'admin_account', entityId: r.entityId, domainId: r.domainId, before: r.before, after: r.after })
        return r.result
      }),
    )

  return {
    async list(page: { limit: number; offset: number }, ctx: RequestCtx) {
      const [rows, total] = await repo.list(prisma, ctx.domainScope === null ? {} : { domainId: ctx.domainScope }, page.limit, page.offset)
      return { items: rows.map(toAccountItem), total }
    },

    get: async (id: string, ctx: RequestCtx) => toAccountItem(await inScope(id, ctx)),

    async create(input: AccountCreate, ctx: RequestCtx): Promise<AccountItem> {
      const email = input.email.trim().toLowerCase()
      if (!EMAIL.test(email)) throw Invalid('invalid_email', 'not an email address', { field: 'email' })
      checkPassword(input.password, email)
      let domainId = input.domainId ?? null
      if (ctx.domainScope !== null) {
        if (domainId !== null && domainId !== ctx.domainScope) throw NotFound('domain', domainId)
        domainId = ctx.domainScope
      }
      if (input.role === 'AGENT' && !input.userId) throw Invalid('user_required', 'an AGENT account needs the userId of the SIP user it speaks for', { field: 'userId' })
      if (input.role !== 'AGENT' && input.userId) throw Invalid('user_only_for_agents', 'only AGENT accounts are linked to a SIP user', { field: 'userId' })
      const passwordHash = await hashPassword(input.password)
      return audited(ctx, async (tx) => {
        if (input.userId) {
          const user = await repo.userDomain(tx, input.userId)
          if (!user || (domainId !== null && user.domainId !== domainId)) throw Invalid('user_not_found', `user ${input.userId} does not exist in this domain`, { field: 'userId' })
          domainId = user.domainId
        } else if (domainId !== null && !(await repo.domainExists(tx, domainId))) {
          throw Invalid('domain_not_found', `domain ${domainId} does not exist`, { field: 'domainId' })
        }
        if (await repo.byEmail(tx, email)) throw Conflict('admin_account_exists', `an account with email ${email} already exists`)
        const a = await repo.create(tx, { email, passwordHash, role: input.role, domainId, userId: input.userId ?? null })
        const item = toAccountItem(a)
        return { result: item, entityId: a.id, domainId: a.domainId, verb: 'created', after: item }
      })
    },

    async update(id: string, patch: AccountUpdate, ctx: RequestCtx): Promise<AccountItem> {
      const before = await inScope(id, ctx)
      if (patch.password !== undefined) checkPassword(patch.password, before.email)
      if (patch.role !== undefined && patch.role !== before.role && (patch.role === 'AGENT') !== (before.role === 'AGENT')) {
        throw Invalid('role_change_not_allowed', 'AGENT accounts are tied to a SIP user: create a new account instead')
      }
      const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined
      return audited(ctx, async (tx) => {
        const data: Prisma.AdminAccountUpdateInput = {
          ...(passwordHash ? { passwordHash } : {}),
          ...(patch.role ? { role: patch.role } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
          ...(patch.unlock ? { lockedUntil: null, failedLogins: 0 } : {}),
          ...(patch.resetMfa ? { totpEnabled: false, totpSecretCiphertext: null, totpKeyId: null, totpLastStep: null, recoveryCodeHashes: [] } : {}),
        }
        const a = await repo.update(tx, id, data)
        if (passwordHash || patch.role || patch.enabled === false || patch.resetMfa) await repo.revokeAllSessions(tx, id, 'account_changed')
        return { result: toAccountItem(a), entityId: id, domainId: a.domainId, verb: 'updated', before: toAccountItem(before), after: { ...toAccountItem(a), ...(passwordHash ? { password: 'changed' } : {}) } }
      })
    },

    async remove(id: string, ctx: RequestCtx): Promise<void> {
      const before = await inScope(id, ctx)
      if (ctx.actor.type === 'admin' && ctx.actor.id === id) throw Invalid('cannot_delete_self', 'an account cannot delete itself')
      await audited(ctx, async (tx) => {
        await repo.delete(tx, id)
        return { result: undefined, entityId: id, domainId: before.domainId, verb: 'deleted', before: toAccountItem(before) }
      })
    },
  }
}
