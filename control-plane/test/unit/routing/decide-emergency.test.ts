// Emergency numbers: first, and nothing about the caller may stop them.
import t from 'tap';
import { decide } from '../../../src/modules/routing/engine/decide.ts';
import type { RouteRequest } from '../../../src/modules/routing/engine/types.ts';
import { asRoute, CLOSED_NOW, DEMO, demoSnapshot, fromCarrier, fromUser, OPEN_NOW, request, runtimeAt, US } from './fixtures.ts';

const snapshot = demoSnapshot();
const sos = (n: string) => `sip:${n}@sos.carrier.example:5060;transport=udp`;
const sos2 = (n: string) => `sip:${n}@sos2.carrier.example:5060;transport=udp`;
const us911 = (n: string) => `sip:${n}@911.carrier.example:5060;transport=udp`;
const pai = (user: string, host = DEMO) => [{ name: 'P-Asserted-Identity', value: `<sip:${user}@${host}>` }];

t.test('emergency calls, as a table', async (t) => {
  const cases: [string, RouteRequest, { uris: string[]; pai: ReturnType<typeof pai> | []; domainId: string }, Date?][] = [
    ['112 from a NATIONAL user', fromUser('1001', '112'), { uris: [sos('112'), sos2('112')], pai: pai('+33987000001'), domainId: 'dom-demo' }],
    ['15 from an INTERNAL-only user (class of service bypassed)', fromUser('1003', '15'), { uris: [sos('15'), sos2('15')], pai: pai('+33987000003'), domainId: 'dom-demo' }],
    ['17 from a disabled user', fromUser('1004', '17'), { uris: [sos('17'), sos2('17')], pai: pai('+33987000004'), domainId: 'dom-demo' }],
    ['18 at night, every schedule closed', fromUser('1001', '18'), { uris: [sos('18'), sos2('18')], pai: pai('+33987000001'), domainId: 'dom-demo' }, CLOSED_NOW],
    ['no caller ID: the extension is the callback', fromUser('2001', '112'), { uris: [sos('112'), sos2('112')], pai: pai('2001'), domainId: 'dom-demo' }],
    ['US user dials 911', fromUser('1001', '911', { authDomain: US, fromDomain: US }), { uris: [us911('911')], pai: pai('+12125550001', US), domainId: 'dom-us' }],
    ['US user dials 112: the US entry, not the French one', fromUser('1001', '112', { authDomain: US, fromDomain: US }), { uris: [us911('112')], pai: pai('+12125550001', US), domainId: 'dom-us' }],
    ['unknown subscriber of a known domain', fromUser('9999', '112'), { uris: [sos('112'), sos2('112')], pai: pai('9999'), domainId: 'dom-demo' }],
    ['unauthenticated phone naming the US domain', request({ fromUser: '555', fromDomain: US, ruriUser: '112', ruriDomain: US }), { uris: [us911('112')], pai: pai('555', US), domainId: 'dom-us' }],
    ['unauthenticated phone, R-URI names the US domain', request({ fromUser: '555', fromDomain: 'x.invalid', ruriUser: '112', ruriDomain: US }), { uris: [us911('112')], pai: pai('555', US), domainId: 'dom-us' }],
    ['unauthenticated phone, no domain known: the first domain with that number', request({ fromUser: '', fromDomain: 'x.invalid', ruriUser: '112', ruriDomain: '10.0.0.1' }), { uris: [sos('112'), sos2('112')], pai: [], domainId: 'dom-demo' }],
    ['unauthenticated phone dials 911: only the US has it', request({ fromUser: '555', fromDomain: 'x.invalid', ruriUser: '911' }), { uris: [us911('911')], pai: pai('555', US), domainId: 'dom-us' }],
    ['customer PBX behind a trunk dials 112', fromCarrier('192.0.2.10', '112', { fromUser: '+33140000000' }), { uris: [sos('112'), sos2('112')], pai: pai('+33140000000'), domainId: 'dom-demo' }],
  ];
  for (const [why, req, expected, now] of cases) {
    const d = asRoute(decide(snapshot, req, runtimeAt(now ?? OPEN_NOW)));
    t.equal(d.kind, 'emergency', `${why}: kind`);
    t.same(d.targets.map((x) => x.uri), expected.uris, `${why}: trunks`);
    t.same(d.targets[0].headers, expected.pai, `${why}: callback in PAI`);
    t.equal(d.domainId, expected.domainId, `${why}: domain`);
  }
});

