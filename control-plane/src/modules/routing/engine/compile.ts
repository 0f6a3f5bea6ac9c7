// Builds the in-memory RoutingSnapshot from provisioning rows: every lookup the hot path needs
// becomes a Map get, and dial-plan regexes are compiled once here rather than per call.
// Bad data (a regex or time zone that slipped past write-time validation, a dangling reference) is
// skipped with a warning: one broken rule must not take routing down for everybody.
import { isValidTimeZone } from './schedule.ts';
import type { SnapshotSource } from './source.ts';
import type {
  CompiledDialPlan,
  CompiledDomain,
  CompiledEmergencyNumber,
  CompiledGroup,
  CompiledNumber,
  CompiledQueue,
  CompiledRule,
  CompiledSchedule,
  CompiledTrunk,
  CompiledUser,
  RoutingSnapshot,
  TargetRef,
} from './types.ts';

export type { SnapshotSource } from './source.ts';

export const entityKey = (domainId: string, extension: string): string => `${domainId}:${extension}`;

function ref(type: TargetRef['type'], id: string | null, number: string | null): TargetRef {
  return { type, id: id ?? null, number: number ?? null };
}

function anchored(pattern: string): RegExp {
  // Non-capturing group so an alternation in the pattern is anchored as a whole.
  return new RegExp(`^(?:${pattern})$`);
}

