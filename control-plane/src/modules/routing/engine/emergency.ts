// Emergency calls come first and bypass everything that could stop them: schedules, class of
// service, limits, and a disabled caller. They carry the caller's callback number in
// P-Asserted-Identity (RFC 3325) so the emergency service can call back.
import { entityKey } from './compile.ts';
import type { Trace } from './plan.ts';
import { mediaPolicy, pickRecording } from './policy.ts';
import { assertedIdentity, trunkRoute } from './routes.ts';
import type {
  CompiledDomain,
  CompiledEmergencyNumber,
  CompiledTrunk,
  CompiledUser,
  Decision,
  RouteRequest,
  RoutingSnapshot,
} from './types.ts';

export interface EmergencyCaller {
  /** The caller's domain when we know it: a subscriber's, or the trunk's the call came from. */
  domain?: CompiledDomain;
  /** The subscriber, even disabled. */
  user?: CompiledUser;
  fromTrunk: boolean;
}

/** The emergency entry for this call, or undefined when the dialled number is not one. */
export function findEmergency(
  snapshot: RoutingSnapshot,
  req: RouteRequest,
  caller: EmergencyCaller,
): CompiledEmergencyNumber | undefined {
  if (caller.domain) return snapshot.emergencyByKey.get(entityKey(caller.domain.id, req.ruriUser));
  // Unknown caller (e.g. an unauthenticated phone): any domain's number counts; prefer the domain
  // the request names, so the call reaches the right local service.
  const all = snapshot.emergencyByNumber.get(req.ruriUser);
  if (!all || all.length === 0) return undefined;
  const named = [req.fromDomain, req.ruriDomain]
    .map((name) => snapshot.domainsByName.get(name.toLowerCase())?.id)
    .filter((id): id is string => !!id);
  return named.map((id) => all.find((e) => e.domainId === id)).find((e) => !!e) ?? all[0];
}

/** The number's own trunk first, then the domain's other enabled emergency trunks as failover. */
function emergencyTrunks(snapshot: RoutingSnapshot, entry: CompiledEmergencyNumber, trace: Trace): CompiledTrunk[] {
  const own = snapshot.trunksById.get(entry.trunkId);
  const others = (snapshot.emergencyTrunksByDomain.get(entry.domainId) ?? []).filter((t) => t.id !== entry.trunkId);
  if (own && !own.enabled) {
    trace.add?.('trunks', `emergency trunk ${own.name} is disabled`);
    // Better to try a disabled trunk than to drop an emergency call when it is the only one.
    return others.length > 0 ? others : [own];
  }
  return own ? [own, ...others] : others;
}

export function emergencyDecision(
  snapshot: RoutingSnapshot,
  req: RouteRequest,
  caller: EmergencyCaller,
  entry: CompiledEmergencyNumber,
  trace: Trace,
): Decision {
  const domain = snapshot.domainsById.get(entry.domainId);
  trace.add?.('emergency', `${entry.number} is an emergency number of ${domain?.name ?? entry.domainId}: schedules, class of service and caller state bypassed`);

  const trunks = emergencyTrunks(snapshot, entry, trace);
  if (trunks.length === 0) {
    trace.add?.('trunks', 'no emergency trunk at all');
    return { outcome: 'reject', sipCode: 503, reason: 'Service Unavailable', code: 'no_trunk_available', domainId: entry.domainId, trace: trace.steps };
  }

  const callback = caller.user ? (caller.user.callerId ?? caller.user.extension) : req.fromUser || undefined;
  const host = domain?.name ?? req.fromDomain;
  if (callback) {
    trace.add?.('callback', `${callback}${caller.user ? '' : ' (unverified From user)'} in P-Asserted-Identity`);
  } else {
    trace.add?.('callback', 'no callback number known');
  }
  const headers = callback ? [assertedIdentity(callback, host)] : [];
  trace.add?.('trunks', `order: ${trunks.map((t) => t.name).join(', ')}`);

  const recording = pickRecording([
    { source: `trunk ${trunks[0].name}`, policy: trunks[0].recordingPolicy },
    { source: 'caller', policy: caller.user?.recordingPolicy },
  ]);
  trace.add?.('recording', `${recording.mode} (${recording.source})`);

  return {
    outcome: 'route',
    kind: 'emergency',
    routing: 'serial',
    targets: trunks.map((t) => trunkRoute(t, entry.number, headers)),
    lookup: false,
    media: mediaPolicy({ callerUser: caller.user, callerIsTrunk: caller.fromTrunk, calleeUsers: [], calleeTrunk: trunks[0] }),
    recording: recording.mode,
    callerId: callback,
    domainId: entry.domainId,
    trunkIds: trunks.map((t) => t.id),
    label: `emergency:${entry.number}`,
    trace: trace.steps,
  };
}
