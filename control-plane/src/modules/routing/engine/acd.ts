// Queue agent selection (ACD). Which agents ring, in what order and for how long; the live agent
// state comes from an injected view so this stays pure. The ring chain never exceeds maxWait, after
// which the caller goes to the queue's overflow target.
import type { AgentState, AgentView, QueueStrategy } from './types.ts';

export interface QueueSpec {
  id: string;
  strategy: QueueStrategy;
  agentTimeout: number; // seconds each agent rings
  maxWait: number; // seconds before overflow; ≤ 0 means no limit
  members: readonly { userId: string; priority: number }[];
}

export interface AgentPick {
  userId: string;
  ringSeconds: number;
}

export interface AgentSelection {
  routing: 'serial' | 'parallel';
  agents: AgentPick[];
  /** Members left out, and why (for the trace). */
  skipped: { userId: string; why: string }[];
  /** ROUND_ROBIN: member index of the first agent rung, to store as the new cursor. */
  nextCursor?: number;
}

interface Candidate {
  userId: string;
  priority: number;
  index: number;
  idleSince: number;
}

function unavailability(state: AgentState | undefined): string | undefined {
  if (!state || !state.loggedIn) return 'logged out';
  if (state.paused) return 'paused';
  if (state.busy) return 'busy';
  return undefined;
}

/** Longest idle first; never rung since login counts as idle forever. Ties keep member order. */
function byIdle(a: Candidate, b: Candidate): number {
  return a.idleSince - b.idleSince || a.index - b.index;
}

function order(queue: QueueSpec, available: Candidate[], cursor: number): Candidate[] {
  switch (queue.strategy) {
    case 'RING_ALL':
      return available;
    case 'LONGEST_IDLE':
      return [...available].sort(byIdle);
    case 'PRIORITY':
      return [...available].sort((a, b) => a.priority - b.priority || byIdle(a, b));
    case 'ROUND_ROBIN': {
      // Rotate over the full member list so the cursor means the same thing whoever is available.
      const n = queue.members.length;
      const start = (((cursor + 1) % n) + n) % n;
      return [...available].sort((a, b) => ((a.index - start + n) % n) - ((b.index - start + n) % n));
    }
  }
}

/** Cut a serial chain so the ringing adds up to at most maxWait; the last agent may ring shorter. */
function ringTimes(queue: QueueSpec, ordered: Candidate[], parallel: boolean): AgentPick[] {
  const limit = queue.maxWait > 0 ? queue.maxWait : Infinity;
  if (parallel) {
    const ring = Math.min(queue.agentTimeout, limit);
    return ordered.map((c) => ({ userId: c.userId, ringSeconds: ring }));
  }
  const picks: AgentPick[] = [];
  let remaining = limit;
  for (const c of ordered) {
    const ring = Math.min(queue.agentTimeout, remaining);
    if (ring <= 0) break;
    picks.push({ userId: c.userId, ringSeconds: ring });
    remaining -= ring;
  }
  return picks;
}

/**
 * @param eligible members that may not ring at all (e.g. a disabled user) are filtered by the
 *   caller's predicate, which returns why not, or undefined when eligible.
 */
export function selectAgents(
  queue: QueueSpec,
  agents: AgentView,
  ineligible: (userId: string) => string | undefined = () => undefined,
): AgentSelection {
  const skipped: AgentSelection['skipped'] = [];
  const available: Candidate[] = [];
  queue.members.forEach((m, index) => {
    const why = ineligible(m.userId);
    const state = agents.state(queue.id, m.userId);
    const notReady = why ?? unavailability(state);
    if (notReady) {
      skipped.push({ userId: m.userId, why: notReady });
      return;
    }
    available.push({ userId: m.userId, priority: m.priority, index, idleSince: state?.idleSince ?? -Infinity });
  });

  const parallel = queue.strategy === 'RING_ALL';
  const ordered = order(queue, available, agents.cursor(queue.id));
  const selection: AgentSelection = {
    routing: parallel ? 'parallel' : 'serial',
    agents: ringTimes(queue, ordered, parallel),
    skipped,
  };
  if (queue.strategy === 'ROUND_ROBIN' && ordered.length > 0) selection.nextCursor = ordered[0].index;
  return selection;
}
