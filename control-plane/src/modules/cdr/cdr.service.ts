// CDRs from Kamailio's dialog events. Each event updates the call's row (keyed by Call-ID) and
// writes its outbox event in the same statement, so a CDR change is never published without being
// stored, nor stored without being published. The routing decision remembered at lookup time adds
// what Kamailio does not know: domain, kind, trunk and rule.
//
// Events are written in batches: those that arrive while a batch is being written, or within
// BATCH_INTERVAL_MS of the last one's start, go together into the next one (read the calls' rows,
// fold the events onto them in arrival order, then one statement for the upsert and the outbox
// insert; raw SQL with the rows as JSON parameters, because Prisma's per-row argument handling
// cost more than the statements). One transaction per event cost ~0.7 ms of the control plane's
// CPU plus PostgreSQL's, three per call: at 400 calls/s the control plane fell behind
// (docs/benchmarks.md). A batch that fails for another reason than an unreachable database is
// retried one event at a time, so one bad event cannot take the others with it.
import { randomUUID } from 'node:crypto'
import type { Cdr, PrismaClient, Prisma } from '../../generated/prisma/client.ts'
import { mapDbError, withDbErrors } from '../../lib/prisma-errors.ts'
import type { KamailioEvent } from '../kamailio/lookup-params.ts'
import { outboxRow } from '../events/outbox.ts'
import { callData } from '../events/call-data.ts'
import { currentTraceId, withSpan } from '../../lib/tracing.ts'
import type { RecordingMode } from '../routing/engine/types.ts'
import { AppError } from '../../lib/errors.ts'

export interface DecisionSummary {
  domainId?: string
  kind?: string
  trunkIds?: string[]
  ruleId?: string
  callerE164?: string
  calleeE164?: string
  /** the decision's recording policy (media module) */
  recording?: RecordingMode
}

/** What the media side adds to a CDR when the call ends (rtpengine's final statistics). */
export interface CdrMediaExtras {
  mediaQuality?: object | null
}

interface Pending {
  event: KamailioEvent
  decision: DecisionSummary | undefined
  media: CdrMediaExtras
  traceId: string | undefined
  resolve: () => void
  reject: (err: unknown) => void
}

const toDate = (ts: number) => new Date(Math.round(ts * 1000))
const MAX_BATCH = 1000
/** a batch starts at most this often, unless FULL_BATCH events are already waiting. A batch costs
 *  the same CPU whatever its size (a read and a write through Prisma and pg): 50 batches a second
 *  (20 ms) cost 0.29 cores with 50 calls/s of events in the production server, 10 (100 ms) 0.19;
 *  0.43 -> 0.35 cores at 200 calls/s (docs/benchmarks.md §2). A CDR lands these few ms later. */
const BATCH_INTERVAL_MS = 100
/** …so that a burst does not wait: the events in flight are bounded upstream (the JSON-RPC
 *  listener keeps 256 notifications pending, kamailio.plugin.ts), and a batch that waited for
 *  more than that would cap the rate at 256 events per interval */
const FULL_BATCH = 128

/** The call's row after `p` (undefined row: no CDR yet), and the outbox event it publishes; null: nothing to do. */
export function foldEvent(existing: Cdr | undefined, p: Pick<Pending, 'event' | 'decision' | 'media'>, now: Date): { row: Cdr; type: string } | null {
  const { event, decision, media } = p
  const f = event.fields
  const at = toDate(event.ts)
  const fresh = (): Cdr => ({
    id: randomUUID(),
    callId: event.callId,
    direction: decision?.kind ?? 'internal',
    domainId: decision?.domainId ?? null,
    caller: f.from_user ?? '',
    callee: f.ruri_user || f.to_user || '',
    callerE164: decision?.callerE164 ?? null,
    calleeE164: decision?.calleeE164 ?? null,
    trunkId: decision?.trunkIds?.[0] ?? null,
    ruleId: decision?.ruleId ?? null,
    startedAt: at,
    answeredAt: null,
    endedAt: null,
    durationSec: 0,
    billableSec: 0,
    hangupCause: null,
    hangupSide: null,
    codecs: [],
    mediaQuality: null,
    recordingId: null,
    createdAt: now,
    updatedAt: now,
  })
  if (event.type === 'dialog.start') {
    if (existing) return null // a retransmitted event
    return { row: fresh(), type: 'call.started' }
  }
  if (event.type === 'dialog.answered') {
    return { row: { ...(existing ?? fresh()), answeredAt: at, updatedAt: now }, type: 'call.answered' }
  }
  // dialog.end / dialog.failed
  const answeredAt = existing?.answeredAt ?? null
  const end = {
    endedAt: at,
    durationSec: answeredAt ? Math.max(0, Math.round((at.getTime() - answeredAt.getTime()) / 1000)) : 0,
    billableSec: answeredAt ? Math.ceil((at.getTime() - answeredAt.getTime()) / 1000) : 0,
    hangupCause: f.code ? Number(f.code) : event.type === 'dialog.end' ? 200 : null,
    hangupSide: f.side || null,
    ...(media.mediaQuality ? { mediaQuality: media.mediaQuality as Prisma.JsonValue } : {}),
  }
  return { row: { ...(existing ?? fresh()), ...end, updatedAt: now }, type: 'call.ended' }
}

