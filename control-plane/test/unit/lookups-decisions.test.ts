// The CDR written from a call's dialog events needs to know how the call was routed. The lookups
// keep no per-call memory for that: Kamailio keeps the route answer's decision token (sb.cdr) in the
// dialog and returns it with each event, so any control plane (a standby too) can write the CDR.
import t from 'tap'
import pino from 'pino'
import { Registry } from 'prom-client'
import { lookups } from '../../src/modules/kamailio/lookups.ts'
import { lookupMetrics } from '../../src/modules/kamailio/lookup-metrics.ts'
import type { SnapshotHolder } from '../../src/modules/routing/snapshot.ts'
import type { KamailioEvent } from '../../src/modules/kamailio/lookup-params.ts'
import type { DecisionSummary } from '../../src/modules/cdr/cdr.service.ts'
import { parseDecisionToken } from '../../src/modules/kamailio/lookup-params.ts'
import { decide, toRtjson } from '../../src/modules/routing/engine/index.ts'
import { agentView, asRoute, DEMO, demoSnapshot, fromUser, OPEN_NOW, runtimeAt } from './routing/fixtures.ts'

function harness() {
  const seen: Array<{ type: string; callId: string; decision: DecisionSummary | undefined }> = []
  const snapshot = { current: demoSnapshot(), agentView: agentView(), setCursor: () => undefined } as unknown as SnapshotHolder
  const l = lookups({
    snapshot,
    metrics: lookupMetrics(new Registry()),
    log: pino({ level: 'silent' }),
    now: () => OPEN_NOW,
    onEvent: async (event: KamailioEvent, decision) => { seen.push({ type: event.type, callId: event.callId, decision }) },
  })
  const call = (callid: string) =>
    l.route({ callid, method: 'INVITE', from_user: '1001', from_domain: DEMO, to_user: '1002', ruri_user: '1002', ruri_domain: DEMO, src_ip: '192.0.2.10', auth_user: '1001', auth_domain: DEMO })
  const event = (type: string, callid: string) => l.event({ type, callid, ts: String(OPEN_NOW.getTime() / 1000) })
  const eventWith = (type: string, callid: string, decision: string) => l.event({ type, callid, ts: String(OPEN_NOW.getTime() / 1000), decision })
  return { seen, call, event, eventWith }
}

t.test('the lookups keep no memory of a call: an event without the token has no decision', async (t) => {
  const h = harness()
  await h.call('call-a')
  await h.event('dialog.start', 'call-a')
  t.equal(h.seen[0].decision, undefined, 'a routed call whose event carries no token: nothing recalled')
})

t.test('the decision token Kamailio returns with dialog events', async (t) => {
  const route = asRoute(decide(demoSnapshot(), fromUser('1001', '0123456789'), runtimeAt(OPEN_NOW)))
  const token = toRtjson(route).sb.cdr
  t.same(parseDecisionToken(token), { domainId: route.domainId, kind: 'outbound', trunkIds: route.trunkIds, recording: route.recording, ruleId: route.ruleId, ...(route.callerId ? { callerE164: route.callerId } : {}) }, 'round trip')
  t.ok(route.trunkIds.length > 0 && route.ruleId, 'an outbound decision with trunks and a rule')
  const internal = asRoute(decide(demoSnapshot(), fromUser('1001', '1002'), runtimeAt(OPEN_NOW)))
  t.same(parseDecisionToken(toRtjson(internal).sb.cdr), { domainId: internal.domainId, kind: 'internal', trunkIds: [], recording: internal.recording }, 'no rule, caller id or trunk: absent, not empty strings')
  for (const bad of ['', '2|internal|d|||never|', '1|internal|d|||never', '1|local|d|||never|', '1|internal|d|||sometimes|', '1|internal|d;drop|||never|',
    '1|outbound|d|r|06 12|never|t1', '1|outbound|d|r|+|never|t1', '1|outbound|d|r||never|t1,,t2', '1|internal|d|||never||extra']) {
    t.equal(parseDecisionToken(bad), undefined, `refused: "${bad}"`)
  }
})

t.test('an emergency call from a phone without a number: the extension is its callback id', async (t) => {
  const sos = asRoute(decide(demoSnapshot(), fromUser('2001', '112'), runtimeAt(OPEN_NOW)))
  t.equal(sos.callerId, '2001')
  t.match(parseDecisionToken(toRtjson(sos).sb.cdr), { kind: 'emergency', callerE164: '2001', trunkIds: sos.trunkIds })
})

t.test('an event carrying the token is enough: a standby that never saw the lookup', async (t) => {
  const h = harness()
  const route = asRoute(decide(demoSnapshot(), fromUser('1001', '0123456789'), runtimeAt(OPEN_NOW)))
  await h.eventWith('dialog.answered', 'taken-over-call', toRtjson(route).sb.cdr)
  await h.eventWith('dialog.end', 'taken-over-call', 'not a token')
  t.match(h.seen[0], { type: 'dialog.answered', decision: { kind: 'outbound', domainId: route.domainId, trunkIds: route.trunkIds } })
  t.equal(h.seen[1].decision, undefined, 'a malformed token is ignored, the event still applied')
})
