// Queries behind the cross-entity rules: does a referenced entity exist in the domain, who uses an
// entity that is about to be deleted, who owns an extension. DID, schedule and overflow targets are
// polymorphic (no foreign key), so these checks are the only thing keeping them honest.
import type { TargetType } from '../../generated/prisma/enums.ts'
import type { Db } from './scoped-service.ts'

export type EntityTargetType = Exclude<TargetType, 'EXTERNAL' | 'HANGUP'>

export const referencesRepository = {
  async targetExists(db: Db, type: EntityTargetType, id: string, domainId: string): Promise<boolean> {
    const where = { id, domainId }
    const select = { id: true }
    switch (type) {
      case 'USER': return !!(await db.user.findFirst({ where, select }))
      case 'GROUP': return !!(await db.group.findFirst({ where, select }))
      case 'QUEUE': return !!(await db.queue.findFirst({ where, select }))
      case 'SCHEDULE': return !!(await db.schedule.findFirst({ where, select }))
    }
  },

  /** Human-readable names of everything whose target is (type, id). */
  async targetUsages(db: Db, type: EntityTargetType, id: string): Promise<string[]> {
    const [numbers, schedules, queues] = await Promise.all([
      db.phoneNumber.findMany({ where: { targetType: type, targetId: id }, select: { e164: true }, take: 20 }),
      db.schedule.findMany({ where: { OR: [{ openTargetType: type, openTargetId: id }, { closedTargetType: type, closedTargetId: id }] }, select: { name: true }, take: 20 }),
      db.queue.findMany({ where: { overflowTargetType: type, overflowTargetId: id }, select: { name: true }, take: 20 }),
    ])
    return [...numbers.map((n) => `number ${n.e164}`), ...schedules.map((s) => `schedule "${s.name}"`), ...queues.map((q) => `queue "${q.name}" (overflow)`)]
  },

  async userMemberships(db: Db, userId: string): Promise<string[]> {
    const [groups, queues] = await Promise.all([
      db.groupMember.findMany({ where: { userId }, select: { group: { select: { name: true } } }, take: 20 }),
      db.queueMember.findMany({ where: { userId }, select: { queue: { select: { name: true } } }, take: 20 }),
    ])
    return [...groups.map((g) => `group "${g.group.name}"`), ...queues.map((q) => `queue "${q.queue.name}"`)]
  },

  async trunkUsages(db: Db, trunkId: string): Promise<string[]> {
    const [rules, emergency] = await Promise.all([
      db.dialPlanRuleTrunk.findMany({ where: { trunkId }, select: { rule: { select: { position: true, name: true, dialPlan: { select: { name: true } } } } }, take: 20 }),
      db.emergencyNumber.findMany({ where: { trunkId }, select: { number: true }, take: 20 }),
    ])
    return [
      ...rules.map((r) => `dial plan "${r.rule.dialPlan.name}" rule ${r.rule.position}${r.rule.name ? ` (${r.rule.name})` : ''}`),
      ...emergency.map((e) => `emergency number ${e.number}`),
    ]
  },

  async emergencyNumbersOnTrunk(db: Db, trunkId: string): Promise<string[]> {
    return (await db.emergencyNumber.findMany({ where: { trunkId }, select: { number: true } })).map((e) => e.number)
  },

  async dialPlanUsages(db: Db, dialPlanId: string): Promise<string[]> {
    const [users, domains] = await Promise.all([
      db.user.findMany({ where: { dialPlanId }, select: { extension: true }, take: 20 }),
      db.domain.findMany({ where: { defaultDialPlanId: dialPlanId }, select: { name: true } }),
    ])
    return [...users.map((u) => `user ${u.extension}`), ...domains.map((d) => `domain ${d.name} (default dial plan)`)]
  },

  /** Who dials as `extension` in the domain: users, groups, queues and emergency numbers share one space. */
  async extensionOwners(db: Db, domainId: string, extension: string): Promise<Array<{ type: 'user' | 'group' | 'queue' | 'emergency_number'; id: string; label: string }>> {
    const [u, g, q, e] = await Promise.all([
      db.user.findFirst({ where: { domainId, extension }, select: { id: true } }),
      db.group.findFirst({ where: { domainId, extension }, select: { id: true, name: true } }),
      db.queue.findFirst({ where: { domainId, extension }, select: { id: true, name: true } }),
      db.emergencyNumber.findFirst({ where: { domainId, number: extension }, select: { id: true } }),
    ])
    return [
      ...(u ? [{ type: 'user' as const, id: u.id, label: `user ${extension}` }] : []),
      ...(g ? [{ type: 'group' as const, id: g.id, label: `group "${g.name}"` }] : []),
      ...(q ? [{ type: 'queue' as const, id: q.id, label: `queue "${q.name}"` }] : []),
      ...(e ? [{ type: 'emergency_number' as const, id: e.id, label: `emergency number ${extension}` }] : []),
    ]
  },

  async userIdsInDomain(db: Db, domainId: string, ids: string[]): Promise<Set<string>> {
    const rows = await db.user.findMany({ where: { domainId, id: { in: ids } }, select: { id: true } })
    return new Set(rows.map((r) => r.id))
  },

  async trunksInDomain(db: Db, domainId: string, ids: string[]) {
    return db.trunk.findMany({ where: { domainId, id: { in: ids } }, select: { id: true, isEmergency: true } })
  },

  async dialPlanInDomain(db: Db, id: string, domainId: string): Promise<boolean> {
    return !!(await db.dialPlan.findFirst({ where: { id, domainId }, select: { id: true } }))
  },
}
