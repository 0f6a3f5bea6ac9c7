// A call to a queue: the agents acd.ts picks, then the overflow target once the ring chain (at most
// maxWait) is exhausted, or straight away when nobody is available.
import { selectAgents } from './acd.ts';
import { reject, type ResolveContext, type Resolution, type RoutePlan } from './plan.ts';
import { MEMBER_FAILOVER } from './policy.ts';
import { userRoute } from './routes.ts';
import type { CompiledQueue, CompiledUser, RouteSet, TargetRef } from './types.ts';

export type ResolveTarget = (ctx: ResolveContext, target: TargetRef) => Resolution;

/**
 * Overflow after the agents. A serial overflow simply continues the serial chain; anything else
 * (a ring-all group after the agents, or any overflow after a parallel ring) becomes the plan's
 * `overflow` set, which Kamailio starts once every route here has failed.
 */
function appendOverflow(plan: RoutePlan, overflow: RoutePlan): RoutePlan {
  const merged: RoutePlan = {
    ...plan,
    calleeUsers: [...plan.calleeUsers, ...overflow.calleeUsers],
    trunks: [...plan.trunks, ...overflow.trunks],
    ruleId: plan.ruleId ?? overflow.ruleId,
  };
  if (plan.routing === 'serial' && overflow.routing === 'serial') {
    merged.targets = [...plan.targets, ...overflow.targets];
    if (overflow.overflow) merged.overflow = overflow.overflow;
  } else {
    const set: RouteSet = { routing: overflow.routing, targets: overflow.targets };
    if (overflow.overflow) set.overflow = overflow.overflow;
    merged.overflow = set;
  }
  return merged;
}

export function routeToQueue(ctx: ResolveContext, queue: CompiledQueue, resolve: ResolveTarget): Resolution {
  const { snapshot, trace } = ctx;
  const users = new Map<string, CompiledUser>();
  const selection = selectAgents(queue, ctx.agents, (userId) => {
    const user = snapshot.usersById.get(userId);
    if (!user) return 'unknown user';
    if (!user.enabled) return 'disabled';
    if (userId === ctx.callerUserId) return 'the caller';
    users.set(userId, user);
    return undefined;
  });
  for (const s of selection.skipped) trace.add?.('queue', `${queue.name}: ${snapshot.usersById.get(s.userId)?.extension ?? s.userId} skipped: ${s.why}`);

  if (selection.agents.length === 0) {
    if (!queue.overflow) {
      trace.add?.('queue', `${queue.name}: no agent available and no overflow target`);
      return reject(480, 'Temporarily Unavailable', 'no_agent_available');
    }
    trace.add?.('queue', `${queue.name}: no agent available, straight to overflow ${queue.overflow.type}`);
    return resolve(ctx, queue.overflow);
  }

  const agents = selection.agents.map((a) => ({ user: users.get(a.userId)!, ringSeconds: a.ringSeconds }));
  trace.add?.(
    'queue',
    `${queue.name} (${queue.strategy}, ${selection.routing}, max wait ${queue.maxWait}s): ` +
      agents.map((a) => `${a.user.extension} ${a.ringSeconds}s`).join(', '),
  );
  let plan: RoutePlan = {
    routing: selection.routing,
    targets: agents.map((a) => userRoute(a.user, ctx.domain, { failover: MEMBER_FAILOVER, ringSeconds: a.ringSeconds })),
    label: `queue:${queue.name}`,
    calleeUsers: agents.map((a) => a.user),
    trunks: [],
  };
  if (selection.nextCursor !== undefined) plan.acd = { queueId: queue.id, nextCursor: selection.nextCursor };

  if (queue.overflow) {
    const overflow = resolve(ctx, queue.overflow);
    if ('plan' in overflow) {
      trace.add?.('queue', `${queue.name}: then overflow ${overflow.plan.label}`);
      plan = appendOverflow(plan, overflow.plan);
    } else if (overflow.reject.code === 'routing_loop') {
      return overflow;
    } else {
      trace.add?.('queue', `${queue.name}: overflow unusable (${overflow.reject.code}), the call ends after the agents`);
    }
  }
  return { plan };
}
