// The one versioned event contract (JSON Schemas in docs/events/). Every event leaves the control
// plane in the same envelope; `id` is the outbox row's id and is what consumers deduplicate on
// (delivery is at least once). A breaking change to an event's `data` is a new `version`, with a
// new schema file beside the old one.

/** Event types and their current version; `audit.*` and `queue.*` are families sharing one schema. */
export const EVENT_VERSIONS = {
  'call.started': 1,
  'call.answered': 1,
  'call.ended': 1,
  'registration.changed': 1,
  'queue.*': 1,
  'audit.*': 1,
} as const

export interface Correlation {
  callId?: string
  requestId?: string
  traceId?: string
}

export interface EventEnvelope<D = Record<string, unknown>> {
  id: string
  type: string
  version: number
  occurredAt: string
  domainId: string | null
  correlation: Correlation
  data: D
}

/** The schema family a type belongs to: `audit.user.created` → `audit.*`. */
export function familyOf(type: string): keyof typeof EVENT_VERSIONS | undefined {
  if (type in EVENT_VERSIONS) return type as keyof typeof EVENT_VERSIONS
  const family = `${type.split('.')[0]}.*`
  return family in EVENT_VERSIONS ? (family as keyof typeof EVENT_VERSIONS) : undefined
}

export function versionOf(type: string): number {
  const f = familyOf(type)
  if (!f) throw new Error(`event type "${type}" is not in the contract (modules/events/contract.ts, docs/events/)`)
  return EVENT_VERSIONS[f]
}

/** docs/events/<file> holding the schema of a type at a version. */
export const schemaFile = (type: string, version = versionOf(type)) => `${(familyOf(type) ?? type).replace('.*', '')}.v${version}.json`
