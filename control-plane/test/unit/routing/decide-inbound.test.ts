// Carrier to DID: number forms, every target type, schedules, forwarding, loops.
import t from 'tap';
import { decide } from '../../../src/modules/routing/engine/decide.ts';
import type { RouteRequest } from '../../../src/modules/routing/engine/types.ts';
import {
  agentView,
  asRoute,
  CLOSED_NOW,
  DEMO,
  demoSnapshot,
  fromCarrier,
  fromUser,
  OPEN_NOW,
  ready,
  runtimeAt,
  scheduleRow,
  summary,
} from './fixtures.ts';

const snapshot = demoSnapshot();
const GW1 = '192.0.2.10';
const sip = (ext: string) => `sip:${ext}@${DEMO}`;
const at = runtimeAt(OPEN_NOW, agentView({ 'q-help:u-2001': ready() }));

t.test('DIDs and their targets, as a table', async (t) => {
  const toAlice = { kind: 'inbound', routing: 'serial', uris: [sip('1001')], label: 'user:1001' };
  const cases: [string, RouteRequest, Record<string, unknown>, Date?][] = [
    ['E.164 DID to a user', fromCarrier(GW1, '+33123000001'), toAlice],
    ['country code without +', fromCarrier(GW1, '33123000001'), toAlice],
    ['national form', fromCarrier(GW1, '0123000001'), toAlice],
    ['international prefix form', fromCarrier(GW1, '0033123000001'), toAlice],
    ['second address of the same trunk', fromCarrier('192.0.2.11', '+33123000001'), toAlice],
    ['DID only in To, carrier account in the R-URI', fromCarrier(GW1, 'acct-4711', { toUser: '+33123000001' }), toAlice],
    ['DID to a ring-all group', fromCarrier(GW1, '+33123000002'), { kind: 'inbound', routing: 'parallel', uris: [sip('1001'), sip('1002')], label: 'group:sales' }],
    ['DID to a hunt group', fromCarrier(GW1, '+33123000011'), { kind: 'inbound', routing: 'serial', uris: [sip('1002'), sip('1001')], label: 'group:support' }],
    ['DID to a queue, then its overflow', fromCarrier(GW1, '+33123000003'), { kind: 'inbound', routing: 'serial', uris: [sip('2001'), sip('1003')], label: 'queue:helpdesk' }],
    ['DID to a schedule, open: the sales group', fromCarrier(GW1, '+33123000004'), { kind: 'inbound', routing: 'parallel', uris: [sip('1001'), sip('1002')], label: 'group:sales' }],
    ['DID to a schedule, closed: 1003', fromCarrier(GW1, '+33123000004'), { kind: 'inbound', routing: 'serial', uris: [sip('1003')], label: 'user:1003' }, CLOSED_NOW],
    ['DID to a schedule on Christmas Friday morning: closed', fromCarrier(GW1, '+33123000004'), { kind: 'inbound', routing: 'serial', uris: [sip('1003')], label: 'user:1003' }, new Date('2026-12-25T09:00:00Z')],
    ['DID forwarded to a mobile through the dial plan', fromCarrier(GW1, '+33123000005'), {
      kind: 'inbound', routing: 'serial', label: 'rule:mobile',
      uris: ['sip:+33612345678@gw1.carrier.example:5060;transport=udp', 'sip:7788%23+33612345678@gw2.carrier.example:5060;transport=tcp', 'sip:+33612345678@[2001:db8::5]:5061;transport=tls'],
    }],
    ['DID that hangs up', fromCarrier(GW1, '+33123000006'), { reject: 480, code: 'hangup_target' }],
    ['DID that declines', fromCarrier(GW1, '+33123000007'), { reject: 603, code: 'hangup_target' }],
    ['schedules pointing at each other', fromCarrier(GW1, '+33123000008'), { reject: 482, code: 'routing_loop' }],
    ['DID pointing at a deleted user', fromCarrier(GW1, '+33123000009'), { reject: 404, code: 'broken_reference' }],
    ['unknown DID', fromCarrier(GW1, '+33999999999'), { reject: 404, code: 'unknown_did' }],
    ['garbage in the R-URI', fromCarrier(GW1, 'abc'), { reject: 404, code: 'unknown_did' }],
    ['disabled trunk address', fromCarrier('192.0.2.99', '+33123000001'), { reject: 403, code: 'trunk_disabled' }],
    ['another tenant\'s carrier may still reach a public DID', fromCarrier('198.51.100.5', '+33123000001'), toAlice],
    ['US DID in national form through the US plan', fromCarrier('198.51.100.5', '12125550100'), { kind: 'inbound', routing: 'serial', uris: ['sip:1001@us.example'], label: 'user:1001' }],
    ['a trunk address that authenticated is a subscriber, not a trunk', fromUser('1001', '1002', { srcIp: GW1 }), { kind: 'internal', routing: 'serial', uris: [sip('1002')], label: 'user:1002' }],
  ];
  for (const [why, req, expected, now] of cases) t.same(summary(decide(snapshot, req, now ? runtimeAt(now, at.agents) : at)), expected, why);
});

