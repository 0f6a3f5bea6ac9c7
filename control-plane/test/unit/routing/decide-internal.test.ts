// Subscriber to extension: users, ring-all and hunt groups, queues, and caller checks.
import t from 'tap';
import { decide } from '../../../src/modules/routing/engine/decide.ts';
import type { AgentState, QueueStrategy, TargetType } from '../../../src/modules/routing/engine/types.ts';
import {
  agentView,
  asRoute,
  busy,
  DEMO,
  demoSnapshot,
  fromUser,
  loggedOut,
  OPEN_NOW,
  paused,
  ready,
  request,
  runtimeAt,
  summary,
} from './fixtures.ts';

const snapshot = demoSnapshot();
const at = runtimeAt(OPEN_NOW);
const sip = (ext: string) => `sip:${ext}@${DEMO}`;

t.test('extension calls and caller checks, as a table', async (t) => {
  const cases: [string, ReturnType<typeof fromUser>, Record<string, unknown>][] = [
    ['user to user', fromUser('1001', '1002'), { kind: 'internal', routing: 'serial', uris: [sip('1002')], label: 'user:1002' }],
    ['ring-all group, disabled member left out', fromUser('1003', '600'), { kind: 'internal', routing: 'parallel', uris: [sip('1001'), sip('1002')], label: 'group:sales' }],
    ['ring-all group does not ring the caller', fromUser('1001', '600'), { kind: 'internal', routing: 'parallel', uris: [sip('1002')], label: 'group:sales' }],
    ['hunt group in member order', fromUser('1003', '601'), { kind: 'internal', routing: 'serial', uris: [sip('1002'), sip('1001')], label: 'group:support' }],
    ['group whose only member is disabled', fromUser('1001', '602'), { reject: 480, code: 'no_member_available' }],
    ['disabled callee', fromUser('1001', '1004'), { reject: 480, code: 'destination_unavailable' }],
    ['caller disabled', fromUser('1004', '1001'), { reject: 403, code: 'caller_disabled' }],
    ['unknown caller in a known domain', fromUser('9999', '1001'), { reject: 403, code: 'unknown_caller' }],
    ['unknown caller domain', fromUser('1001', '1002', { authDomain: 'nowhere.example', fromDomain: 'nowhere.example' }), { reject: 403, code: 'unknown_caller' }],
    ['domain compared case-insensitively', fromUser('1001', '1002', { authDomain: 'DEMO.Switchboard.LOCAL' }), { kind: 'internal', routing: 'serial', uris: [sip('1002')], label: 'user:1002' }],
    ['auth domain missing: From domain used', fromUser('1001', '1002', { authDomain: '' }), { kind: 'internal', routing: 'serial', uris: [sip('1002')], label: 'user:1002' }],
    ['nothing dialled', fromUser('1001', ''), { reject: 484, code: 'address_incomplete' }],
    ['neither subscriber nor trunk: challenge', request({ ruriUser: '1001', srcIp: '203.0.113.99' }), { reject: 407, code: 'auth_required' }],
    ['extension of another domain is not reachable', fromUser('1001', '1001', { authDomain: 'us.example', fromDomain: 'us.example' }), { kind: 'internal', routing: 'serial', uris: ['sip:1001@us.example'], label: 'user:1001' }],
  ];
  for (const [why, req, expected] of cases) t.same(summary(decide(snapshot, req, at)), expected, why);
});

t.test('a direct user call: lookup, failover without busy, media and recording', async (t) => {
  const d = asRoute(decide(snapshot, fromUser('1001', '1002'), at));
  t.equal(d.lookup, true);
  t.same(d.targets[0].failover, ['408', '480', '5xx'], 'a direct call never fails over on 486 or 603');
  t.equal(d.targets[0].frInvTimerMs, undefined, 'the phone rings as long as the caller wants');
  t.equal(d.targets[0].userId, 'u-1002');
  t.same(d.media, { callerSrtp: 'optional', calleeSrtp: 'require', ice: 'keep', codecs: ['opus', 'PCMA'] }, 'callee is TLS-only with its codecs');
  t.equal(d.recording, 'never');
  t.same(d.trunkIds, []);
  t.equal(d.ruleId, undefined);
  t.equal(d.domainId, 'dom-demo');
  t.equal(d.callerId, undefined, 'internal calls assert nothing');
  t.same(d.trace.map((s) => s.step), ['request', 'caller', 'target', 'recording', 'decision']);
});

