// Calls leaving through a trunk: dial-plan rule match (first match wins), rewrite and E.164
// normalisation, class-of-service check, then the rule's trunks in failover order.
import { rewriteDigits, toE164 } from './numbers.ts';
import { reject, type ResolveContext, type Resolution } from './plan.ts';
import { classOfServiceAllows } from './policy.ts';
import { trunkRoute } from './routes.ts';
import { orderTrunks } from './trunks.ts';
import type { ClassOfService, CompiledDialPlan, CompiledRule, CompiledTrunk } from './types.ts';

export interface OutboundOptions {
  /** The caller's class of service; absent when bypassed (DID forwarding, admin-configured targets). */
  classOfService?: ClassOfService;
}

export function matchRule(plan: CompiledDialPlan, dialled: string): CompiledRule | undefined {
  return plan.rules.find((r) => r.regex.test(dialled));
}

const ruleLabel = (r: CompiledRule): string => r.name ?? `#${r.position}`;

export function routeViaDialPlan(
  ctx: ResolveContext,
  plan: CompiledDialPlan,
  dialled: string,
  opts: OutboundOptions,
): Resolution {
  const { trace } = ctx;
  const rule = matchRule(plan, dialled);
  if (!rule) {
    trace.add?.('dialplan', `${plan.name}: no enabled rule matches "${dialled}" (${plan.rules.length} tried)`);
    return reject(404, 'Not Found', 'no_such_destination');
  }
  trace.add?.('rule', `${plan.name}: rule ${ruleLabel(rule)} /${rule.pattern}/ matches "${dialled}" (class ${rule.numberClass})`);

  let number = rewriteDigits(dialled, rule.stripDigits, rule.prefix);
  if (rule.toE164) {
    const e164 = toE164(number, plan);
    if (!e164) {
      trace.add?.('normalise', `"${number}" is not a valid number in country +${plan.countryCode}`);
      // 484 Address Incomplete (RFC 3261 §21.4.22): the digits cannot form a full number.
      return reject(484, 'Address Incomplete', 'address_incomplete');
    }
    number = e164;
  }
  trace.add?.('normalise', `"${dialled}" → "${number}" (strip ${rule.stripDigits}, prefix "${rule.prefix}", E.164 ${rule.toE164})`);

  if (opts.classOfService === undefined) {
    trace.add?.('class_of_service', 'bypassed for a configured forwarding target');
  } else if (!classOfServiceAllows(opts.classOfService, rule.numberClass)) {
    trace.add?.('class_of_service', `${opts.classOfService} does not allow ${rule.numberClass} numbers`);
    return reject(403, 'Forbidden', 'class_of_service');
  } else {
    trace.add?.('class_of_service', `${opts.classOfService} allows ${rule.numberClass}`);
  }

  const candidates = rule.trunkIds.map((id) => ctx.snapshot.trunksById.get(id)).filter((t): t is CompiledTrunk => !!t);
  const { ordered, skipped } = orderTrunks(candidates, ctx.rng);
  for (const t of skipped) trace.add?.('trunks', `${t.name} skipped: disabled`);
  if (ordered.length === 0) {
    trace.add?.('trunks', `rule ${ruleLabel(rule)} has no enabled trunk`);
    return reject(503, 'Service Unavailable', 'no_trunk_available');
  }
  trace.add?.('trunks', `order: ${ordered.map((t) => `${t.name} (priority ${t.priority}, weight ${t.weight})`).join(', ')}`);

  return {
    plan: {
      routing: 'serial',
      targets: ordered.map((t) => trunkRoute(t, number, ctx.trunkHeaders)),
      label: `rule:${ruleLabel(rule)}`,
      calleeUsers: [],
      trunks: ordered,
      ruleId: rule.id,
    },
  };
}
