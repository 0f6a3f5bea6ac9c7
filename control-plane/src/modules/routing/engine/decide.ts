// The routing decision for a new call: a pure function of the compiled snapshot, the request
// Kamailio sent and the runtime inputs (clock, agent states, randomness). Order matters:
// emergency first, then trunk traffic (by source address), then subscribers.
import { entityKey } from './compile.ts';
import { emergencyDecision, findEmergency, type EmergencyCaller } from './emergency.ts';
import { didCandidates } from './numbers.ts';
import { routeViaDialPlan } from './outbound.ts';
import { Trace, type Rejection, type ResolveContext, type Resolution, type RoutePlan } from './plan.ts';
import { mediaPolicy, pickRecording } from './policy.ts';
import { assertedIdentity, diversion } from './routes.ts';
import { resolveTarget } from './targets.ts';
import type {
  CallKind,
  CompiledDomain,
  CompiledNumber,
  CompiledTrunk,
  CompiledUser,
  Decision,
  RouteRequest,
  RoutingSnapshot,
  RuntimeInputs,
} from './types.ts';

function rejected(r: Rejection, trace: Trace, domainId?: string): Decision {
  trace.add?.('decision', `reject ${r.sipCode} ${r.reason} (${r.code})`);
  return { outcome: 'reject', sipCode: r.sipCode, reason: r.reason, code: r.code, domainId, trace: trace.steps };
}

interface Finish {
  kind: CallKind;
  domain: CompiledDomain;
  callerUser?: CompiledUser;
  inboundTrunk?: CompiledTrunk;
  did?: CompiledNumber;
  callerId?: string;
}

/** Turns a resolved plan into the decision: recording, media, CDR fields. */
function finish(resolution: Resolution, f: Finish, trace: Trace): Decision {
  if ('reject' in resolution) return rejected(resolution.reject, trace, f.domain.id);
  const plan: RoutePlan = resolution.plan;
  const outTrunk = plan.trunks[0];
  const recording = pickRecording([
    { source: `DID ${f.did?.e164}`, policy: f.did?.recordingPolicy },
    { source: `trunk ${f.inboundTrunk?.name}`, policy: f.inboundTrunk?.recordingPolicy },
    { source: `trunk ${outTrunk?.name}`, policy: outTrunk?.recordingPolicy },
    { source: `callee ${plan.calleeUser?.extension}`, policy: plan.calleeUser?.recordingPolicy },
    { source: `caller ${f.callerUser?.extension}`, policy: f.callerUser?.recordingPolicy },
  ]);
  trace.add?.('recording', `${recording.mode} (${recording.source})`);
  // Only a call that starts with trunks has a trunk on the callee leg from the first answer on.
  const calleeTrunk = plan.targets[0]?.trunkId ? outTrunk : undefined;
  const media = mediaPolicy({ callerUser: f.callerUser, callerIsTrunk: !!f.inboundTrunk, calleeUsers: plan.calleeUsers, calleeTrunk });
  const trunkIds = [...new Set([...(f.inboundTrunk ? [f.inboundTrunk.id] : []), ...plan.trunks.map((t) => t.id)])];
  trace.add?.('decision', `${f.kind} ${plan.routing} to ${plan.targets.map((t) => t.label).join(', ')}${plan.overflow ? ', then overflow' : ''}`);
  return {
    outcome: 'route',
    kind: f.kind,
    routing: plan.routing,
    targets: plan.targets,
    ...(plan.overflow ? { overflow: plan.overflow } : {}),
    lookup: plan.targets[0]?.lookup ?? false,
    media,
    recording: recording.mode,
    ...(f.callerId ? { callerId: f.callerId } : {}),
    domainId: f.domain.id,
    trunkIds,
    ...(plan.ruleId ? { ruleId: plan.ruleId } : {}),
    label: plan.label,
    ...(plan.acd ? { acd: plan.acd } : {}),
    trace: trace.steps,
  };
}

function baseContext(snapshot: RoutingSnapshot, runtime: RuntimeInputs, trace: Trace, domain: CompiledDomain): ResolveContext {
  return { snapshot, now: runtime.now, agents: runtime.agents, rng: runtime.rng ?? Math.random, trace, domain, path: [], trunkHeaders: [], ...(runtime.callerProfile ? { callerProfile: runtime.callerProfile } : {}) };
}

function fromTrunk(snapshot: RoutingSnapshot, req: RouteRequest, runtime: RuntimeInputs, trunk: CompiledTrunk, trace: Trace): Decision {
  trace.add?.('caller', `trunk ${trunk.name} (source ${req.srcIp})`);
  if (!trunk.enabled) return rejected({ sipCode: 403, reason: 'Forbidden', code: 'trunk_disabled' }, trace, trunk.domainId);
  const trunkDomain = snapshot.domainsById.get(trunk.domainId);
  const plan = trunkDomain?.defaultDialPlanId ? snapshot.dialPlansById.get(trunkDomain.defaultDialPlanId) : undefined;

  // Some carriers put the DID only in To and their own account in the R-URI: try both.
  let did: CompiledNumber | undefined;
  for (const dialled of [req.ruriUser, req.toUser]) {
    const candidates = didCandidates(dialled, plan);
    did = candidates.map((c) => snapshot.numbersByE164.get(c)).find((n) => !!n);
    if (did) break;
    if (dialled) trace.add?.('did', `"${dialled}": no DID among ${candidates.join(', ') || '(no valid form)'}`);
  }
  if (!did) return rejected({ sipCode: 404, reason: 'Not Found', code: 'unknown_did' }, trace, trunk.domainId);

  const domain = snapshot.domainsById.get(did.domainId)!;
  trace.add?.('did', `${did.e164} of ${domain.name} → ${did.target.type}`);
  if (!domain.enabled) return rejected({ sipCode: 480, reason: 'Temporarily Unavailable', code: 'domain_disabled' }, trace, domain.id);
  const ctx = baseContext(snapshot, runtime, trace, domain);
  // Forwarded to an outside number: keep the original caller, name our DID in Diversion.
  ctx.trunkHeaders = [diversion(did.e164, domain.name)];
  return finish(resolveTarget(ctx, did.target), { kind: 'inbound', domain, inboundTrunk: trunk, did }, trace);
}

