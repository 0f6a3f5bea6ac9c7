// What the control plane does with Kamailio's events: dialog events become CDRs (with their call.*
// events) and move the active-calls gauge; registrations that change something become
// registration.changed events. Expiries are found by a periodic sweep.
import type { PrismaClient } from '../../generated/prisma/client.ts'
import type { KamailioEvent } from '../kamailio/lookup-params.ts'
import type { DecisionSummary } from '../cdr/cdr.service.ts'
import { cdrService } from '../cdr/cdr.service.ts'
import { emitEvent } from './outbox.ts'
import type { LiveState, RegistrationChange } from './live-state.ts'
import { withDbErrors } from '../../lib/prisma-errors.ts'
import type { MediaHooks } from '../media/media.plugin.ts'
import { AppError } from '../../lib/errors.ts'
import type { EventSpool } from './event-spool.ts'

/** what waits in the spool while the database is unreachable */
export type SpooledEvent =
  | { k: 'dialog'; event: KamailioEvent; decision?: DecisionSummary; mediaQuality?: object | null }
  | { k: 'registration'; change: RegistrationChange; callId?: string }

const dbDown = (err: unknown) => err instanceof AppError && err.code === 'database_unavailable'

export function eventSink(deps: { prisma: PrismaClient; snapshot: { domainByName(name: string): { id: string } | undefined }; live: LiveState; media?: MediaHooks; log?: { warn: (o: object, m: string) => void }; spool?: EventSpool<SpooledEvent> }) {
  const cdrs = cdrService(deps.prisma)
  const domainOf = (aor: string) => deps.snapshot.domainByName(aor.split('@')[1] ?? '')?.id ?? null

  const write = async (e: SpooledEvent): Promise<void> => {
    if (e.k === 'dialog') return cdrs.apply(e.event, e.decision, { mediaQuality: e.mediaQuality })
    await withDbErrors('registration', () => deps.prisma.$transaction((tx) => emitEvent(tx, { type: 'registration.changed', domainId: domainOf(e.change.aor), correlation: e.callId ? { callId: e.callId } : {}, data: e.change })))
  }
  /** write now, or spool it when the database is unreachable (or the spool is still draining: order) */
  async function writeOrSpool(e: SpooledEvent): Promise<void> {
    const spool = deps.spool
    if (spool && spool.pending > 0) return spool.append(e)
    try {
      await write(e)
    } catch (err) {
      if (!spool || !dbDown(err)) throw err
      spool.append(e)
      deps.log?.warn({ pending: spool.pending }, 'database unreachable: event spooled')
    }
  }
  const publishRegistration = (change: RegistrationChange, callId?: string) => writeOrSpool({ k: 'registration', change, callId })

  return {
    async apply(event: KamailioEvent, decision: DecisionSummary | undefined): Promise<void> {
      if (event.type === 'registration') {
        const change = deps.live.registration(event.fields)
        if (change) await publishRegistration(change, event.callId || undefined)
        return
      }
      if (!event.type.startsWith('dialog.')) return
      deps.live.call(event.type, event.callId)
      const ended = event.type === 'dialog.end' || event.type === 'dialog.failed'
      if (ended) deps.live.ended(decision?.kind ?? 'internal', decision?.trunkIds?.[0], event.type === 'dialog.end')
      const media = deps.media
      if (event.type === 'dialog.start') media?.recordings.callStarted(event.callId, decision?.recording, decision?.domainId ?? null)
      // rtpengine's final per-leg statistics (bounded by the client's timeout; null if unknown)
      const mediaQuality = ended && media ? await media.quality(event.callId) : null
      await writeOrSpool({ k: 'dialog', event, decision, mediaQuality })
      deps.live.cdrWritten(event.ts)
      if (!media) return
      const warn = (what: string) => (err: unknown) => deps.log?.warn({ err: (err as Error).message, callId: event.callId }, what)
      if (event.type === 'dialog.answered') await media.recordings.callAnswered(event.callId).catch(warn('recording not started'))
      if (ended) await media.recordings.callEnded(event.callId).catch(warn('recording not collected'))
    },

    /** replay the spool (the database may be back); the number of entries written */
    replaySpool: (): Promise<number> => (deps.spool && deps.spool.pending > 0 ? deps.spool.replay(write) : Promise.resolve(0)),

    async sweepExpired(): Promise<number> {
      const gone = deps.live.expired()
      for (const c of gone) await publishRegistration(c)
      return gone.length
    },
  }
}
