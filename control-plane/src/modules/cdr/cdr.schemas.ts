// The CDR API's shapes: the listing filters and the row as the API shows it.
import { Type, type Static } from '@fastify/type-provider-typebox'
import { Nullable, StringEnum, Uuid } from '../provisioning/schema-helpers.ts'
import { PageQuery } from '../provisioning/resource-routes.ts'

export const DIRECTIONS = ['internal', 'inbound', 'outbound', 'emergency'] as const

export const CdrFilter = Type.Object({
  domainId: Type.Optional(Uuid),
  callId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  caller: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'exact match on the raw or E.164 caller' })),
  callee: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'exact match on the raw or E.164 callee' })),
  direction: Type.Optional(StringEnum(DIRECTIONS)),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'startedAt >= from' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'startedAt < to' })),
  answered: Type.Optional(Type.Boolean()),
})
export type CdrFilter = Static<typeof CdrFilter>

export const CdrListQuery = Type.Object({ ...CdrFilter.properties, ...PageQuery })

const DateTime = Type.String({ format: 'date-time' })
export const CdrItem = Type.Object({
  id: Uuid,
  callId: Type.String(),
  domainId: Nullable(Uuid),
  direction: Type.String(),
  caller: Type.String(),
  callerE164: Nullable(Type.String()),
  callee: Type.String(),
  calleeE164: Nullable(Type.String()),
  startedAt: DateTime,
  answeredAt: Nullable(DateTime),
  endedAt: Nullable(DateTime),
  durationSec: Type.Integer(),
  billableSec: Type.Integer(),
  trunkId: Nullable(Uuid),
  ruleId: Nullable(Uuid),
  hangupCause: Nullable(Type.Integer()),
  hangupSide: Nullable(Type.String()),
  codecs: Type.Array(Type.String()),
  mediaQuality: Type.Optional(Nullable(Type.Unknown())),
  recordingId: Nullable(Type.String()),
})

export const CdrList = Type.Object({ items: Type.Array(CdrItem), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() })

/** The CSV export's columns, in order (a stable contract: append, never reorder). */
export const CSV_COLUMNS = [
  'id', 'callId', 'domainId', 'direction', 'caller', 'callerE164', 'callee', 'calleeE164', 'startedAt', 'answeredAt', 'endedAt',
  'durationSec', 'billableSec', 'trunkId', 'ruleId', 'hangupCause', 'hangupSide', 'codecs', 'recordingId',
] as const
