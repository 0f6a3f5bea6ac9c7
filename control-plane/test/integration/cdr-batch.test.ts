// Dialog events are written in batches (cdr.service.ts): events applied at once share one
// statement, a call's events keep their order inside a batch, a retransmitted start changes
// nothing, each event still has exactly one outbox row, a CDR change is never stored without its
// outbox event, and a batch that fails for another reason than the database is retried event by
// event.
import t from 'tap'
import { buildTestApp } from '../support/app.ts'
import { cdrService } from '../../src/modules/cdr/cdr.service.ts'
import type { KamailioEvent } from '../../src/modules/kamailio/lookup-params.ts'

const ts = Date.parse('2025-06-01T10:00:00Z') / 1000
const ev = (type: string, callId: string, dt: number, fields: Record<string, string> = {}): KamailioEvent => ({ type, callId, ts: ts + dt, fields } as KamailioEvent)

for (const db of ['postgres', 'pglite'] as const) {
  t.test(`batched CDR writes (${db})`, async (t) => {
    const h = await buildTestApp({ db })
    t.teardown(h.close)
    const prisma = h.database.prisma
    const cdrs = cdrService(prisma)
    const decision = { kind: 'outbound', trunkIds: ['00000000-0000-4000-8000-000000000001'], callerE164: '+33100000001' }

    // 50 calls' starts at once, then their answers and ends, all in flight together
    const ids = Array.from({ length: 50 }, (_, i) => `batch-${i}@x`)
    await Promise.all(ids.map((id) => cdrs.apply(ev('dialog.start', id, 0, { from_user: '1001', ruri_user: '+33200000001' }), decision)))
    await Promise.all(ids.map((id) => cdrs.apply(ev('dialog.start', id, 0, { from_user: '1001' }), decision))) // retransmitted
    await Promise.all(ids.map((id) => cdrs.apply(ev('dialog.answered', id, 2, { code: '200' }), decision)))
    await Promise.all(ids.map((id) => cdrs.apply(ev('dialog.end', id, 62.4, { side: 'caller' }), decision, { mediaQuality: { mos: 4.3 } })))

    const rows = await prisma.cdr.findMany({ where: { callId: { in: ids } } })
    t.equal(rows.length, 50, 'one CDR per call')
    const r = rows[0]
    t.match(r, { direction: 'outbound', caller: '1001', callee: '+33200000001', callerE164: '+33100000001', trunkId: decision.trunkIds[0], durationSec: 60, billableSec: 61, hangupCause: 200, hangupSide: 'caller', mediaQuality: { mos: 4.3 } })
    t.equal(r.startedAt.toISOString(), new Date(ts * 1000).toISOString(), 'startedAt stored as UTC')
    t.equal(r.answeredAt?.toISOString(), new Date((ts + 2) * 1000).toISOString())
    const outbox = await prisma.outboxEvent.findMany({ orderBy: [{ createdAt: 'asc' }] })
    t.equal(outbox.length, 150, 'three outbox events per call, none for the retransmitted start')
    for (const type of ['call.started', 'call.answered', 'call.ended']) t.equal(outbox.filter((o) => o.type === type).length, 50, `50 × ${type}`)
    const ended = outbox.find((o) => o.type === 'call.ended' && (o.payload as any).correlation.callId === r.callId)!
    t.match((ended.payload as any).data, { cdrId: r.id, durationSec: 60, billableSec: 61, answeredAt: r.answeredAt!.toISOString(), mediaQuality: { mos: 4.3 } })
    t.same((ended.payload as any).data.codecs, [], 'the row read back keeps its types (codecs is an array)')
    t.equal((ended.payload as any).data.startedAt, r.startedAt.toISOString())

    // a call's whole life in one batch (no per-call ordering upstream): folded in arrival order
    await Promise.all([
      cdrs.apply(ev('dialog.start', 'one-batch@x', 0, { from_user: 'a', to_user: 'b' }), undefined),
      cdrs.apply(ev('dialog.answered', 'one-batch@x', 1), undefined),
      cdrs.apply(ev('dialog.end', 'one-batch@x', 11, { side: 'callee' }), undefined),
    ])
    const one = await prisma.cdr.findUniqueOrThrow({ where: { callId: 'one-batch@x' } })
    t.match(one, { direction: 'internal', caller: 'a', callee: 'b', durationSec: 10, hangupSide: 'callee' })
    const types = (await prisma.outboxEvent.findMany({ where: { payload: { path: ['correlation', 'callId'], equals: 'one-batch@x' } } })).map((o) => o.type).sort()
    t.same(types, ['call.answered', 'call.ended', 'call.started'])

    // an end without start or answer creates the row (failed call)
    await cdrs.apply(ev('dialog.failed', 'failed@x', 0, { code: '486', side: 'callee', from_user: 'a', to_user: 'b' }), undefined)
    t.match(await prisma.cdr.findUniqueOrThrow({ where: { callId: 'failed@x' } }), { hangupCause: 486, durationSec: 0, answeredAt: null })

    // a bad event (a domain id that is not a UUID) fails alone; the others of its batch are written
    const bad = cdrs.apply(ev('dialog.start', 'bad@x', 0), { domainId: 'not-a-uuid' })
    const good = cdrs.apply(ev('dialog.start', 'good@x', 0), undefined)
    await t.rejects(bad, 'the bad event is rejected')
    await good
    t.ok(await prisma.cdr.findUnique({ where: { callId: 'good@x' } }), 'its batch neighbour is written')
    t.equal(await prisma.cdr.count({ where: { callId: 'bad@x' } }), 0, 'nothing of the bad one')

    // the CDR row and its outbox event are one statement: when the outbox insert fails, the CDR
    // change is not stored either (a constraint that refuses this one event's outbox row)
    await prisma.$executeRawUnsafe(`ALTER TABLE "outbox_events" ADD CONSTRAINT "test_refuse" CHECK ("payload"->'correlation'->>'callId' <> 'refused@x') NOT VALID`)
    await t.rejects(cdrs.apply(ev('dialog.start', 'refused@x', 0), undefined), 'the event is rejected')
    await prisma.$executeRawUnsafe(`ALTER TABLE "outbox_events" DROP CONSTRAINT "test_refuse"`)
    t.equal(await prisma.cdr.count({ where: { callId: 'refused@x' } }), 0, 'no CDR without its outbox event')
  })
}
