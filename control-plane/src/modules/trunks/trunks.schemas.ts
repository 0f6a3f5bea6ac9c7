import { Type, type Static } from '@fastify/type-provider-typebox'
import { Codecs, DomainFilterField, Nullable, RECORDING_POLICIES, RowMeta, StringEnum, Uuid } from '../provisioning/schema-helpers.ts'

const TRANSPORTS = ['UDP', 'TCP', 'TLS'] as const
const AUTH_MODES = ['IP', 'CREDENTIALS'] as const

/** A SIP trunk as the API shows it: the secret stays sealed in the database (`hasSecret` only). */
export const TrunkItem = Type.Object({
  ...RowMeta,
  name: Type.String(),
  host: Type.String(),
  port: Type.Integer(),
  transport: StringEnum(TRANSPORTS),
  authMode: StringEnum(AUTH_MODES),
  inboundIps: Type.Array(Type.String()),
  username: Nullable(Type.String()),
  hasSecret: Type.Boolean(),
  priority: Type.Integer(),
  weight: Type.Integer(),
  failoverCodes: Type.Array(Type.Integer()),
  branchTimeoutMs: Type.Integer(),
  maxChannels: Nullable(Type.Integer()),
  codecs: Type.Array(Type.String()),
  techPrefix: Type.String(),
  isEmergency: Type.Boolean(),
  recordingPolicy: StringEnum(RECORDING_POLICIES),
  enabled: Type.Boolean(),
})

const fields = {
  host: Type.Optional(Type.String({ minLength: 1, maxLength: 253, description: 'DNS name or IPv4 address' })),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  transport: Type.Optional(StringEnum(TRANSPORTS)),
  authMode: Type.Optional(StringEnum(AUTH_MODES, 'IP: recognised by source address (needs inboundIps); CREDENTIALS: we authenticate with username + secret')),
  inboundIps: Type.Optional(Type.Array(Type.String({ maxLength: 15 }), { maxItems: 64 })),
  username: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 128 }))),
  secret: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'write-only; encrypted at rest' })),
  priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'lower first' })),
  weight: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'share among trunks of equal priority' })),
  failoverCodes: Type.Optional(Type.Array(Type.Integer(), { maxItems: 50, description: 'final responses (400–699) that try the next trunk; never 487' })),
  branchTimeoutMs: Type.Optional(Type.Integer({ minimum: 500, maximum: 60_000 })),
  maxChannels: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  codecs: Type.Optional(Codecs),
  techPrefix: Type.Optional(Type.String({ maxLength: 16, description: 'digits, +, *, #' })),
  isEmergency: Type.Optional(Type.Boolean()),
  recordingPolicy: Type.Optional(StringEnum(RECORDING_POLICIES)),
  enabled: Type.Optional(Type.Boolean()),
}
const Name = Type.String({ minLength: 1, maxLength: 100 })

export const TrunkCreate = Type.Object({ domainId: Uuid, name: Name, ...fields, host: Type.String({ minLength: 1, maxLength: 253 }) }, { additionalProperties: false })
export const TrunkUpdate = Type.Object({ name: Type.Optional(Name), ...fields }, { additionalProperties: false, minProperties: 1 })
export const TrunkFilter = Type.Object({
  ...DomainFilterField,
  name: Type.Optional(Type.String({ maxLength: 100, description: 'contains' })),
  isEmergency: Type.Optional(Type.Boolean()),
  enabled: Type.Optional(Type.Boolean()),
})

export type TrunkItem = Static<typeof TrunkItem>
export type TrunkCreate = Static<typeof TrunkCreate>
export type TrunkUpdate = Static<typeof TrunkUpdate>
export type TrunkFilter = Static<typeof TrunkFilter>