export function compileSnapshot(source: SnapshotSource, version: number): RoutingSnapshot {
  const warnings: string[] = [];

  const domainsById = new Map<string, CompiledDomain>();
  const domainsByName = new Map<string, CompiledDomain>();
  for (const d of source.domains) {
    let timezone = d.timezone;
    if (!isValidTimeZone(timezone)) {
      warnings.push(`domain ${d.name}: unknown time zone "${timezone}", using UTC`);
      timezone = 'UTC';
    }
    const domain: CompiledDomain = { id: d.id, name: d.name, timezone, enabled: d.enabled, defaultDialPlanId: d.defaultDialPlanId ?? null };
    domainsById.set(d.id, domain);
    // SIP host names compare case-insensitively (RFC 3261 §19.1.4).
    domainsByName.set(d.name.toLowerCase(), domain);
  }

  const usersById = new Map<string, CompiledUser>();
  const usersByKey = new Map<string, CompiledUser>();
  for (const u of source.users) {
    const user: CompiledUser = {
      id: u.id,
      domainId: u.domainId,
      extension: u.extension,
      displayName: u.displayName ?? null,
      callerId: u.callerId ?? null,
      classOfService: u.classOfService,
      dialPlanId: u.dialPlanId ?? null,
      recordingPolicy: u.recordingPolicy,
      tlsOnly: u.tlsOnly,
      codecs: [...u.codecs],
      enabled: u.enabled,
    };
    usersById.set(u.id, user);
    usersByKey.set(entityKey(u.domainId, u.extension), user);
  }

  const groupsById = new Map<string, CompiledGroup>();
  const groupsByKey = new Map<string, CompiledGroup>();
  for (const g of source.groups) {
    const memberIds = [...g.members]
      .sort((a, b) => a.position - b.position)
      .map((m) => m.userId)
      .filter((id) => {
        if (usersById.has(id)) return true;
        warnings.push(`group ${g.name}: member ${id} is not a known user, skipped`);
        return false;
      });
    const group: CompiledGroup = { id: g.id, domainId: g.domainId, name: g.name, extension: g.extension ?? null, strategy: g.strategy, memberTimeout: g.memberTimeout, memberIds };
    groupsById.set(g.id, group);
    if (g.extension) groupsByKey.set(entityKey(g.domainId, g.extension), group);
  }

  const queuesById = new Map<string, CompiledQueue>();
  const queuesByKey = new Map<string, CompiledQueue>();
  for (const q of source.queues) {
    const members = q.members
      .filter((m) => {
        if (usersById.has(m.userId)) return true;
        warnings.push(`queue ${q.name}: member ${m.userId} is not a known user, skipped`);
        return false;
      })
      .map((m) => ({ userId: m.userId, priority: m.priority }))
      .sort((a, b) => usersById.get(a.userId)!.extension.localeCompare(usersById.get(b.userId)!.extension));
    const queue: CompiledQueue = {
      id: q.id,
      domainId: q.domainId,
      name: q.name,
      extension: q.extension ?? null,
      strategy: q.strategy,
      agentTimeout: q.agentTimeout,
      maxWait: q.maxWait,
      overflow: q.overflowTargetType ? ref(q.overflowTargetType, q.overflowTargetId, q.overflowTargetNumber) : null,
      members,
    };
    queuesById.set(q.id, queue);
    if (q.extension) queuesByKey.set(entityKey(q.domainId, q.extension), queue);
  }

  const numbersByE164 = new Map<string, CompiledNumber>();
  for (const n of source.numbers) {
    numbersByE164.set(n.e164, {
      id: n.id,
      domainId: n.domainId,
      e164: n.e164,
      target: ref(n.targetType, n.targetId, n.targetNumber),
      recordingPolicy: n.recordingPolicy,
    });
  }

  const trunksById = new Map<string, CompiledTrunk>();
  const trunksByInboundIp = new Map<string, CompiledTrunk>();
  const emergencyTrunksByDomain = new Map<string, CompiledTrunk[]>();
  for (const t of source.trunks) {
    // Fields picked one by one: a Prisma row also carries the secret, which has no business here.
    const trunk: CompiledTrunk = {
      id: t.id,
      domainId: t.domainId,
      name: t.name,
      host: t.host,
      port: t.port,
      transport: t.transport,
      inboundIps: [...t.inboundIps],
      priority: t.priority,
      weight: t.weight,
      failoverCodes: [...t.failoverCodes],
      branchTimeoutMs: t.branchTimeoutMs,
      codecs: [...t.codecs],
      techPrefix: t.techPrefix,
      isEmergency: t.isEmergency,
      recordingPolicy: t.recordingPolicy,
      enabled: t.enabled,
    };
    trunksById.set(t.id, trunk);
    for (const ip of t.inboundIps) {
      const other = trunksByInboundIp.get(ip);
      // An address shared by two trunks: keep the enabled one, else the first seen.
      if (other && (other.enabled || !t.enabled)) {
        warnings.push(`trunk ${t.name}: inbound address ${ip} already belongs to trunk ${other.name}, ignored`);
        continue;
      }
      trunksByInboundIp.set(ip, trunk);
    }
    if (t.isEmergency && t.enabled) {
      const list = emergencyTrunksByDomain.get(t.domainId) ?? [];
      list.push(trunk);
      emergencyTrunksByDomain.set(t.domainId, list);
    }
  }
  for (const list of emergencyTrunksByDomain.values()) list.sort((a, b) => a.priority - b.priority);

  const dialPlansById = new Map<string, CompiledDialPlan>();
  for (const p of source.dialPlans) {
    const rules: CompiledRule[] = [];
    for (const r of [...p.rules].sort((a, b) => a.position - b.position)) {
      if (!r.enabled) continue;
      let regex: RegExp;
      try {
        regex = anchored(r.pattern);
      } catch (err) {
        warnings.push(`dial plan ${p.name}: rule ${r.name ?? r.position} has an invalid pattern /${r.pattern}/ (${(err as Error).message}), skipped`);
        continue;
      }
      const trunkIds = r.trunks.map((x) => x.trunkId).filter((id) => {
        if (trunksById.has(id)) return true;
        warnings.push(`dial plan ${p.name}: rule ${r.name ?? r.position} names unknown trunk ${id}, skipped`);
        return false;
      });
      rules.push({
        id: r.id,
        dialPlanId: p.id,
        position: r.position,
        name: r.name ?? null,
        pattern: r.pattern,
        regex,
        stripDigits: r.stripDigits,
        prefix: r.prefix,
        toE164: r.toE164,
        numberClass: r.numberClass,
        trunkIds,
      });
    }
    dialPlansById.set(p.id, {
      id: p.id,
      domainId: p.domainId,
      name: p.name,
      countryCode: p.countryCode,
      nationalPrefix: p.nationalPrefix,
      internationalPrefix: p.internationalPrefix,
      rules,
    });
  }

  const schedulesById = new Map<string, CompiledSchedule>();
  for (const s of source.schedules) {
    let timezone = s.timezone;
    if (!isValidTimeZone(timezone)) {
      warnings.push(`schedule ${s.name}: unknown time zone "${timezone}", using UTC`);
      timezone = 'UTC';
    }
    schedulesById.set(s.id, {
      id: s.id,
      domainId: s.domainId,
      name: s.name,
      timezone,
      hours: s.hours.map((h) => ({ dayOfWeek: h.dayOfWeek, opens: h.opens, closes: h.closes })),
      holidays: s.holidays.map((h) => ({ date: h.date, name: h.name ?? null })),
      openTarget: ref(s.openTargetType, s.openTargetId, s.openTargetNumber),
      closedTarget: ref(s.closedTargetType, s.closedTargetId, s.closedTargetNumber),
    });
  }

  const emergencyByKey = new Map<string, CompiledEmergencyNumber>();
  const emergencyByNumber = new Map<string, CompiledEmergencyNumber[]>();
  for (const e of source.emergencyNumbers) {
    if (!trunksById.has(e.trunkId)) warnings.push(`emergency number ${e.number}: unknown trunk ${e.trunkId}`);
    const entry: CompiledEmergencyNumber = { id: e.id, domainId: e.domainId, number: e.number, trunkId: e.trunkId };
    emergencyByKey.set(entityKey(e.domainId, e.number), entry);
    const list = emergencyByNumber.get(e.number) ?? [];
    list.push(entry);
    emergencyByNumber.set(e.number, list);
  }

  return {
    version,
    domainsByName,
    domainsById,
    usersByKey,
    usersById,
    groupsByKey,
    groupsById,
    queuesByKey,
    queuesById,
    numbersByE164,
    dialPlansById,
    trunksById,
    trunksByInboundIp,
    emergencyTrunksByDomain,
    schedulesById,
    emergencyByKey,
    emergencyByNumber,
    warnings,
  };
}
