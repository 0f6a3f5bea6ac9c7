import { Type, type Static } from '@fastify/type-provider-typebox'
import { Codecs, DomainFilterField, Nullable, RECORDING_POLICIES, RowMeta, StringEnum, Uuid } from '../provisioning/schema-helpers.ts'

const CLASSES = ['INTERNAL', 'NATIONAL', 'INTERNATIONAL', 'PREMIUM'] as const

/** What the API shows of a SIP user: never the password nor its digests (ha1, ha1b). */
export const UserItem = Type.Object({
  ...RowMeta,
  extension: Type.String({ description: 'dialable short number, also the SIP username' }),
  displayName: Nullable(Type.String()),
  email: Nullable(Type.String()),
  callerId: Nullable(Type.String({ description: 'E.164 presented on outbound calls' })),
  classOfService: StringEnum(CLASSES),
  dialPlanId: Nullable(Uuid),
  recordingPolicy: StringEnum(RECORDING_POLICIES),
  tlsOnly: Type.Boolean(),
  codecs: Type.Array(Type.String()),
  enabled: Type.Boolean(),
})

const fields = {
  displayName: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  email: Type.Optional(Nullable(Type.String({ maxLength: 254 }))),
  callerId: Type.Optional(Nullable(Type.String({ maxLength: 16 }))),
  classOfService: Type.Optional(StringEnum(CLASSES)),
  dialPlanId: Type.Optional(Nullable(Uuid)),
  recordingPolicy: Type.Optional(StringEnum(RECORDING_POLICIES)),
  tlsOnly: Type.Optional(Type.Boolean()),
  codecs: Type.Optional(Codecs),
  enabled: Type.Optional(Type.Boolean()),
}
const Password = Type.String({ minLength: 1, maxLength: 128, description: 'write-only: at least 10 characters, not containing the extension' })
const Extension = Type.String({ minLength: 1, maxLength: 16, description: '2–8 digits' })

export const UserCreate = Type.Object({ domainId: Uuid, extension: Extension, password: Password, ...fields }, { additionalProperties: false })
export const UserUpdate = Type.Object(
  { extension: Type.Optional(Extension), password: Type.Optional(Password), ...fields },
  { additionalProperties: false, minProperties: 1, description: 'changing the extension needs the password too (the digests cover the username)' },
)
export const UserFilter = Type.Object({
  ...DomainFilterField,
  extension: Type.Optional(Type.String({ maxLength: 16, description: 'prefix' })),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'display name or e-mail contains (case-insensitive)' })),
  enabled: Type.Optional(Type.Boolean()),
})

export type UserItem = Static<typeof UserItem>
export type UserCreate = Static<typeof UserCreate>
export type UserUpdate = Static<typeof UserUpdate>
export type UserFilter = Static<typeof UserFilter>
