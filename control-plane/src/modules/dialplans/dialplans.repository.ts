import type { Prisma } from '../../generated/prisma/client.ts'
import type { Db, ScopedRepository, Tx } from '../provisioning/scoped-service.ts'
import { guardedUpdate } from '../provisioning/versioning.ts'

const include = { rules: { orderBy: { position: 'asc' as const }, include: { trunks: { select: { trunkId: true } } } } }
export type DialPlanRow = Prisma.DialPlanGetPayload<{ include: typeof include }>
export type DialPlanData = Omit<Prisma.DialPlanUncheckedCreateInput, 'domainId' | 'rules'>
export type RuleData = Omit<Prisma.DialPlanRuleUncheckedCreateInput, 'dialPlanId' | 'trunks' | 'id'> & { id?: string; trunkIds: string[] }

export const dialPlansRepository: ScopedRepository<DialPlanRow, DialPlanData> & {
  setRules(tx: Tx, dialPlanId: string, rules: RuleData[]): Promise<void>
  ruleIdsOf(db: Db, dialPlanId: string, ids: string[]): Promise<Set<string>>
} = {
  findById: (db, id) => db.dialPlan.findUnique({ where: { id }, include }),
  list: (db, where, skip, take) =>
    Promise.all([
      db.dialPlan.findMany({ where: where as Prisma.DialPlanWhereInput, include, skip, take, orderBy: [{ domainId: 'asc' }, { name: 'asc' }] }),
      db.dialPlan.count({ where: where as Prisma.DialPlanWhereInput }),
    ]),
  create: (tx, data) => tx.dialPlan.create({ data, select: { id: true } }),
  update: (tx, id, version, data) => guardedUpdate(tx.dialPlan, id, version, data),
  delete: async (tx, id) => void (await tx.dialPlan.delete({ where: { id } })),

  ruleIdsOf: async (db, dialPlanId, ids) => new Set((await db.dialPlanRule.findMany({ where: { dialPlanId, id: { in: ids } }, select: { id: true } })).map((r) => r.id)),

  /** Replaces the plan's rules, keeping the ids of rules sent with one. */
  async setRules(tx, dialPlanId, rules) {
    const kept = rules.flatMap((r) => (r.id ? [r.id] : []))
    await tx.dialPlanRule.deleteMany({ where: { dialPlanId, id: { notIn: kept } } })
    // park kept rules on negative positions first, so reordering never trips the unique (plan, position)
    for (const [i, id] of kept.entries()) await tx.dialPlanRule.update({ where: { id }, data: { position: -1 - i } })
    await tx.dialPlanRuleTrunk.deleteMany({ where: { ruleId: { in: kept } } })
    for (const { id, trunkIds, ...data } of rules) {
      const rule = id ? await tx.dialPlanRule.update({ where: { id }, data, select: { id: true } }) : await tx.dialPlanRule.create({ data: { ...data, dialPlanId }, select: { id: true } })
      if (trunkIds.length) await tx.dialPlanRuleTrunk.createMany({ data: trunkIds.map((trunkId) => ({ ruleId: rule.id, trunkId })) })
    }
  },
}
