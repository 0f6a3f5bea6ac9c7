import t from 'tap';
import { selectAgents, type QueueSpec } from '../../../src/modules/routing/engine/acd.ts';
import type { AgentState, QueueStrategy } from '../../../src/modules/routing/engine/types.ts';
import { agentView, busy, loggedOut, paused, ready } from './fixtures.ts';

// Members a, b, c, d at indices 0..3; priorities a 2, b 1, c 1, d 0.
const queue = (strategy: QueueStrategy, p: Partial<QueueSpec> = {}): QueueSpec => ({
  id: 'q',
  strategy,
  agentTimeout: 15,
  maxWait: 120,
  members: [
    { userId: 'a', priority: 2 },
    { userId: 'b', priority: 1 },
    { userId: 'c', priority: 1 },
    { userId: 'd', priority: 0 },
  ],
  ...p,
});
const states = (s: Record<string, AgentState>) => Object.fromEntries(Object.entries(s).map(([k, v]) => [`q:${k}`, v]));
const allReady = { a: ready(4000), b: ready(1000), c: ready(), d: ready(2000) };
const mixed = { a: ready(4000), b: busy, c: paused, d: loggedOut };

interface Case {
  why: string;
  strategy: QueueStrategy;
  agents: Record<string, AgentState>;
  cursor?: number;
  queue?: Partial<QueueSpec>;
  routing: 'serial' | 'parallel';
  expected: [string, number][];
  nextCursor?: number;
}

const cases: Case[] = [
  { why: 'ring all: every available agent at once', strategy: 'RING_ALL', agents: allReady, routing: 'parallel', expected: [['a', 15], ['b', 15], ['c', 15], ['d', 15]] },
  { why: 'ring all: busy, paused and logged-out agents left out', strategy: 'RING_ALL', agents: mixed, routing: 'parallel', expected: [['a', 15]] },
  { why: 'ring all: maxWait shorter than agentTimeout bounds the fork', strategy: 'RING_ALL', agents: allReady, queue: { maxWait: 10 }, routing: 'parallel', expected: [['a', 10], ['b', 10], ['c', 10], ['d', 10]] },
  { why: 'longest idle: never rung first, then oldest idleSince', strategy: 'LONGEST_IDLE', agents: allReady, routing: 'serial', expected: [['c', 15], ['b', 15], ['d', 15], ['a', 15]] },
  { why: 'longest idle: chain cut at maxWait 40 (15+15+10)', strategy: 'LONGEST_IDLE', agents: allReady, queue: { maxWait: 40 }, routing: 'serial', expected: [['c', 15], ['b', 15], ['d', 10]] },
  { why: 'longest idle: chain cut exactly at maxWait 30', strategy: 'LONGEST_IDLE', agents: allReady, queue: { maxWait: 30 }, routing: 'serial', expected: [['c', 15], ['b', 15]] },
  { why: 'longest idle: maxWait 0 means no limit', strategy: 'LONGEST_IDLE', agents: allReady, queue: { maxWait: 0 }, routing: 'serial', expected: [['c', 15], ['b', 15], ['d', 15], ['a', 15]] },
  { why: 'longest idle: equal idle times keep member order', strategy: 'LONGEST_IDLE', agents: { a: ready(5), b: ready(5), c: ready(5) }, routing: 'serial', expected: [['a', 15], ['b', 15], ['c', 15]] },
  { why: 'longest idle: only the free agent', strategy: 'LONGEST_IDLE', agents: mixed, routing: 'serial', expected: [['a', 15]] },
  { why: 'priority: lowest priority value first, ties by longest idle', strategy: 'PRIORITY', agents: { a: ready(1), b: ready(500), c: ready(100), d: ready(9000) }, routing: 'serial', expected: [['d', 15], ['c', 15], ['b', 15], ['a', 15]] },
  { why: 'priority: unavailable top agent skipped', strategy: 'PRIORITY', agents: { a: ready(1), b: ready(500), c: ready(100), d: busy }, routing: 'serial', expected: [['c', 15], ['b', 15], ['a', 15]] },
  { why: 'round robin: no cursor yet starts at the first member', strategy: 'ROUND_ROBIN', agents: allReady, cursor: -1, routing: 'serial', expected: [['a', 15], ['b', 15], ['c', 15], ['d', 15]], nextCursor: 0 },
  { why: 'round robin: starts after the cursor and wraps', strategy: 'ROUND_ROBIN', agents: allReady, cursor: 1, routing: 'serial', expected: [['c', 15], ['d', 15], ['a', 15], ['b', 15]], nextCursor: 2 },
  { why: 'round robin: cursor on the last member wraps to the first', strategy: 'ROUND_ROBIN', agents: allReady, cursor: 3, routing: 'serial', expected: [['a', 15], ['b', 15], ['c', 15], ['d', 15]], nextCursor: 0 },
  { why: 'round robin: busy next agent skipped, cursor moves to who rings', strategy: 'ROUND_ROBIN', agents: { ...allReady, c: busy }, cursor: 1, routing: 'serial', expected: [['d', 15], ['a', 15], ['b', 15]], nextCursor: 3 },
  { why: 'round robin: stale cursor beyond the list still rotates', strategy: 'ROUND_ROBIN', agents: allReady, cursor: 9, routing: 'serial', expected: [['c', 15], ['d', 15], ['a', 15], ['b', 15]], nextCursor: 2 },
  { why: 'round robin: chain cut at maxWait', strategy: 'ROUND_ROBIN', agents: allReady, cursor: 0, queue: { maxWait: 20 }, routing: 'serial', expected: [['b', 15], ['c', 5]], nextCursor: 1 },
  { why: 'nobody available', strategy: 'LONGEST_IDLE', agents: { a: busy, b: paused, c: loggedOut }, routing: 'serial', expected: [] },
];

for (const c of cases) {
  t.test(c.why, async (t) => {
    const cursors: Record<string, number> = c.cursor === undefined ? {} : { q: c.cursor };
    const selection = selectAgents(queue(c.strategy, c.queue), agentView(states(c.agents), cursors));
    t.equal(selection.routing, c.routing, 'routing');
    t.same(selection.agents.map((a) => [a.userId, a.ringSeconds]), c.expected, 'agents and ring times');
    t.equal(selection.nextCursor, c.nextCursor, 'next cursor');
    const total = selection.agents.reduce((s, a) => s + a.ringSeconds, 0);
    const limit = (c.queue?.maxWait ?? 120) || Infinity;
    if (c.routing === 'serial') t.ok(total <= limit, `serial chain ${total}s within maxWait`);
  });
}

t.test('skipped members and the eligibility predicate', async (t) => {
  const selection = selectAgents(queue('RING_ALL'), agentView(states({ a: ready(), b: ready(), c: paused })), (id) => (id === 'b' ? 'disabled' : undefined));
  t.same(selection.agents.map((a) => a.userId), ['a']);
  t.same(selection.skipped, [
    { userId: 'b', why: 'disabled' },
    { userId: 'c', why: 'paused' },
    { userId: 'd', why: 'logged out' },
  ]);
});
