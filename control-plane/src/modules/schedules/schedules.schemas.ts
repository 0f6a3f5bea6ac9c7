import { Type, type Static } from '@fastify/type-provider-typebox'
import { DomainFilterField, Nullable, RowMeta, StringEnum, TARGET_TYPES, TargetNumberField, TargetTypeField, Uuid } from '../provisioning/schema-helpers.ts'

const Hours = Type.Object({
  dayOfWeek: Type.Integer({ minimum: 0, maximum: 6, description: '0 = Sunday … 6 = Saturday' }),
  opens: Type.String({ maxLength: 5, description: 'HH:MM, wall clock in the schedule time zone' }),
  closes: Type.String({ maxLength: 5, description: 'HH:MM after opens; 24:00 for end of day' }),
}, { additionalProperties: false })
const Holiday = Type.Object({
  date: Type.String({ maxLength: 10, description: 'YYYY-MM-DD, or MM-DD for every year' }),
  name: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
}, { additionalProperties: false })

export const ScheduleItem = Type.Object({
  ...RowMeta,
  name: Type.String(),
  timezone: Type.String(),
  openTargetType: StringEnum(TARGET_TYPES),
  openTargetId: Nullable(Uuid),
  openTargetNumber: Nullable(Type.String()),
  closedTargetType: StringEnum(TARGET_TYPES),
  closedTargetId: Nullable(Uuid),
  closedTargetNumber: Nullable(Type.String()),
  hours: Type.Array(Type.Object({ dayOfWeek: Type.Integer(), opens: Type.String(), closes: Type.String() })),
  holidays: Type.Array(Type.Object({ date: Type.String(), name: Nullable(Type.String()) })),
})

const fields = {
  timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone' })),
  openTargetId: Type.Optional(Nullable(Uuid)),
  openTargetNumber: Type.Optional(Nullable(TargetNumberField)),
  closedTargetId: Type.Optional(Nullable(Uuid)),
  closedTargetNumber: Type.Optional(Nullable(TargetNumberField)),
  hours: Type.Optional(Type.Array(Hours, { maxItems: 100, description: 'replaces all opening hours' })),
  holidays: Type.Optional(Type.Array(Holiday, { maxItems: 366, description: 'replaces all holidays' })),
}
const Name = Type.String({ minLength: 1, maxLength: 100 })

export const ScheduleCreate = Type.Object(
  { domainId: Uuid, name: Name, ...fields, timezone: Type.String({ minLength: 1, maxLength: 64 }), openTargetType: TargetTypeField, closedTargetType: TargetTypeField },
  { additionalProperties: false },
)
export const ScheduleUpdate = Type.Object(
  { name: Type.Optional(Name), openTargetType: Type.Optional(TargetTypeField), closedTargetType: Type.Optional(TargetTypeField), ...fields },
  { additionalProperties: false, minProperties: 1 },
)
export const ScheduleFilter = Type.Object({ ...DomainFilterField, name: Type.Optional(Type.String({ maxLength: 100, description: 'contains' })) })

export type ScheduleItem = Static<typeof ScheduleItem>
export type ScheduleCreate = Static<typeof ScheduleCreate>
export type ScheduleUpdate = Static<typeof ScheduleUpdate>
export type ScheduleFilter = Static<typeof ScheduleFilter>
