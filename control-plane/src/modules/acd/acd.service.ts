// Agent log in / out / pause for queue members. Each change is journaled (who paused whom, when) but
// does not bump the routing epoch: the engine reads the live state, not the snapshot. Every instance
// is told to refresh its view of the queue's agents (acd.changed; the periodic refresh catches up on
// a lost message). While Redis is away, reads and changes answer 503 shared_state_unavailable.
import { Conflict, NotFound } from '../../lib/errors.ts'
import { commitChange, type ChangeDeps } from '../provisioning/change.ts'
import type { RequestCtx } from '../provisioning/context.ts'
import { queuesRepository } from '../queues/queues.repository.ts'
import { emitEvent } from '../events/outbox.ts'
import { ACD_CHANNEL } from '../routing/snapshot.ts'
import { transition, type AgentAction, type AgentState, type AgentStateStore } from './agent-state.ts'

export interface AgentView extends AgentState {
  userId: string
}

export function acdService(deps: ChangeDeps & { store: AgentStateStore }) {
  const loadQueue = async (queueId: string, ctx: RequestCtx) => {
    const q = await queuesRepository.findById(deps.prisma, queueId)
    if (!q || (ctx.domainScope !== null && ctx.domainScope !== q.domainId)) throw NotFound('queue', queueId)
    return q
  }
  return {
    /** Every member of the queue with its live state (logged out when never seen). */
    async list(queueId: string, ctx: RequestCtx): Promise<AgentView[]> {
      const q = await loadQueue(queueId, ctx)
      return Promise.all(q.members.map(async (m) => ({ userId: m.userId, ...(await deps.store.get(queueId, m.userId)) })))
    },
    async act(queueId: string, userId: string, action: AgentAction, ctx: RequestCtx): Promise<AgentView> {
      const q = await loadQueue(queueId, ctx)
      if (!q.members.some((m) => m.userId === userId)) throw NotFound('queue_member', userId)
      const before = await deps.store.get(queueId, userId)
      const patch = transition(before, action)
      if (!patch) throw Conflict('agent_not_logged_in', `the agent must be logged in to ${action}`)
      const result = await commitChange(deps, ctx.actor, 'agent', async (tx) => {
        const after = await deps.store.set(queueId, userId, patch)
        await emitEvent(tx, { type: 'queue.agent.changed', domainId: q.domainId, correlation: { requestId: ctx.actor.requestId }, data: { queueId, userId, action, state: after } })
        return { result: { userId, ...after }, audit: { action: 'agent.updated', entityType: 'agent', entityId: `${queueId}:${userId}`, domainId: q.domainId, before, after: { ...after, action } } }
      }, { affectsRouting: false })
      await deps.state.publish(ACD_CHANNEL, queueId).catch(() => {})
      return result
    },
  }
}