t.test('numbers that are not emergency numbers where the caller is', async (t) => {
  const usFifteen = decide(snapshot, fromUser('1001', '15', { authDomain: US, fromDomain: US }), runtimeAt(OPEN_NOW));
  t.equal(usFifteen.outcome, 'reject', '15 is French: a US subscriber goes through the NANP plan');
  t.equal(usFifteen.outcome === 'reject' && usFifteen.code, 'no_such_destination');
  const unknownCaller = decide(snapshot, request({ ruriUser: '999' }), runtimeAt(OPEN_NOW));
  t.equal(unknownCaller.outcome === 'reject' && unknownCaller.code, 'auth_required', 'an unknown caller gets nothing but a challenge');
});

t.test('the emergency decision in full', async (t) => {
  const d = asRoute(decide(snapshot, fromUser('1002', '112'), runtimeAt(OPEN_NOW)));
  t.equal(d.routing, 'serial');
  t.equal(d.lookup, false);
  t.equal(d.label, 'emergency:112');
  t.equal(d.callerId, '1002', '1002 has no caller ID');
  t.same(d.trunkIds, ['t-sos', 't-sos2']);
  t.same(d.targets.map((x) => x.failover), [['408', '503'], ['408', '500', '502', '503', '504']]);
  t.same(d.targets.map((x) => x.frTimerMs), [5000, 5000]);
  t.same(d.media, { callerSrtp: 'require', calleeSrtp: 'off', ice: 'remove', codecs: [] }, 'TLS-only caller keeps SRTP');
  t.equal(d.recording, 'never');
  t.equal(d.trace[1].step, 'emergency', 'decided right after the request');
  t.match(d.trace[1].detail, 'bypassed');
  const recorded = asRoute(decide(snapshot, fromUser('1005', '112'), runtimeAt(OPEN_NOW)));
  t.equal(recorded.recording, 'always', "the caller's recording policy still applies");
});

t.test('emergency trunk failures', async (t) => {
  const primaryOff = demoSnapshot((src) => { src.trunks.find((x) => x.id === 't-sos')!.enabled = false; });
  t.same(asRoute(decide(primaryOff, fromUser('1001', '112'), runtimeAt(OPEN_NOW))).targets.map((x) => x.uri), [sos2('112')], 'a disabled emergency trunk yields to the backup');
  const allOff = demoSnapshot((src) => { for (const x of src.trunks) if (x.isEmergency) x.enabled = false; });
  const lastResort = asRoute(decide(allOff, fromUser('1001', '112'), runtimeAt(OPEN_NOW)));
  t.same(lastResort.targets.map((x) => x.uri), [sos('112')], 'with no other choice, the disabled trunk is still tried');
  t.match(lastResort.trace.map((s) => s.detail).join('\n'), 'emergency trunk sos is disabled');
  const none = demoSnapshot((src) => {
    src.trunks = src.trunks.filter((x) => !x.isEmergency);
  });
  const d = decide(none, fromUser('1001', '112'), runtimeAt(OPEN_NOW));
  t.same(d.outcome === 'reject' && [d.sipCode, d.code, d.domainId], [503, 'no_trunk_available', 'dom-demo']);
  const backupOnly = demoSnapshot((src) => {
    src.trunks = src.trunks.filter((x) => x.id !== 't-sos');
  });
  t.same(asRoute(decide(backupOnly, fromUser('1001', '112'), runtimeAt(OPEN_NOW))).targets.map((x) => x.uri), [sos2('112')], "a deleted trunk: the domain's other emergency trunk");
});
