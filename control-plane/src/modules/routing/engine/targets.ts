// Resolution of a target reference (DID, schedule branch, queue overflow, dialled extension) into
// routes, recursively and with loop protection: schedule → group, queue → overflow schedule → ...
import { isOpen } from './schedule.ts';
import { routeViaDialPlan } from './outbound.ts';
import { MAX_DEPTH, reject, type ResolveContext, type Resolution } from './plan.ts';
import { DIRECT_USER_FAILOVER, MEMBER_FAILOVER } from './policy.ts';
import { routeToQueue } from './queue-route.ts';
import { userRoute } from './routes.ts';
import type { CompiledGroup, CompiledUser, TargetRef } from './types.ts';

const refKey = (t: TargetRef): string => `${t.type}:${t.id ?? t.number ?? ''}`;

export function resolveTarget(ctx: ResolveContext, target: TargetRef): Resolution {
  const key = refKey(target);
  if (ctx.path.includes(key) || ctx.path.length >= MAX_DEPTH) {
    ctx.trace.add?.('loop', `${[...ctx.path, key].join(' → ')}: ${ctx.path.includes(key) ? 'cycle' : `deeper than ${MAX_DEPTH}`}`);
    // 482 Loop Detected (RFC 3261 §21.4.20).
    return reject(482, 'Loop Detected', 'routing_loop');
  }
  const inner: ResolveContext = { ...ctx, path: [...ctx.path, key] };
  const missing = (what: string): Resolution => {
    ctx.trace.add?.('target', `${target.type} ${target.id ?? target.number ?? '(none)'}: ${what}`);
    return reject(404, 'Not Found', 'broken_reference');
  };
  const { snapshot } = ctx;

  switch (target.type) {
    case 'USER': {
      const user = target.id ? snapshot.usersById.get(target.id) : undefined;
      return user ? routeToUser(inner, user) : missing('no such user');
    }
    case 'GROUP': {
      const group = target.id ? snapshot.groupsById.get(target.id) : undefined;
      return group ? routeToGroup(inner, group) : missing('no such group');
    }
    case 'QUEUE': {
      const queue = target.id ? snapshot.queuesById.get(target.id) : undefined;
      if (!queue) return missing('no such queue');
      // A VIP (per the domain's CRM) calling into a queue goes to the priority queue instead.
      const vipQueue = ctx.callerProfile?.vip && ctx.callerProfile.vipQueueId ? snapshot.queuesById.get(ctx.callerProfile.vipQueueId) : undefined;
      if (vipQueue && vipQueue.id !== queue.id && vipQueue.domainId === queue.domainId) {
        ctx.trace.add?.('crm', `VIP caller${ctx.callerProfile?.owner ? ` (owner ${ctx.callerProfile.owner})` : ''}: ${queue.name} → priority queue ${vipQueue.name}`);
        return routeToQueue({ ...inner, path: [...inner.path, `QUEUE:${vipQueue.id}`] }, vipQueue, resolveTarget);
      }
      return routeToQueue(inner, queue, resolveTarget);
    }
    case 'SCHEDULE': {
      const schedule = target.id ? snapshot.schedulesById.get(target.id) : undefined;
      if (!schedule) return missing('no such schedule');
      const state = isOpen(schedule, ctx.now);
      ctx.trace.add?.('schedule', `${schedule.name}: ${state.reason}`);
      return resolveTarget(inner, state.open ? schedule.openTarget : schedule.closedTarget);
    }
    case 'EXTERNAL': {
      if (!target.number) return missing('no number');
      const plan = ctx.domain.defaultDialPlanId ? snapshot.dialPlansById.get(ctx.domain.defaultDialPlanId) : undefined;
      if (!plan) {
        ctx.trace.add?.('target', `EXTERNAL ${target.number}: domain ${ctx.domain.name} has no default dial plan`);
        return reject(404, 'Not Found', 'no_dial_plan');
      }
      ctx.trace.add?.('target', `EXTERNAL ${target.number} through dial plan ${plan.name}`);
      return routeViaDialPlan(inner, plan, target.number, {});
    }
    case 'HANGUP': {
      // The number field may carry the answer; 603 Decline (RFC 3261 §21.6.2) for a deliberate
      // refusal, otherwise 480 Temporarily Unavailable.
      const code = Number(target.number);
      const sipCode = code === 603 ? 603 : 480;
      ctx.trace.add?.('target', `HANGUP with ${sipCode}`);
      return reject(sipCode, sipCode === 603 ? 'Decline' : 'Temporarily Unavailable', 'hangup_target');
    }
  }
}

export function routeToUser(ctx: ResolveContext, user: CompiledUser): Resolution {
  if (!user.enabled) {
    ctx.trace.add?.('target', `user ${user.extension} is disabled`);
    return reject(480, 'Temporarily Unavailable', 'destination_unavailable');
  }
  ctx.trace.add?.('target', `user ${user.extension}: lookup sip:${user.extension}@${ctx.domain.name}`);
  return {
    plan: {
      routing: 'serial',
      targets: [userRoute(user, ctx.domain, { failover: DIRECT_USER_FAILOVER })],
      label: `user:${user.extension}`,
      calleeUser: user,
      calleeUsers: [user],
      trunks: [],
    },
  };
}

/**
 * RING_ALL forks to every member at once for memberTimeout; HUNT rings one member after the
 * other, memberTimeout each, moving on when a member is busy or does not answer.
 */
export function routeToGroup(ctx: ResolveContext, group: CompiledGroup): Resolution {
  const members: CompiledUser[] = [];
  for (const id of group.memberIds) {
    const user = ctx.snapshot.usersById.get(id)!;
    if (!user.enabled) ctx.trace.add?.('group', `${group.name}: ${user.extension} skipped: disabled`);
    else if (user.id === ctx.callerUserId) ctx.trace.add?.('group', `${group.name}: ${user.extension} skipped: the caller`);
    else members.push(user);
  }
  if (members.length === 0) {
    ctx.trace.add?.('group', `${group.name}: no enabled member`);
    return reject(480, 'Temporarily Unavailable', 'no_member_available');
  }
  const parallel = group.strategy === 'RING_ALL';
  ctx.trace.add?.(
    'group',
    `${group.name} (${group.strategy}, ${group.memberTimeout}s${parallel ? '' : ' each'}): ${members.map((u) => u.extension).join(', ')}`,
  );
  return {
    plan: {
      routing: parallel ? 'parallel' : 'serial',
      targets: members.map((u) => userRoute(u, ctx.domain, { failover: MEMBER_FAILOVER, ringSeconds: group.memberTimeout })),
      label: `group:${group.name}`,
      calleeUsers: members,
      trunks: [],
    },
  };
}
