// CDRs from Kamailio's dialog events. Each event updates the call's row (keyed by Call-ID) and
// writes its outbox event in the same transaction, so a CDR change is never published without
// being stored, nor stored without being published. The routing decision remembered at lookup
// time adds what Kamailio does not know: domain, kind, trunk and rule.
import type { PrismaClient, Prisma } from '../../generated/prisma/client.ts'
import { withDbErrors } from '../../lib/prisma-errors.ts'
import type { KamailioEvent } from '../kamailio/lookup-params.ts'
import { emitEvent } from '../events/outbox.ts'
import { callData } from '../events/call-data.ts'
import { withSpan } from '../../lib/tracing.ts'
import type { RecordingMode } from '../routing/engine/types.ts'

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

type CdrData = Prisma.CdrUncheckedCreateInput

const toDate = (ts: number) => new Date(Math.round(ts * 1000))

export function cdrService(prisma: PrismaClient) {
  async function apply(event: KamailioEvent, decision: DecisionSummary | undefined, media: CdrMediaExtras = {}): Promise<void> {
    const f = event.fields
    const at = toDate(event.ts)
    const base: CdrData = {
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
    }
    await withSpan('db.cdr.apply', { callId: event.callId, 'sb.event': event.type }, () => withDbErrors('cdr', () =>
      prisma.$transaction(async (tx) => {
        const existing = await tx.cdr.findUnique({ where: { callId: event.callId } })
        let outboxType: string
        let row
        if (event.type === 'dialog.start') {
          if (existing) return // a retransmitted event
          row = await tx.cdr.create({ data: base })
          outboxType = 'call.started'
        } else if (event.type === 'dialog.answered') {
          row = existing
            ? await tx.cdr.update({ where: { id: existing.id }, data: { answeredAt: at } })
            : await tx.cdr.create({ data: { ...base, answeredAt: at } })
          outboxType = 'call.answered'
        } else {
          // dialog.end / dialog.failed
          const answeredAt = existing?.answeredAt ?? null
          const durationSec = answeredAt ? Math.max(0, Math.round((at.getTime() - answeredAt.getTime()) / 1000)) : 0
          const end = {
            endedAt: at,
            durationSec,
            billableSec: answeredAt ? Math.ceil((at.getTime() - answeredAt.getTime()) / 1000) : 0,
            hangupCause: f.code ? Number(f.code) : event.type === 'dialog.end' ? 200 : null,
            hangupSide: f.side || null,
            ...(media.mediaQuality ? { mediaQuality: media.mediaQuality as Prisma.InputJsonValue } : {}),
          }
          row = existing ? await tx.cdr.update({ where: { id: existing.id }, data: end }) : await tx.cdr.create({ data: { ...base, ...end } })
          outboxType = 'call.ended'
        }
        await emitEvent(tx, { type: outboxType, domainId: row.domainId, correlation: { callId: row.callId }, data: callData(row) })
      }),
    ))
  }
  return { apply }
}
