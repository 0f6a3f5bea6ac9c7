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

export function eventSink(deps: { prisma: PrismaClient; snapshot: SnapshotHolder; live: LiveState }) {
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
      if (event.type === 'dialog.end' || event.type === 'dialog.failed') deps.live.ended(decision?.kind ?? 'internal', decision?.trunkIds?.[0], event.type === 'dialog.end')
      await cdrs.apply(event, decision)
      deps.live.cdrWritten(event.ts)
    },

    async sweepExpired(): Promise<number> {
      const gone = deps.live.expired()
      for (const c of gone) await publishRegistration(c)
      return gone.length
    },
  }
}