t.test('inbound details: CDR fields, media, schedule trace', async (t) => {
  const d = asRoute(decide(snapshot, fromCarrier(GW1, '0123000001'), at));
  t.equal(d.domainId, 'dom-demo');
  t.same(d.trunkIds, ['t-gw1'], 'the inbound trunk, for the CDR');
  t.equal(d.lookup, true);
  t.same(d.media, { callerSrtp: 'off', calleeSrtp: 'optional', ice: 'remove', codecs: [] });
  t.match(d.trace.find((s) => s.step === 'did')?.detail, '+33123000001 of demo.switchboard.local → USER');

  const tls = asRoute(decide(snapshot, fromCarrier(GW1, '+33123000010'), at));
  t.same(tls.media, { callerSrtp: 'off', calleeSrtp: 'require', ice: 'remove', codecs: ['opus', 'PCMA'] }, 'a TLS-only callee keeps SRTP on its leg');

  const christmas = decide(snapshot, fromCarrier(GW1, '+33123000004'), runtimeAt(new Date('2026-12-25T09:00:00Z')));
  t.match(christmas.trace.find((s) => s.step === 'schedule')?.detail, 'office: closed: holiday 12-25 Christmas');
  const open = decide(snapshot, fromCarrier(GW1, '+33123000004'), at);
  t.match(open.trace.find((s) => s.step === 'schedule')?.detail, /office: open: Wed 09:00-12:00/);

  const toUser = decide(snapshot, fromCarrier(GW1, 'acct-4711', { toUser: '+33123000001' }), at);
  t.match(toUser.trace.find((s) => s.step === 'did')?.detail, '"acct-4711": no DID among (no valid form)');
});

t.test('forwarding to an outside number', async (t) => {
  const d = asRoute(decide(snapshot, fromCarrier(GW1, '+33123000005'), at));
  t.equal(d.ruleId, 'r-mobile');
  t.same(d.trunkIds, ['t-gw1', 't-gw2', 't-gw3'], 'inbound trunk first, then the outbound ones without duplicates');
  for (const x of d.targets) t.same(x.headers, [{ name: 'Diversion', value: `<sip:+33123000005@${DEMO}>;reason=unconditional` }], `Diversion names the DID on ${x.label}`);
  t.equal(d.callerId, undefined, 'the original caller is kept');
  t.same(d.media, { callerSrtp: 'off', calleeSrtp: 'off', ice: 'remove', codecs: ['PCMA'] });
  t.match(d.trace.find((s) => s.step === 'class_of_service')?.detail, 'bypassed');

  const intl = demoSnapshot((src) => { src.numbers.find((n) => n.id === 'n-ext')!.targetNumber = '0044207946000'; });
  t.same(summary(decide(intl, fromCarrier(GW1, '+33123000005'), at)).uris, ['sip:+44207946000@[2001:db8::5]:5061;transport=tls'], 'no class of service applies to a configured forward');

  const unroutable = demoSnapshot((src) => { src.numbers.find((n) => n.id === 'n-ext')!.targetNumber = '12345'; });
  t.same(summary(decide(unroutable, fromCarrier(GW1, '+33123000005'), at)), { reject: 404, code: 'no_such_destination' });
  const noNumber = demoSnapshot((src) => { src.numbers.find((n) => n.id === 'n-ext')!.targetNumber = null; });
  t.same(summary(decide(noNumber, fromCarrier(GW1, '+33123000005'), at)), { reject: 404, code: 'broken_reference' });
  const noPlan = demoSnapshot((src) => { src.domains[0].defaultDialPlanId = null; });
  t.same(summary(decide(noPlan, fromCarrier(GW1, '+33123000005'), at)), { reject: 404, code: 'no_dial_plan' });
  t.same(summary(decide(noPlan, fromCarrier(GW1, '+33123000001'), at)).uris, [sip('1001')], 'without a dial plan, E.164 DIDs still resolve');
  t.same(summary(decide(noPlan, fromCarrier(GW1, '0123000001'), at)), { reject: 404, code: 'unknown_did' }, 'but national forms need the context');
});

