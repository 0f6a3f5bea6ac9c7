// Active calls and registrations, as seen from Kamailio's events: the gauges ops watch, and the
// source of registration.changed (only a new contact, an unregistration or an expiry is a change;
// the refresh every few minutes of a known contact is not, or REGISTER traffic would flood the
// outbox). Per instance: each instance counts the events Kamailio sent it.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export interface RegistrationChange {
  aor: string
  contact: string
  registered: boolean
  expires: number
  reason: 'registered' | 'unregistered' | 'expired'
  srcIp?: string
  userAgent?: string
}

const CALL_MAX_AGE_MS = 12 * 3600_000 // a lost dialog.end must not keep a call "active" forever

export function liveState(registry: Registry, now: () => number = Date.now) {
  const calls = new Map<string, number>() // Call-ID → since
  const contacts = new Map<string, { aor: string; contact: string; until: number }>() // aor|contact → expiry
  const activeCalls = new Gauge({ name: 'sb_active_calls', help: 'Calls started and not yet ended (from dialog events)', registers: [registry], collect: () => sweepCalls() })
  const cdrLag = new Histogram({ name: 'sb_cdr_lag_seconds', help: 'From the dialog event in Kamailio to its CDR committed', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 30], registers: [registry] })
  const callsEnded = new Counter({ name: 'sb_calls_ended_total', help: 'Calls ended, by direction, first trunk tried and outcome (answered, failed)', labelNames: ['direction', 'trunk', 'outcome'], registers: [registry] })
  const registrations = new Gauge({ name: 'sb_registrations_active', help: 'Registered contacts (from registration events)', registers: [registry] })

  function sweepCalls() {
    const cutoff = now() - CALL_MAX_AGE_MS
    for (const [id, since] of calls) if (since < cutoff) calls.delete(id)
    activeCalls.set(calls.size)
  }

  return {
    /** `ts`: Kamailio's event time (unix seconds) */
    cdrWritten: (ts: number) => cdrLag.observe(Math.max(0, now() / 1000 - ts)),

    ended: (direction: string, trunkId: string | undefined, answered: boolean) => callsEnded.inc({ direction, trunk: trunkId ?? '', outcome: answered ? 'answered' : 'failed' }),

    call(type: string, callId: string) {
      if (type === 'dialog.start' || type === 'dialog.answered') {
        if (!calls.has(callId)) calls.set(callId, now())
      } else calls.delete(callId)
      activeCalls.set(calls.size)
    },

    /** The change this REGISTER makes, if any. */
    registration(f: Record<string, string>): RegistrationChange | undefined {
      const aor = f.aor ?? ''
      const contact = f.contact ?? ''
      const expires = Math.max(0, Number(f.expires) || 0)
      const key = `${aor}|${contact}`
      const known = contacts.get(key)
      const base = { aor, contact, expires, ...(f.src_ip ? { srcIp: f.src_ip } : {}), ...(f.user_agent ? { userAgent: f.user_agent } : {}) }
      let change: RegistrationChange | undefined
      if (expires > 0) {
        if (!known || known.until <= now()) change = { ...base, registered: true, reason: 'registered' }
        contacts.set(key, { aor, contact, until: now() + expires * 1000 })
      } else if (known) {
        contacts.delete(key)
        change = { ...base, registered: false, reason: 'unregistered' }
      }
      registrations.set(contacts.size)
      return change
    },

    /** Contacts whose registration ran out without a refresh. */
    expired(): RegistrationChange[] {
      const out: RegistrationChange[] = []
      for (const [key, c] of contacts) {
        if (c.until > now()) continue
        contacts.delete(key)
        out.push({ aor: c.aor, contact: c.contact, registered: false, expires: 0, reason: 'expired' })
      }
      registrations.set(contacts.size)
      return out
    },
  }
}

export type LiveState = ReturnType<typeof liveState>