function fromSubscriber(snapshot: RoutingSnapshot, req: RouteRequest, runtime: RuntimeInputs, trace: Trace): Decision {
  const domainName = req.authDomain || req.fromDomain;
  const domain = snapshot.domainsByName.get(domainName.toLowerCase());
  const user = domain && snapshot.usersByKey.get(entityKey(domain.id, req.authUser));
  if (!domain || !user) {
    trace.add?.('caller', `${req.authUser}@${domainName}: unknown`);
    return rejected({ sipCode: 403, reason: 'Forbidden', code: 'unknown_caller' }, trace, domain?.id);
  }
  if (!domain.enabled) return rejected({ sipCode: 403, reason: 'Forbidden', code: 'domain_disabled' }, trace, domain.id);
  if (!user.enabled) {
    trace.add?.('caller', `${user.extension}@${domain.name}: disabled`);
    return rejected({ sipCode: 403, reason: 'Forbidden', code: 'caller_disabled' }, trace, domain.id);
  }
  trace.add?.('caller', `${user.extension}@${domain.name} (class ${user.classOfService})`);

  const dialled = req.ruriUser;
  if (!dialled) return rejected({ sipCode: 484, reason: 'Address Incomplete', code: 'address_incomplete' }, trace, domain.id);
  const ctx = baseContext(snapshot, runtime, trace, domain);
  ctx.callerUserId = user.id;
  const internal: Finish = { kind: 'internal', domain, callerUser: user };

  const key = entityKey(domain.id, dialled);
  const callee = snapshot.usersByKey.get(key);
  if (callee) return finish(resolveTarget(ctx, { type: 'USER', id: callee.id, number: null }), internal, trace);
  const group = snapshot.groupsByKey.get(key);
  if (group) return finish(resolveTarget(ctx, { type: 'GROUP', id: group.id, number: null }), internal, trace);
  const queue = snapshot.queuesByKey.get(key);
  if (queue) return finish(resolveTarget(ctx, { type: 'QUEUE', id: queue.id, number: null }), internal, trace);

  const planId = user.dialPlanId ?? domain.defaultDialPlanId;
  const plan = planId ? snapshot.dialPlansById.get(planId) : undefined;
  if (!plan) {
    trace.add?.('dialplan', `"${dialled}" is no extension and ${user.extension} has no dial plan`);
    return rejected({ sipCode: 404, reason: 'Not Found', code: 'no_dial_plan' }, trace, domain.id);
  }
  trace.add?.('dialplan', `"${dialled}" is no extension: ${user.dialPlanId ? "the user's" : "the domain's default"} dial plan ${plan.name}`);
  if (user.callerId) ctx.trunkHeaders = [assertedIdentity(user.callerId, domain.name)];
  else trace.add?.('caller_id', `${user.extension} has no caller ID: the trunk presents its default`);
  const resolution = routeViaDialPlan(ctx, plan, dialled, { classOfService: user.classOfService });
  return finish(resolution, { kind: 'outbound', domain, callerUser: user, callerId: user.callerId ?? undefined }, trace);
}

export function decide(snapshot: RoutingSnapshot, req: RouteRequest, runtime: RuntimeInputs): Decision {
  const trace = new Trace(runtime.trace !== false);
  trace.add?.('request', `${req.fromUser}@${req.fromDomain} → ${req.ruriUser}@${req.ruriDomain} from ${req.srcIp}:${req.srcPort}/${req.proto}${req.authUser ? ` auth ${req.authUser}@${req.authDomain}` : ''} (snapshot v${snapshot.version})`);

  const trunk = req.authUser ? undefined : snapshot.trunksByInboundIp.get(req.srcIp);
  const caller: EmergencyCaller = { fromTrunk: !!trunk };
  if (req.authUser) {
    caller.domain = snapshot.domainsByName.get((req.authDomain || req.fromDomain).toLowerCase());
    caller.user = caller.domain && snapshot.usersByKey.get(entityKey(caller.domain.id, req.authUser));
  } else if (trunk) {
    caller.domain = snapshot.domainsById.get(trunk.domainId);
  }
  const emergency = findEmergency(snapshot, req, caller);
  if (emergency) return emergencyDecision(snapshot, req, caller, emergency, trace);

  if (trunk) return fromTrunk(snapshot, req, runtime, trunk, trace);
  if (req.authUser) return fromSubscriber(snapshot, req, runtime, trace);
  // Not a trunk and no credentials yet: ask for them (RFC 3261 §22.3). Kamailio turns this into
  // a 407 challenge; a caller that then fails authentication never gets this far.
  trace.add?.('caller', `neither authenticated nor from a known trunk address (${req.srcIp}): challenge`);
  return rejected({ sipCode: 407, reason: 'Proxy Authentication Required', code: 'auth_required' }, trace);
}
