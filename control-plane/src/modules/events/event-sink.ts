// What the control plane does with Kamailio's events: dialog events become CDRs (with their call.*
// events) and move the active-calls gauge; registrations that change something become
// registration.changed events. Expiries are found by a periodic sweep.
import type { PrismaClient } from '../../generated/prisma/client.ts'
import type { SnapshotHolder } from '../routing/snapshot.ts'
import type { KamailioEvent } from '../kamailio/lookup-params.ts'
import type { DecisionSummary } from '../cdr/cdr.service.ts'
import { cdrService } from '../cdr/cdr.service.ts'
import { emitEvent } from './outbox.ts'
import type { LiveState, RegistrationChange } from './live-state.ts'
import { withDbErrors } from '../../lib/prisma-errors.ts'
import type { MediaHooks } from '../media/media.plugin.ts'

export function eventSink(deps: { prisma: PrismaClient; snapshot: SnapshotHolder; live: LiveState; media?: MediaHooks; log?: { warn: (o: object, m: string) => void } }) {
  const cdrs = cdrService(deps.prisma)
  const domainOf = (aor: string) => deps.snapshot.current.domainsByName.get(aor.split('@')[1] ?? '')?.id ?? null

  const publishRegistration = (c: RegistrationChange, callId?: string) =>
    withDbErrors('registration', () => deps.prisma.$transaction((tx) => emitEvent(tx, { type: 'registration.changed', domainId: domainOf(c.aor), correlation: callId ? { callId } : {}, data: c })))

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
      await cdrs.apply(event, decision, { mediaQuality })
      deps.live.cdrWritten(event.ts)
      if (!media) return
      const warn = (what: string) => (err: unknown) => deps.log?.warn({ err: (err as Error).message, callId: event.callId }, what)
      if (event.type === 'dialog.answered') await media.recordings.callAnswered(event.callId).catch(warn('recording not started'))
      if (ended) await media.recordings.callEnded(event.callId).catch(warn('recording not collected'))
    },

    async sweepExpired(): Promise<number> {
      const gone = deps.live.expired()
      for (const c of gone) await publishRegistration(c)
      return gone.length
    },
  }
}
