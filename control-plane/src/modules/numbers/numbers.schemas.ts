import { Type, type Static } from '@fastify/type-provider-typebox'
import { DomainFilterField, Nullable, RECORDING_POLICIES, RowMeta, StringEnum, TARGET_TYPES, TargetNumberField, TargetTypeField, Uuid } from '../provisioning/schema-helpers.ts'

export const NumberItem = Type.Object({
  ...RowMeta,
  e164: Type.String({ description: '+33123456789' }),
  description: Nullable(Type.String()),
  targetType: StringEnum(TARGET_TYPES),
  targetId: Nullable(Uuid),
  targetNumber: Nullable(Type.String()),
  recordingPolicy: StringEnum(RECORDING_POLICIES),
})

const fields = {
  description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  targetId: Type.Optional(Nullable(Uuid)),
  targetNumber: Type.Optional(Nullable(TargetNumberField)),
  recordingPolicy: Type.Optional(StringEnum(RECORDING_POLICIES)),
}
const E164 = Type.String({ minLength: 1, maxLength: 20, description: "E.164: '+' then 8–15 digits" })

export const NumberCreate = Type.Object({ domainId: Uuid, e164: E164, targetType: TargetTypeField, ...fields }, { additionalProperties: false })
export const NumberUpdate = Type.Object({ targetType: Type.Optional(TargetTypeField), ...fields }, { additionalProperties: false, minProperties: 1 })
export const NumberFilter = Type.Object({
  ...DomainFilterField,
  e164: Type.Optional(Type.String({ maxLength: 20, description: 'prefix' })),
  targetType: Type.Optional(StringEnum(TARGET_TYPES)),
})

export type NumberItem = Static<typeof NumberItem>
export type NumberCreate = Static<typeof NumberCreate>
export type NumberUpdate = Static<typeof NumberUpdate>
export type NumberFilter = Static<typeof NumberFilter>
