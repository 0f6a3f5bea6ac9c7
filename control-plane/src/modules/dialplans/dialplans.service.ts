// Outbound dial plans: the national context used to normalise to E.164, and ordered rules (first
// match wins) that rewrite the dialled digits and pick trunks. Each pattern is compiled here, at
// write time, exactly as the engine anchors it, so a bad regex never reaches the routing snapshot.
import { Invalid } from '../../lib/errors.ts'
import { assertPattern } from '../../lib/validation.ts'
import type { ChangeDeps } from '../provisioning/change.ts'
import { assertUnused, loadTrunks, referencesRepository as refs } from '../provisioning/references.ts'
import { defined, scopedService, type Tx } from '../provisioning/scoped-service.ts'
import { dialPlansRepository as repo, type DialPlanRow, type RuleData } from './dialplans.repository.ts'
import type { DialPlanCreate, DialPlanFilter, DialPlanItem, DialPlanUpdate, RuleInput } from './dialplans.schemas.ts'

function checkContext(p: { countryCode?: string; nationalPrefix?: string; internationalPrefix?: string }) {
  if (p.countryCode !== undefined && !/^[1-9][0-9]{0,2}$/.test(p.countryCode)) throw Invalid('invalid_country_code', `countryCode must be 1–3 digits without '+', got "${p.countryCode}"`, { field: 'countryCode' })
  for (const field of ['nationalPrefix', 'internationalPrefix'] as const) {
    const v = p[field]
    if (v !== undefined && !/^[0-9]*$/.test(v)) throw Invalid('invalid_prefix', `${field} must be digits, got "${v}"`, { field })
  }
}

async function prepareRules(tx: Tx, domainId: string, rules: RuleInput[] | undefined, planId?: string) {
  if (rules === undefined) return undefined
  const positions = new Set<number>()
  const out: RuleData[] = rules.map((r, i) => {
    const field = `rules[${i}]`
    assertPattern(r.pattern, `${field}.pattern`)
    if (r.prefix !== undefined && !/^[0-9+*#]*$/.test(r.prefix)) throw Invalid('invalid_prefix', `${field}.prefix may hold only digits, +, * and #`, { field: `${field}.prefix` })
    const position = r.position ?? (i + 1) * 10
    if (positions.has(position)) throw Invalid('duplicate_position', `${field}: position ${position} is used by another rule`, { field: `${field}.position` })
    positions.add(position)
    const { trunkIds = [], ...rest } = r
    return { ...rest, position, trunkIds: [...new Set(trunkIds)] }
  })
  await loadTrunks(tx, domainId, out.flatMap((r) => r.trunkIds), 'rules[].trunkIds')
  const ids = out.flatMap((r) => (r.id ? [r.id] : []))
  if (new Set(ids).size !== ids.length) throw Invalid('rule_not_found', 'a rule id is sent twice', { field: 'rules' })
  if (ids.length) {
    const own = planId ? await repo.ruleIdsOf(tx, planId, ids) : new Set<string>()
    const missing = ids.filter((id) => !own.has(id))
    if (missing.length) throw Invalid('rule_not_found', `no rule ${missing.join(', ')} in this dial plan`, { field: 'rules', missing })
  }
  return (t: Tx, id: string) => repo.setRules(t, id, out)
}

export function dialPlansService(deps: ChangeDeps) {
  return scopedService(deps, {
    entity: 'dial_plan',
    repo,
    toItem: (p: DialPlanRow) => ({
      ...p,
      rules: p.rules.map(({ trunks, dialPlanId: _p, createdAt: _c, updatedAt: _u, ...r }) => ({ ...r, trunkIds: trunks.map((t) => t.trunkId) })),
    }) as unknown as DialPlanItem,
    where: (f: DialPlanFilter) => ({ ...(f.domainId ? { domainId: f.domainId } : {}), ...(f.name ? { name: { contains: f.name, mode: 'insensitive' } } : {}) }),
    async prepareCreate(tx, input: DialPlanCreate, domain) {
      const { domainId: _d, rules, ...data } = input
      checkContext(data)
      return { data, children: await prepareRules(tx, domain.id, rules) }
    },
    async prepareUpdate(tx, before, patch: DialPlanUpdate) {
      const { rules, ...data } = defined(patch)
      checkContext(data)
      return { data, children: await prepareRules(tx, before.domainId, rules, before.id) }
    },
    async beforeDelete(tx, row) {
      assertUnused('dial_plan', await refs.dialPlanUsages(tx, row.id))
    },
  })
}
