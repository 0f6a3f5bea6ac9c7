// Reads everything the routing snapshot is compiled from, in one pass. Only this file and the
// auth index below touch the database on the routing side; lookups never do.
import type { PrismaClient } from '../../generated/prisma/client.ts'
import type { SnapshotSource } from './engine/index.ts'

export interface AuthRow {
  extension: string
  domain: string
  ha1: string
  ha1b: string
  enabled: boolean
  regMinExpires: number
  regMaxExpires: number
  regDefaultExpires: number
  /** the user may REGISTER and call over TLS only (Kamailio checks it against the transport) */
  tlsOnly: boolean
}

const USER_FIELDS = { id: true, domainId: true, extension: true, displayName: true, callerId: true, classOfService: true, dialPlanId: true, recordingPolicy: true, tlsOnly: true, codecs: true, enabled: true } as const
const TRUNK_FIELDS = {
  id: true, domainId: true, name: true, host: true, port: true, transport: true, inboundIps: true, priority: true, weight: true,
  failoverCodes: true, branchTimeoutMs: true, codecs: true, techPrefix: true, isEmergency: true, recordingPolicy: true, enabled: true,
} as const

export async function loadRoutingEpoch(prisma: PrismaClient): Promise<number> {
  const row = await prisma.routingEpoch.findUnique({ where: { id: 1 } })
  return row ? Number(row.version) : 1
}

export async function loadSnapshotSource(prisma: PrismaClient): Promise<{ source: SnapshotSource; auth: AuthRow[]; version: number }> {
  // one transaction: the rows and the epoch are read at the same instant
  return prisma.$transaction(async (tx) => {
    const [version, domains, users, groups, numbers, dialPlans, trunks, schedules, queues, emergencyNumbers] = await Promise.all([
      tx.routingEpoch.findUnique({ where: { id: 1 } }).then((r) => (r ? Number(r.version) : 1)),
      tx.domain.findMany(),
      // only the columns routing uses: the rows cross to the lookup worker, and HA1s go to the auth index only
      tx.user.findMany({ select: { ...USER_FIELDS, ha1: true, ha1b: true } }),
      tx.group.findMany({ include: { members: true } }),
      tx.phoneNumber.findMany({ select: { id: true, domainId: true, e164: true, targetType: true, targetId: true, targetNumber: true, recordingPolicy: true } }),
      tx.dialPlan.findMany({ include: { rules: { include: { trunks: true }, orderBy: { position: 'asc' } } } }),
      tx.trunk.findMany({ select: TRUNK_FIELDS }), // not the secret
      tx.schedule.findMany({ include: { hours: true, holidays: true } }),
      tx.queue.findMany({ include: { members: true } }),
      tx.emergencyNumber.findMany(),
    ])
    const domainById = new Map(domains.map((d) => [d.id, d]))
    const auth: AuthRow[] = users.flatMap((u) => {
      const d = domainById.get(u.domainId)
      return d
        ? [{ extension: u.extension, domain: d.name, ha1: u.ha1, ha1b: u.ha1b, enabled: u.enabled && d.enabled, regMinExpires: d.regMinExpires, regMaxExpires: d.regMaxExpires, regDefaultExpires: d.regDefaultExpires, tlsOnly: u.tlsOnly }]
        : []
    })
    return { version, auth, source: { domains, users: users.map(({ ha1: _ha1, ha1b: _ha1b, ...u }) => u), groups, numbers, dialPlans, trunks, schedules, queues, emergencyNumbers } }
  })
}
