// The document Kamailio receives (docs/kamailio-contract.md, rtjson module of Kamailio 5.6).
import t from 'tap';
import { decide } from '../../../src/modules/routing/engine/decide.ts';
import { extraHeaders, failoverRegex, rejectToRpcError, toRtjson } from '../../../src/modules/routing/engine/rtjson.ts';
import type { RejectDecision } from '../../../src/modules/routing/engine/types.ts';
import { agentView, asRoute, DEMO, demoSnapshot, fromCarrier, fromUser, OPEN_NOW, ready, runtimeAt } from './fixtures.ts';

const snapshot = demoSnapshot();
const at = runtimeAt(OPEN_NOW);
const TRUNK_FAILOVER = '408|500|502|503|504';
const PAI = `P-Asserted-Identity: <sip:+33987000001@${DEMO}>\r\n`;

t.test('outbound call: the exact document', async (t) => {
  const doc = toRtjson(asRoute(decide(snapshot, fromUser('1001', '0123456789'), at)));
  t.same(doc, {
    version: '1.0',
    routing: 'serial',
    routes: [
      { uri: 'sip:+33123456789@gw1.carrier.example:5060;transport=udp', dst_uri: 'sip:gw1.carrier.example:5060;transport=udp', headers: { extra: PAI }, fr_timer: 5000 },
      { uri: 'sip:7788%23+33123456789@gw2.carrier.example:5060;transport=tcp', dst_uri: 'sip:gw2.carrier.example:5060;transport=tcp', headers: { extra: PAI }, fr_timer: 5000 },
      { uri: 'sip:+33123456789@[2001:db8::5]:5061;transport=tls', dst_uri: 'sip:[2001:db8::5]:5061;transport=tls', headers: { extra: PAI }, fr_timer: 3000 },
    ],
    sb: {
      kind: 'outbound',
      lookup: false,
      lookups: [false, false, false],
      failover: [TRUNK_FAILOVER, TRUNK_FAILOVER, '408|486|503'],
      media: {
        offer: 'replace-origin replace-session-connection ICE=remove transport-protocol=RTP/AVP codec-mask=all codec-transcode=PCMA codec-transcode=telephone-event',
        answer: 'replace-origin replace-session-connection ICE=remove',
        fallback: 'fail',
        transcode: true,
        policy: { callerSrtp: 'optional', calleeSrtp: 'off', ice: 'remove', codecs: ['PCMA'] },
      },
      record: 'never',
      decision: 'rule:national',
      domain_id: 'dom-demo',
      trunk_ids: ['t-gw1', 't-gw2', 't-gw3'],
      cdr: '1|outbound|dom-demo|r-national|+33987000001|never|t-gw1,t-gw2,t-gw3',
      rule_id: 'r-national',
      caller_id: '+33987000001',
    },
  });
  t.same(JSON.parse(JSON.stringify(doc)), doc, 'survives JSON: nothing undefined or exotic inside');
  t.notOk('trace' in doc.sb, 'no trace unless asked');
});

t.test('internal calls: lookup routes, ring-all fork, hunt timers', async (t) => {
  const direct = toRtjson(asRoute(decide(snapshot, fromUser('1001', '1002'), at)));
  t.same(direct.routes, [{ uri: `sip:1002@${DEMO}` }], 'a bare AoR: Kamailio looks the contacts up');
  t.same(direct.sb.failover, ['408|480|5[0-9][0-9]']);
  t.equal(direct.sb.lookup, true);
  t.equal(direct.sb.kind, 'internal');
  t.notOk('rule_id' in direct.sb || 'caller_id' in direct.sb);

  const ringAll = toRtjson(asRoute(decide(snapshot, fromUser('1003', '600'), at)));
  t.equal(ringAll.routing, 'parallel');
  t.same(ringAll.routes, [{ uri: `sip:1001@${DEMO}`, fr_inv_timer: 25000 }, { uri: `sip:1002@${DEMO}`, fr_inv_timer: 25000 }]);
  t.same(ringAll.sb.failover, ['408|480|486|5[0-9][0-9]', '408|480|486|5[0-9][0-9]']);

  const hunt = toRtjson(asRoute(decide(snapshot, fromUser('1003', '601'), at)));
  t.equal(hunt.routing, 'serial');
  t.same(hunt.routes.map((r) => r.fr_inv_timer), [15000, 15000]);
});

