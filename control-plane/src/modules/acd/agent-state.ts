// Live ACD agent state, kept in SharedState (Redis across instances, in-process otherwise) rather
// than the database: it changes on every call and the routing engine reads it on every queue call.
// One hash per (queue, agent) at acd:<queueId>:<userId>, plus a per-queue index hash so a queue's
// agents can be listed without scanning keys.
import type { SharedState } from '../../shared-state/shared-state.ts'
import type { AgentState } from '../routing/engine/types.ts'

export type { AgentState }

export interface AgentStateStore {
  /** A member never seen is logged out. */
  get(queueId: string, userId: string): Promise<AgentState>
  set(queueId: string, userId: string, patch: Partial<AgentState>): Promise<AgentState>
  list(queueId: string): Promise<Array<AgentState & { userId: string }>>
}

export const agentKey = (queueId: string, userId: string) => `acd:${queueId}:${userId}`
const indexKey = (queueId: string) => `acd:${queueId}:agents`

const LOGGED_OUT: AgentState = { loggedIn: false, paused: false, busy: false }

function decode(h: Record<string, string>): AgentState {
  if (!h || Object.keys(h).length === 0) return { ...LOGGED_OUT }
  return { loggedIn: h.loggedIn === '1', paused: h.paused === '1', busy: h.busy === '1', ...(h.idleSince ? { idleSince: Number(h.idleSince) } : {}) }
}

function encode(s: AgentState): Record<string, string> {
  return { loggedIn: s.loggedIn ? '1' : '0', paused: s.paused ? '1' : '0', busy: s.busy ? '1' : '0', idleSince: s.idleSince === undefined ? '' : String(s.idleSince) }
}

export function sharedAgentStateStore(state: SharedState): AgentStateStore {
  const store: AgentStateStore = {
    async get(queueId, userId) {
      return decode(await state.hgetall(agentKey(queueId, userId)))
    },
    async set(queueId, userId, patch) {
      const next = { ...(await store.get(queueId, userId)), ...patch }
      await state.hset(agentKey(queueId, userId), encode(next))
      await state.hset(indexKey(queueId), { [userId]: '1' })
      return next
    },
    async list(queueId) {
      const ids = Object.keys(await state.hgetall(indexKey(queueId)))
      return Promise.all(ids.map(async (userId) => ({ userId, ...(await store.get(queueId, userId)) })))
    },
  }
  return store
}

export type AgentAction = 'login' | 'logout' | 'pause' | 'unpause'

/** The state after an agent's own action; undefined when the action makes no sense now. */
export function transition(s: AgentState, action: AgentAction): Partial<AgentState> | undefined {
  switch (action) {
    case 'login':
      return { loggedIn: true, paused: false }
    case 'logout':
      return { loggedIn: false, paused: false }
    case 'pause':
      return s.loggedIn ? { paused: true } : undefined
    case 'unpause':
      return s.loggedIn ? { paused: false } : undefined
  }
}
