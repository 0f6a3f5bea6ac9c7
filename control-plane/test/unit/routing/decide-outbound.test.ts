// Subscriber to an outside number: dial-plan rules, class of service, trunks and failover.
import t from 'tap';
import { decide } from '../../../src/modules/routing/engine/decide.ts';
import type { RouteRequest } from '../../../src/modules/routing/engine/types.ts';
import { asRoute, DEMO, demoSnapshot, fromUser, OPEN_NOW, runtimeAt, sequenceRng } from './fixtures.ts';

const snapshot = demoSnapshot();
const at = runtimeAt(OPEN_NOW); // rng 0: the first trunk of each priority group by weight
const gw1 = (n: string) => `sip:${n}@gw1.carrier.example:5060;transport=udp`;
const gw2 = (n: string) => `sip:7788%23${n}@gw2.carrier.example:5060;transport=tcp`;
const gw3 = (n: string) => `sip:${n}@[2001:db8::5]:5061;transport=tls`;

type Outcome = { rule: string; uris: string[] } | { reject: number; code: string };
function outcome(req: RouteRequest, s = snapshot, runtime = at): Outcome {
  const d = decide(s, req, runtime);
  if (d.outcome === 'reject') return { reject: d.sipCode, code: d.code };
  return { rule: d.label, uris: d.targets.map((x) => x.uri) };
}

t.test('dial-plan rules: first match wins, rewrites, class of service', async (t) => {
  const cases: [string, RouteRequest, Outcome][] = [
    ['national number, disabled trunk skipped, priority 20 last', fromUser('1001', '0123456789'), { rule: 'rule:national', uris: [gw1('+33123456789'), gw2('+33123456789'), gw3('+33123456789')] }],
    ['mobile matches before the wider national rule', fromUser('1001', '0612345678'), { rule: 'rule:mobile', uris: [gw1('+33612345678'), gw2('+33612345678'), gw3('+33612345678')] }],
    ['premium matches before national, allowed for PREMIUM', fromUser('1005', '0891234567'), { rule: 'rule:premium', uris: [gw1('+33891234567')] }],
    ['premium refused to NATIONAL', fromUser('1001', '0891234567'), { reject: 403, code: 'class_of_service' }],
    ['premium refused to INTERNATIONAL', fromUser('1002', '0891234567'), { reject: 403, code: 'class_of_service' }],
    ['international refused to NATIONAL', fromUser('1001', '0044207946000'), { reject: 403, code: 'class_of_service' }],
    ['international allowed to INTERNATIONAL', fromUser('1002', '0044207946000'), { rule: 'rule:intl', uris: [gw3('+44207946000')] }],
    ['international allowed to PREMIUM', fromUser('1005', '0044207946000'), { rule: 'rule:intl', uris: [gw3('+44207946000')] }],
    ['E.164 dialled as is', fromUser('1002', '+442079460000'), { rule: 'rule:e164', uris: [gw3('+442079460000')] }],
    ['national refused to INTERNAL', fromUser('1003', '0123456789'), { reject: 403, code: 'class_of_service' }],
    ['mobile refused to INTERNAL', fromUser('1003', '0612345678'), { reject: 403, code: 'class_of_service' }],
    ['mobile allowed to NATIONAL', fromUser('2001', '0712345678'), { rule: 'rule:mobile', uris: [gw1('+33712345678'), gw2('+33712345678'), gw3('+33712345678')] }],
    ['outside-line digit stripped then normalised', fromUser('1001', '90123456789'), { rule: 'rule:outside-line', uris: [gw1('+33123456789')] }],
    ['local service number sent raw (toE164 off)', fromUser('1001', '3615'), { rule: 'rule:service', uris: [gw1('3615')] }],
    ['local refused to INTERNAL', fromUser('1003', '3615'), { reject: 403, code: 'class_of_service' }],
    ['digits that cannot become E.164', fromUser('1001', '0000'), { reject: 484, code: 'address_incomplete' }],
    ['rule whose only trunk is disabled', fromUser('1001', '5500'), { reject: 503, code: 'no_trunk_available' }],
    ['no rule matches (the disabled catch-all does not count)', fromUser('1001', '12345'), { reject: 404, code: 'no_such_destination' }],
    ['the broken regex is skipped, not fatal', fromUser('1001', '(['), { reject: 404, code: 'no_such_destination' }],
    ["the user's own dial plan wins over the domain's", fromUser('1006', '0044207946000'), { rule: 'rule:anything', uris: [gw2('+44207946000')] }],
    ['partial match is no match (anchored)', fromUser('1001', '01234567890'), { reject: 404, code: 'no_such_destination' }],
  ];
  for (const [why, req, expected] of cases) t.same(outcome(req), expected, why);
});

t.test('class of service matrix', async (t) => {
  // caller → [LOCAL 3615, NATIONAL 01…, MOBILE 06…, INTERNATIONAL 00…, PREMIUM 089…]
  const dialled = ['3615', '0123456789', '0612345678', '0044207946000', '0891234567'];
  const matrix: [string, string, boolean[]][] = [
    ['1003', 'INTERNAL', [false, false, false, false, false]],
    ['1001', 'NATIONAL', [true, true, true, false, false]],
    ['1002', 'INTERNATIONAL', [true, true, true, true, false]],
    ['1005', 'PREMIUM', [true, true, true, true, true]],
  ];
  for (const [caller, cos, allowed] of matrix) {
    dialled.forEach((number, i) => {
      const d = decide(snapshot, fromUser(caller, number), at);
      t.equal(d.outcome === 'route', allowed[i], `${cos} → ${number}`);
      if (!allowed[i]) t.equal(d.outcome === 'reject' && d.code, 'class_of_service');
    });
  }
});