t.test('a parallel queue ring keeps its overflow as a document Kamailio can start later', async (t) => {
  const s = demoSnapshot((src) => { src.queues[0].strategy = 'RING_ALL'; });
  const d = asRoute(decide(s, fromUser('1001', '700'), runtimeAt(OPEN_NOW, agentView({ 'q-help:u-2001': ready(), 'q-help:u-2002': ready() }))));
  const doc = toRtjson(d);
  t.equal(doc.routing, 'parallel');
  t.same(doc.routes.map((r) => r.uri), [`sip:2001@${DEMO}`, `sip:2002@${DEMO}`]);
  t.same(doc.sb.overflow, {
    version: '1.0',
    routing: 'serial',
    routes: [{ uri: `sip:1003@${DEMO}` }],
    sb: { lookup: true, lookups: [true], failover: ['408|480|5[0-9][0-9]'] },
  });

  const rr = demoSnapshot((src) => { src.queues[0].strategy = 'ROUND_ROBIN'; src.queues[0].overflowTargetType = 'EXTERNAL'; src.queues[0].overflowTargetNumber = '0612345678'; });
  const mixed = toRtjson(asRoute(decide(rr, fromUser('1001', '700'), runtimeAt(OPEN_NOW, agentView({ 'q-help:u-2002': ready() }, { 'q-help': 0 })))));
  t.same(mixed.sb.lookups, [true, false, false, false], 'agents are looked up, the forwarded number goes to trunks');
  t.equal(mixed.sb.lookup, true, 'sb.lookup describes the first route');
  t.same(mixed.sb.acd, { queue_id: 'q-help', next_cursor: 1 });
  t.equal(mixed.sb.rule_id, 'r-mobile');
  t.same(mixed.sb.failover, ['408|480|486|5[0-9][0-9]', TRUNK_FAILOVER, TRUNK_FAILOVER, '408|486|503']);
});

t.test('inbound forwarding and emergency documents', async (t) => {
  const fwd = toRtjson(asRoute(decide(snapshot, fromCarrier('192.0.2.10', '+33123000005'), at)));
  t.equal(fwd.routes[0].headers?.extra, `Diversion: <sip:+33123000005@${DEMO}>;reason=unconditional\r\n`);
  t.equal(fwd.sb.kind, 'inbound');
  const sos = toRtjson(asRoute(decide(snapshot, fromUser('1001', '112'), at)), { includeTrace: true });
  t.equal(sos.sb.kind, 'emergency');
  t.equal(sos.sb.decision, 'emergency:112');
  t.equal(sos.routes[0].headers?.extra, PAI);
  t.equal(sos.sb.trace?.[1].step, 'emergency', 'trace embedded on request');
});

t.test('failover regexes for t_check_status', async (t) => {
  const cases: [string[], string][] = [
    [['408', '5xx'], '408|5[0-9][0-9]'],
    [['408', '480', '486', '5xx'], '408|480|486|5[0-9][0-9]'],
    [['6xx', '3xx'], '6[0-9][0-9]|3[0-9][0-9]'],
    [['503'], '503'],
    [[], ''],
  ];
  for (const [codes, regex] of cases) t.equal(failoverRegex(codes), regex, codes.join(',') || '(none)');
  const re = new RegExp(`^(${failoverRegex(['408', '480', '486', '5xx'])})$`);
  const replies: [string, boolean][] = [['408', true], ['486', true], ['503', true], ['599', true], ['487', false], ['603', false], ['404', false], ['4080', false]];
  for (const [code, matches] of replies) t.equal(re.test(code), matches, `reply ${code}`);
});

t.test('headers cannot be injected through provisioned values', async (t) => {
  t.equal(extraHeaders([{ name: 'X-A', value: 'a' }, { name: 'X-B', value: 'b' }]), 'X-A: a\r\nX-B: b\r\n', 'CRLF-terminated lines');
  t.equal(extraHeaders([]), '');
  const s = demoSnapshot((src) => { src.users[0].callerId = '+33987000001>\r\nX-Evil: 1\r\n'; });
  const extra = toRtjson(asRoute(decide(s, fromUser('1001', '0123456789'), at))).routes[0].headers?.extra ?? '';
  t.equal(extra.split('\r\n').length, 2, 'one header line only');
  t.notMatch(extra, /\r\nX-Evil/);
});

t.test('rejects become JSON-RPC errors carrying the SIP code', async (t) => {
  const cases: [ReturnType<typeof fromUser>, { code: number; message: string }][] = [
    [fromUser('1003', '0123456789'), { code: 403, message: 'Forbidden' }],
    [fromUser('1001', '12345'), { code: 404, message: 'Not Found' }],
    [fromUser('1001', '0000'), { code: 484, message: 'Address Incomplete' }],
    [fromCarrier('192.0.2.10', '+33123000007'), { code: 603, message: 'Decline' }],
    [fromCarrier('192.0.2.10', '+33123000008'), { code: 482, message: 'Loop Detected' }],
  ];
  for (const [req, error] of cases) {
    const d = decide(snapshot, req, at);
    t.equal(d.outcome, 'reject');
    t.same(rejectToRpcError(d as RejectDecision), error, `${req.ruriUser} → ${error.code}`);
  }
});
