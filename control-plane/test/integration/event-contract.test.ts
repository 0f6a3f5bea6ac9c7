// Real events, emitted by the real code paths (dialog events → CDR, a REGISTER, an API change, an
// agent login), wrapped in their envelope and validated against docs/events/*.json.
import t from 'tap'
import { buildTestApp } from '../support/app.ts'
import { api } from '../support/provisioning.ts'
import { eventValidator } from '../support/event-schemas.ts'
import { toEnvelope } from '../../src/modules/events/outbox.ts'
import { EVENT_VERSIONS, familyOf, schemaFile } from '../../src/modules/events/contract.ts'
import { eventSink } from '../../src/modules/events/event-sink.ts'
import { liveState } from '../../src/modules/events/live-state.ts'
import { Registry } from 'prom-client'

t.test('every emitted event matches its JSON Schema', async (t) => {
  const h = await buildTestApp()
  t.teardown(h.close)
  const fx = api(h)
  const v = eventValidator()
  for (const family of Object.keys(EVENT_VERSIONS)) t.ok(v.files.includes(schemaFile(family.replace('*', 'x'))), `a schema file for ${family}`)

  const domain = await fx.domain('events.example')
  const u1 = await fx.user(domain.id, '1001')
  const u2 = await fx.user(domain.id, '1002')
  const queue = await fx.create('queues', { domainId: domain.id, name: 'sales', members: [{ userId: u2.id }] })
  t.equal((await fx.call('POST', `/queues/${queue.id}/agents/${u2.id}/login`)).status, 200, 'agent login')
  await h.app.routingSnapshot.rebuild()

  let clock = Date.parse('2025-05-01T08:00:00Z')
  const live = liveState(new Registry(), () => clock)
  const sink = eventSink({ prisma: h.database.prisma, snapshot: h.app.routingSnapshot, live })
  const decision = { domainId: domain.id, kind: 'internal' }
  const ts = clock / 1000
  await sink.apply({ type: 'registration', callId: 'reg-1', ts, fields: { aor: '1001@events.example', contact: 'sip:1001@10.0.0.1:5060', expires: '600', src_ip: '10.0.0.1', user_agent: 'SIPp' } }, undefined)
  await sink.apply({ type: 'registration', callId: 'reg-2', ts, fields: { aor: '1001@events.example', contact: 'sip:1001@10.0.0.1:5060', expires: '600' } }, undefined)
  await sink.apply({ type: 'dialog.start', callId: 'call-1@x', ts, fields: { from_user: '1001', to_user: '1002' } }, decision)
  await sink.apply({ type: 'dialog.answered', callId: 'call-1@x', ts: ts + 1, fields: { code: '200' } }, decision)
  await sink.apply({ type: 'dialog.end', callId: 'call-1@x', ts: ts + 31, fields: { reason: 'BYE', side: 'callee' } }, decision)
  await sink.apply({ type: 'dialog.failed', callId: 'call-2@x', ts, fields: { from_user: '1001', to_user: '1002', code: '486', side: 'callee' } }, decision)
  clock += 601_000
  t.equal(await sink.sweepExpired(), 1, 'the unrefreshed contact expires')
  await fx.call('DELETE', `/users/${u1.id}`)

  const rows = await h.database.prisma.outboxEvent.findMany({ orderBy: { createdAt: 'asc' } })
  const envelopes = rows.map(toEnvelope)
  const types = envelopes.map((e) => e.type)
  for (const want of ['call.started', 'call.answered', 'call.ended', 'registration.changed', 'queue.agent.changed', 'audit.domain.created', 'audit.user.deleted']) t.ok(types.includes(want), `${want} emitted`)
  t.equal(types.filter((x) => x === 'registration.changed').length, 2, 'a refresh is not a change: registered, then expired')
  for (const e of envelopes) t.same(v.validate(e), [], `${e.type} v${e.version} is valid`)
  t.ok(envelopes.every((e) => familyOf(e.type)), 'every type is in the contract')

  const ended = envelopes.filter((e) => e.type === 'call.ended' && e.correlation.callId === 'call-1@x')
  t.equal(ended.length, 1)
  t.match(ended[0].data, { durationSec: 30, billableSec: 30, hangupCause: 200, hangupSide: 'callee', caller: '1001', callee: '1002' })
  const audit = envelopes.find((e) => e.type === 'audit.user.deleted')!
  t.ok(audit.correlation.requestId, 'an audit event carries the API request id')
  t.equal(audit.domainId, domain.id)

  t.test('the validator rejects a broken payload', async (t) => {
    const bad = { ...ended[0], data: { ...ended[0].data, durationSec: -1 } }
    t.not(v.validate(bad).length, 0)
    t.not(v.validate({ ...ended[0], correlation: {} }).length, 0, 'call.* needs the Call-ID')
  })
})