t.test('trunk routes: timers, failover codes, headers, CDR fields', async (t) => {
  const d = asRoute(decide(snapshot, fromUser('1001', '0123456789'), at));
  t.equal(d.kind, 'outbound');
  t.equal(d.routing, 'serial');
  t.equal(d.lookup, false);
  t.equal(d.ruleId, 'r-national');
  t.same(d.trunkIds, ['t-gw1', 't-gw2', 't-gw3']);
  t.equal(d.callerId, '+33987000001');
  t.same(d.targets.map((x) => x.dstUri), ['sip:gw1.carrier.example:5060;transport=udp', 'sip:gw2.carrier.example:5060;transport=tcp', 'sip:[2001:db8::5]:5061;transport=tls']);
  t.same(d.targets.map((x) => x.frTimerMs), [5000, 5000, 3000], 'branchTimeoutMs per trunk');
  t.same(d.targets.map((x) => x.failover), [
    ['408', '500', '502', '503', '504'],
    ['408', '500', '502', '503', '504'],
    ['408', '486', '503'],
  ], "each trunk's own codes; 487 and 200 are never failover codes");
  for (const x of d.targets) t.same(x.headers, [{ name: 'P-Asserted-Identity', value: `<sip:+33987000001@${DEMO}>` }], `PAI on ${x.label}`);
  t.same(d.media, { callerSrtp: 'optional', calleeSrtp: 'off', ice: 'remove', codecs: ['PCMA'] }, "plain RTP and the first trunk's codecs");
  t.equal(d.recording, 'never');
  t.same(d.trace.map((s) => s.step), ['request', 'caller', 'dialplan', 'rule', 'normalise', 'class_of_service', 'trunks', 'trunks', 'recording', 'decision']);
  t.match(d.trace.find((s) => s.step === 'trunks')?.detail, 'gw-off skipped: disabled');
});

t.test('weighted order between gw1 (100) and gw2 (50) at equal priority', async (t) => {
  const cases: [number, string[]][] = [
    [0, ['t-gw1', 't-gw2', 't-gw3']],
    [0.6, ['t-gw1', 't-gw2', 't-gw3']],
    [0.7, ['t-gw2', 't-gw1', 't-gw3']],
    [0.99, ['t-gw2', 't-gw1', 't-gw3']],
  ];
  for (const [draw, expected] of cases) {
    const d = asRoute(decide(snapshot, fromUser('1001', '0123456789'), runtimeAt(OPEN_NOW, undefined, sequenceRng([draw]))));
    t.same(d.targets.map((x) => x.trunkId), expected, `draw ${draw}`);
  }
  const viaGw2 = asRoute(decide(snapshot, fromUser('1001', '0123456789'), runtimeAt(OPEN_NOW, undefined, () => 0.9)));
  t.same(viaGw2.media.codecs, [], 'media follows the first trunk (gw2 has no codec list)');
});

t.test('caller ID, TLS callers, recording and missing dial plans', async (t) => {
  const noCallerId = asRoute(decide(snapshot, fromUser('1006', '0123456789'), at));
  t.same(noCallerId.targets[0].headers, [], 'no caller ID: no PAI');
  t.equal(noCallerId.callerId, undefined);
  t.ok(noCallerId.trace.some((s) => s.step === 'caller_id'), 'the trace says why no caller ID is asserted');
  t.equal(noCallerId.recording, 'on_demand', "the caller's policy applies when trunk and callee inherit");

  const tls = asRoute(decide(snapshot, fromUser('1002', '0123456789'), at));
  t.equal(tls.media.callerSrtp, 'require', 'a TLS-only caller keeps SRTP on its leg');
  t.equal(tls.media.calleeSrtp, 'off');

  const viaTls = asRoute(decide(snapshot, fromUser('1002', '0044207946000'), at));
  t.equal(viaTls.media.calleeSrtp, 'optional', 'a TLS trunk may negotiate SRTP');

  const recordedTrunk = demoSnapshot((src) => { src.trunks.find((x) => x.id === 't-gw2')!.recordingPolicy = 'ALWAYS'; });
  t.equal(asRoute(decide(recordedTrunk, fromUser('1006', '0123456789'), at)).recording, 'always', 'the trunk (gw2, of 1006\'s plan) comes before the caller');

  const noPlan = demoSnapshot((src) => { src.domains[0].defaultDialPlanId = null; });
  t.same(outcome(fromUser('1001', '0123456789'), noPlan), { reject: 404, code: 'no_dial_plan' });
  t.same(outcome(fromUser('1001', '1002'), noPlan), { rule: 'user:1002', uris: [`sip:1002@${DEMO}`] }, 'extensions need no dial plan');

  const disabledDomain = demoSnapshot((src) => { src.domains[0].enabled = false; });
  t.same(outcome(fromUser('1001', '0123456789'), disabledDomain), { reject: 403, code: 'domain_disabled' });
});
