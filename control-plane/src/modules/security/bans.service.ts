// The SIP ban list lives in Kamailio (htable ipban, with its TTL); this service lists it, lifts
// and places bans over RPC, and keeps the allowlist in the database. Every change is journaled.
// A trusted address (trunk or allowlist) cannot be banned by hand, and allowlisting an address
// lifts its ban at once.
import net from 'node:net'
import type { PrismaClient } from '../../generated/prisma/client.ts'
import { Conflict, Invalid, NotFound } from '../../lib/errors.ts'
import { withDbErrors } from '../../lib/prisma-errors.ts'
import { recordAudit } from '../audit/audit.ts'
import type { KamailioRpc } from '../kamailio/kamailio-rpc.ts'
import type { RequestCtx } from '../provisioning/context.ts'
import { deleteItem, dumpTable, HT_BANS, HT_FAILURES, parseBan, setExpire, setItem, type Ban } from './kamailio-htables.ts'
import { securityRepository as repo } from './security.repository.ts'
import { trustedSources } from './trusted-sync.ts'

function assertIp(ip: string) {
  if (net.isIP(ip) === 0) throw Invalid('invalid_ip', `"${ip}" is not an IP address`, { field: 'ip' })
}

export function bansService(deps: { prisma: PrismaClient; rpc: KamailioRpc; sync: () => Promise<unknown> }) {
  const { prisma, rpc } = deps
  const journal = (ctx: RequestCtx, action: 'sip.banned' | 'sip.unbanned', ip: string, after: unknown) =>
    prisma.$transaction((tx) => recordAudit(tx, ctx.actor, { action, entityType: 'sip_source', entityId: ip, after }))

  return {
    async list(): Promise<Ban[]> {
      return (await dumpTable(rpc, HT_BANS)).map(parseBan).sort((a, b) => a.ip.localeCompare(b.ip))
    },

    async ban(input: { ip: string; seconds: number; reason?: string }, ctx: RequestCtx): Promise<Ban> {
      assertIp(input.ip)
      if ((await trustedSources(prisma)).some((s) => s.ip === input.ip)) throw Conflict('ip_trusted', `${input.ip} is trusted (a trunk or the allowlist) and is never banned`)
      const until = Math.floor(Date.now() / 1000) + input.seconds
      const reason = `manual${input.reason ? ` ${input.reason.replace(/[:\r\n]/g, ' ')}` : ''}`
      await setItem(rpc, HT_BANS, input.ip, `${reason}:${until}`)
      await setExpire(rpc, HT_BANS, input.ip, input.seconds)
      const ban = parseBan({ name: input.ip, value: `${reason}:${until}` })
      await journal(ctx, 'sip.banned', input.ip, ban)
      return ban
    },

    async unban(ip: string, ctx: RequestCtx): Promise<void> {
      assertIp(ip)
      const current = (await dumpTable(rpc, HT_BANS)).find((i) => i.name === ip)
      if (!current) throw NotFound('ban', ip)
      await deleteItem(rpc, HT_BANS, ip)
      await deleteItem(rpc, HT_FAILURES, ip)
      await journal(ctx, 'sip.unbanned', ip, { previous: parseBan(current) })
    },

    trusted: () => trustedSources(prisma),

    allowlist: async () => (await repo.allowlist(prisma)).map((a) => ({ id: a.id, ip: a.ip, reason: a.reason, createdAt: a.createdAt.toISOString() })),

    async allow(input: { ip: string; reason?: string }, ctx: RequestCtx) {
      assertIp(input.ip)
      const row = await withDbErrors('allowlist_entry', () =>
        prisma.$transaction(async (tx) => {
          const r = await repo.addAllowlist(tx, { ip: input.ip, reason: input.reason ?? null })
          await recordAudit(tx, ctx.actor, { action: 'sip_allowlist.created', entityType: 'sip_allowlist', entityId: r.id, after: { ip: r.ip, reason: r.reason } })
          return r
        }),
      )
      await deps.sync()
      await deleteItem(rpc, HT_BANS, input.ip).catch(() => {}) // best effort: Kamailio may be down
      return { id: row.id, ip: row.ip, reason: row.reason, createdAt: row.createdAt.toISOString() }
    },

    async disallow(id: string, ctx: RequestCtx) {
      const before = await repo.allowlistById(prisma, id)
      if (!before) throw NotFound('allowlist_entry', id)
      await prisma.$transaction(async (tx) => {
        await repo.removeAllowlist(tx, id)
        await recordAudit(tx, ctx.actor, { action: 'sip_allowlist.deleted', entityType: 'sip_allowlist', entityId: id, before: { ip: before.ip, reason: before.reason } })
      })
      await deps.sync()
    },
  }
}