t.test('recording: callee policy, then caller policy', async (t) => {
  t.equal(asRoute(decide(snapshot, fromUser('1001', '1005'), at)).recording, 'always', 'callee 1005 records always');
  t.equal(asRoute(decide(snapshot, fromUser('1006', '1001'), at)).recording, 'on_demand', 'caller 1006 on demand');
  const both = asRoute(decide(snapshot, fromUser('1006', '1005'), at));
  t.equal(both.recording, 'always', 'the callee comes before the caller');
  t.match(both.trace.find((s) => s.step === 'recording')?.detail, /callee 1005/);
});

t.test('groups: ring time and failover per member', async (t) => {
  const ringAll = asRoute(decide(snapshot, fromUser('1003', '600'), at));
  t.same(ringAll.targets.map((x) => x.frInvTimerMs), [25000, 25000], 'the whole fork rings memberTimeout');
  t.same(ringAll.targets[0].failover, ['408', '480', '486', '5xx']);
  t.equal(ringAll.media.calleeSrtp, 'require', 'one TLS-only member makes the callee leg require SRTP');
  t.same(ringAll.media.codecs, [], 'several callees: no codec restriction');
  const hunt = asRoute(decide(snapshot, fromUser('1003', '601'), at));
  t.same(hunt.targets.map((x) => x.frInvTimerMs), [15000, 15000], 'each member rings memberTimeout');
  t.same(hunt.targets.map((x) => x.failover), [['408', '480', '486', '5xx'], ['408', '480', '486', '5xx']], 'busy moves on to the next member');
  t.match(decide(snapshot, fromUser('1001', '600'), at).trace.map((s) => s.detail).join('\n'), /1001 skipped: the caller/);
});

const helpdeskAgents = (s: Record<string, AgentState>) => agentView(Object.fromEntries(Object.entries(s).map(([ext, st]) => [`q-help:u-${ext}`, st])), { 'q-help': 1 });

t.test('queues through decide(): strategies, availability and overflow', async (t) => {
  type Case = [why: string, strategy: QueueStrategy, agents: Record<string, AgentState>, expected: Record<string, unknown>, overflow?: [TargetType, string | null]];
  const cases: Case[] = [
    ['longest idle, busy agent skipped, chain cut at 40 s, then overflow to 1003', 'LONGEST_IDLE',
      { 2001: ready(300), 2002: ready(100), 2003: busy, 2004: ready(200) },
      { kind: 'internal', routing: 'serial', uris: [sip('2002'), sip('2004'), sip('2001'), sip('1003')], label: 'queue:helpdesk' }],
    ['nobody available: straight to the overflow user', 'LONGEST_IDLE',
      { 2001: paused, 2002: busy, 2003: loggedOut },
      { kind: 'internal', routing: 'serial', uris: [sip('1003')], label: 'user:1003' }],
    ['priority: lowest member priority first (2004 has 0)', 'PRIORITY',
      { 2001: ready(1), 2002: ready(1), 2003: ready(1), 2004: ready(1) },
      { kind: 'internal', routing: 'serial', uris: [sip('2004'), sip('2002'), sip('2001'), sip('1003')], label: 'queue:helpdesk' }],
    ['round robin after cursor 1 (2002): 2003, 2004, 2001', 'ROUND_ROBIN',
      { 2001: ready(), 2002: ready(), 2003: ready(), 2004: ready() },
      { kind: 'internal', routing: 'serial', uris: [sip('2003'), sip('2004'), sip('2001'), sip('1003')], label: 'queue:helpdesk' }],
    ['ring all: parallel agents, overflow kept aside', 'RING_ALL',
      { 2001: ready(), 2002: busy, 2003: ready() },
      { kind: 'internal', routing: 'parallel', uris: [sip('2001'), sip('2003')], label: 'queue:helpdesk' }],
    ['serial agents then a ring-all group as overflow', 'LONGEST_IDLE',
      { 2001: ready() },
      { kind: 'internal', routing: 'serial', uris: [sip('2001')], label: 'queue:helpdesk' }, ['GROUP', 'g-sales']],
    ['overflow that hangs up is dropped: the call ends after the agents', 'LONGEST_IDLE',
      { 2001: ready() },
      { kind: 'internal', routing: 'serial', uris: [sip('2001')], label: 'queue:helpdesk' }, ['HANGUP', null]],
    ['nobody available and overflow hangs up', 'LONGEST_IDLE', {}, { reject: 480, code: 'hangup_target' }, ['HANGUP', null]],
    ['nobody available and no overflow', 'LONGEST_IDLE', {}, { reject: 480, code: 'no_agent_available' }, ['NONE' as TargetType, null]],
    ['overflow back into the same queue is a loop, even with agents', 'LONGEST_IDLE', { 2001: ready() }, { reject: 482, code: 'routing_loop' }, ['QUEUE', 'q-help']],
    ['overflow into itself with nobody available', 'LONGEST_IDLE', {}, { reject: 482, code: 'routing_loop' }, ['QUEUE', 'q-help']],
  ];
  for (const [why, strategy, agents, expected, overflow] of cases) {
    const s = demoSnapshot((src) => {
      const q = src.queues.find((x) => x.id === 'q-help')!;
      q.strategy = strategy;
      if (overflow) {
        q.overflowTargetType = overflow[0] === ('NONE' as TargetType) ? null : overflow[0];
        q.overflowTargetId = overflow[1];
      }
    });
    t.same(summary(decide(s, fromUser('1001', '700'), runtimeAt(OPEN_NOW, helpdeskAgents(agents)))), expected, why);
  }
});