// One statement for every row of the batch: the rows travel as one JSON parameter. Only what a
// dialog event changes is updated on conflict (codecs and recordingId belong to others).
const COLS = `"id" uuid, "callId" text, "domainId" uuid, "direction" text, "caller" text, "callerE164" text, "callee" text, "calleeE164" text,
  "startedAt" timestamp(3), "answeredAt" timestamp(3), "endedAt" timestamp(3), "durationSec" int, "billableSec" int, "trunkId" uuid,
  "ruleId" uuid, "hangupCause" int, "hangupSide" text, "mediaQuality" jsonb, "createdAt" timestamp(3), "updatedAt" timestamp(3)`
const NAMES = COLS.split(',').map((c) => c.trim().split(' ')[0]).join(', ')
const UPSERT = `INSERT INTO "cdrs" (${NAMES}) SELECT ${NAMES} FROM jsonb_to_recordset($1::jsonb) AS x(${COLS})
  ON CONFLICT ("callId") DO UPDATE SET "answeredAt" = EXCLUDED."answeredAt", "endedAt" = EXCLUDED."endedAt",
  "durationSec" = EXCLUDED."durationSec", "billableSec" = EXCLUDED."billableSec", "hangupCause" = EXCLUDED."hangupCause",
  "hangupSide" = EXCLUDED."hangupSide", "mediaQuality" = EXCLUDED."mediaQuality", "updatedAt" = EXCLUDED."updatedAt"`

const OUTBOX_COLS = `"id" uuid, "type" text, "domainId" uuid, "payload" jsonb`
// The outbox rows go in with the CDR rows, in the same statement: PostgreSQL runs a data-modifying
// WITH to completion as part of the statement, so both are committed together or not at all, in
// one round trip instead of BEGIN, two INSERTs and COMMIT (each a write(2) that wakes the
// database: pg's socket writes are a tenth of the main thread's busy time in its CPU profile at
// 300 calls/s, docs/benchmarks.md §2).
const WRITE_BATCH = `WITH "cdr" AS (${UPSERT})
  INSERT INTO "outbox_events" ("id", "type", "domainId", "payload")
  SELECT "id", "type", "domainId", "payload" FROM jsonb_to_recordset($2::jsonb) AS x(${OUTBOX_COLS})`

const dbDown = (err: unknown) => err instanceof AppError && err.code === 'database_unavailable'

export function cdrService(prisma: PrismaClient) {
  const queue: Pending[] = []
  let writing = false

  async function writeBatch(batch: Pending[]): Promise<void> {
    const now = new Date()
    // no transaction around the read: batches are written one at a time (drain), and the upsert
    // settles a race with another instance on the Call-ID; what must be atomic (a CDR change and
    // its outbox event) is one statement
    const callIds = [...new Set(batch.map((p) => p.event.callId))]
    const existing = await prisma.$queryRawUnsafe<Cdr[]>('SELECT * FROM "cdrs" WHERE "callId" = ANY($1::text[])', callIds)
    const rows = new Map<string, Cdr>(existing.map((r) => [r.callId, r]))
    const changed = new Map<string, Cdr>()
    const outbox: Array<Prisma.OutboxEventCreateManyInput & { id: string }> = []
    for (const p of batch) {
      const next = foldEvent(rows.get(p.event.callId), p, now)
      if (!next) continue
      rows.set(next.row.callId, next.row)
      changed.set(next.row.callId, next.row)
      outbox.push({ id: randomUUID(), ...outboxRow({ type: next.type, domainId: next.row.domainId, correlation: { callId: next.row.callId, ...(p.traceId ? { traceId: p.traceId } : {}) }, data: callData(next.row) }) })
    }
    if (changed.size === 0) return
    await prisma.$executeRawUnsafe(WRITE_BATCH, JSON.stringify([...changed.values()]), JSON.stringify(outbox))
  }

  let lastStart = -Infinity
  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const wait = lastStart + BATCH_INTERVAL_MS - performance.now()
      if (wait > 0 && queue.length < FULL_BATCH) await new Promise((r) => setTimeout(r, wait))
      lastStart = performance.now()
      const batch = queue.splice(0, MAX_BATCH)
      try {
        await withDbErrors('cdr', () => writeBatch(batch))
        for (const p of batch) p.resolve()
      } catch (err) {
        if (batch.length === 1 || dbDown(err)) {
          for (const p of batch) p.reject(err)
          continue
        }
        for (const p of batch) {
          try {
            await withDbErrors('cdr', () => writeBatch([p]))
            p.resolve()
          } catch (e) {
            p.reject(mapDbError(e, 'cdr') ?? e)
          }
        }
      }
    }
    writing = false
  }

  /** Resolves once the event's CDR change and outbox event are committed. */
  function apply(event: KamailioEvent, decision: DecisionSummary | undefined, media: CdrMediaExtras = {}): Promise<void> {
    return withSpan('db.cdr.apply', { callId: event.callId, 'sb.event': event.type }, () => new Promise<void>((resolve, reject) => {
      queue.push({ event, decision, media, traceId: currentTraceId(), resolve, reject })
      if (!writing) {
        writing = true
        // the events read in this turn of the event loop go into the first batch
        setImmediate(() => void drain())
      }
    }))
  }
  return { apply }
}