t.test('recording precedence: DID, then trunk, then callee', async (t) => {
  const recTrunk = '192.0.2.50'; // trunk "recorded", policy ALWAYS
  const cases: [string, RouteRequest, string][] = [
    ['DID NEVER beats trunk ALWAYS', fromCarrier(recTrunk, '+33123000010'), 'never'],
    ['trunk ALWAYS when the DID inherits', fromCarrier(recTrunk, '+33123000001'), 'always'],
    ['nothing set: never', fromCarrier(GW1, '+33123000001'), 'never'],
  ];
  for (const [why, req, mode] of cases) t.equal(asRoute(decide(snapshot, req, at)).recording, mode, why);
  const toRecorded = demoSnapshot((src) => { src.numbers[0].targetId = 'u-1005'; });
  t.equal(asRoute(decide(toRecorded, fromCarrier(GW1, '+33123000001'), at)).recording, 'always', 'callee ALWAYS when DID and trunk inherit');
});

t.test('reference depth: 5 levels resolve, 6 are a loop', async (t) => {
  const chain = (levels: number) => demoSnapshot((src) => {
    for (let i = 1; i <= levels; i++) {
      const next = i < levels ? { openTargetType: 'SCHEDULE' as const, openTargetId: `s-${i + 1}` } : { openTargetType: 'USER' as const, openTargetId: 'u-1001' };
      src.schedules.push(scheduleRow({ id: `s-${i}`, domainId: 'dom-demo', name: `level${i}`, hours: [{ dayOfWeek: 3, opens: '00:00', closes: '24:00' }], ...next }));
    }
    src.numbers[0].targetType = 'SCHEDULE';
    src.numbers[0].targetId = 's-1';
  });
  // DID → s-1 → s-2 → s-3 → s-4 → user: five references.
  t.same(summary(decide(chain(4), fromCarrier(GW1, '+33123000001'), at)).uris, [sip('1001')], 'four schedules and a user');
  const tooDeep = decide(chain(5), fromCarrier(GW1, '+33123000001'), at);
  t.same(summary(tooDeep), { reject: 482, code: 'routing_loop' }, 'five schedules and a user');
  t.match(tooDeep.trace.find((s) => s.step === 'loop')?.detail, 'deeper than 5');
  const cycle = decide(snapshot, fromCarrier(GW1, '+33123000008'), runtimeAt(CLOSED_NOW));
  t.match(cycle.trace.find((s) => s.step === 'loop')?.detail, 'SCHEDULE:s-loop-a → SCHEDULE:s-loop-b → SCHEDULE:s-loop-a: cycle');
});

t.test('disabled tenant and broken references of every kind', async (t) => {
  const disabled = demoSnapshot((src) => { src.domains[0].enabled = false; });
  t.same(summary(decide(disabled, fromCarrier(GW1, '+33123000001'), at)), { reject: 480, code: 'domain_disabled' });
  for (const type of ['GROUP', 'QUEUE', 'SCHEDULE'] as const) {
    const s = demoSnapshot((src) => { src.numbers[0].targetType = type; src.numbers[0].targetId = 'missing'; });
    t.same(summary(decide(s, fromCarrier(GW1, '+33123000001'), at)), { reject: 404, code: 'broken_reference' }, `missing ${type}`);
  }
  const disabledUser = demoSnapshot((src) => { src.numbers[0].targetId = 'u-1004'; });
  t.same(summary(decide(disabledUser, fromCarrier(GW1, '+33123000001'), at)), { reject: 480, code: 'destination_unavailable' });
});