t.test('queue details: ring times, overflow set, round-robin cursor, the caller as agent', async (t) => {
  const serial = asRoute(decide(snapshot, fromUser('1001', '700'), runtimeAt(OPEN_NOW, helpdeskAgents({ 2001: ready(300), 2002: ready(100), 2004: ready(200) }))));
  t.same(serial.targets.map((x) => x.frInvTimerMs), [15000, 15000, 10000, undefined], '15 + 15 + 10 = maxWait 40, the overflow user rings freely');
  t.same(serial.targets.map((x) => x.failover.includes('486')), [true, true, true, false], 'agents fail over on busy, the overflow user does not');
  t.equal(serial.overflow, undefined, 'a serial overflow is appended, not kept aside');
  t.equal(serial.acd, undefined, 'only round robin moves a cursor');

  const ringAll = asRoute(decide(demoSnapshot((src) => { src.queues[0].strategy = 'RING_ALL'; }), fromUser('1001', '700'), runtimeAt(OPEN_NOW, helpdeskAgents({ 2001: ready(), 2003: ready() }))));
  t.same(ringAll.targets.map((x) => x.frInvTimerMs), [15000, 15000]);
  t.same(ringAll.overflow, { routing: 'serial', targets: [asRoute(decide(snapshot, fromUser('1001', '1003'), at)).targets[0]] }, 'parallel ring, then the overflow user');

  const toGroup = asRoute(decide(demoSnapshot((src) => { src.queues[0].overflowTargetType = 'GROUP'; src.queues[0].overflowTargetId = 'g-sales'; }), fromUser('1003', '700'), runtimeAt(OPEN_NOW, helpdeskAgents({ 2001: ready() }))));
  t.equal(toGroup.overflow?.routing, 'parallel');
  t.same(toGroup.overflow?.targets.map((x) => x.uri), [sip('1001'), sip('1002')]);

  const rr = asRoute(decide(demoSnapshot((src) => { src.queues[0].strategy = 'ROUND_ROBIN'; }), fromUser('1001', '700'), runtimeAt(OPEN_NOW, helpdeskAgents({ 2001: ready(), 2003: busy, 2004: ready() }))));
  t.same(rr.acd, { queueId: 'q-help', nextCursor: 3 }, 'cursor moves to 2004, the first agent rung');

  const self = asRoute(decide(snapshot, fromUser('2001', '700'), runtimeAt(OPEN_NOW, helpdeskAgents({ 2001: ready(), 2002: ready(5) }))));
  t.same(self.targets.map((x) => x.uri), [sip('2002'), sip('1003')], 'an agent calling its own queue is not rung');

  const bare = decide(snapshot, fromUser('1001', '701'), runtimeAt(OPEN_NOW, agentView({ 'q-bare:u-2001': ready() })));
  t.same(summary(bare), { kind: 'internal', routing: 'parallel', uris: [sip('2001')], label: 'queue:bare' });
});
