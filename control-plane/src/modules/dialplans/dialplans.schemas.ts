// Dial plans carry their rules as an ordered array (not a nested resource): a plan is read and
// reasoned about as a whole, first match wins, so it is also written as a whole. Sending `rules`
// replaces them; a rule sent with its `id` keeps that id (CDRs refer to it), others get new ids.
import { Type, type Static } from '@fastify/type-provider-typebox'
import { DomainFilterField, Nullable, RowMeta, StringEnum, Uuid } from '../provisioning/schema-helpers.ts'

const CLASSES = ['INTERNAL', 'LOCAL', 'NATIONAL', 'MOBILE', 'INTERNATIONAL', 'PREMIUM'] as const

export const RuleItem = Type.Object({
  id: Uuid,
  position: Type.Integer(),
  name: Nullable(Type.String()),
  pattern: Type.String(),
  stripDigits: Type.Integer(),
  prefix: Type.String(),
  toE164: Type.Boolean(),
  numberClass: StringEnum(CLASSES),
  enabled: Type.Boolean(),
  trunkIds: Type.Array(Uuid),
})

export const RuleInput = Type.Object({
  id: Type.Optional(Type.String({ format: 'uuid', description: 'an existing rule of this plan, to keep its id' })),
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, description: 'unique in the plan; defaults to (index + 1) × 10' })),
  name: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
  pattern: Type.String({ minLength: 1, maxLength: 256, description: 'ECMAScript regex over the dialled digits, anchored as ^(?:pattern)$' }),
  stripDigits: Type.Optional(Type.Integer({ minimum: 0, maximum: 15 })),
  prefix: Type.Optional(Type.String({ maxLength: 16, description: 'digits, +, *, #' })),
  toE164: Type.Optional(Type.Boolean()),
  numberClass: Type.Optional(StringEnum(CLASSES)),
  enabled: Type.Optional(Type.Boolean()),
  trunkIds: Type.Optional(Type.Array(Uuid, { maxItems: 20, description: 'trunks of the same domain' })),
}, { additionalProperties: false })

export const DialPlanItem = Type.Object({
  ...RowMeta,
  name: Type.String(),
  description: Nullable(Type.String()),
  countryCode: Type.String(),
  nationalPrefix: Type.String(),
  internationalPrefix: Type.String(),
  rules: Type.Array(RuleItem),
})

const Digits = (max: number, description: string) => Type.String({ maxLength: max, description })
const fields = {
  description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  countryCode: Type.Optional(Digits(3, "without '+', e.g. 33")),
  nationalPrefix: Type.Optional(Digits(4, 'trunk prefix, e.g. 0; empty for none')),
  internationalPrefix: Type.Optional(Digits(4, 'e.g. 00 or 011; empty for none')),
  rules: Type.Optional(Type.Array(RuleInput, { maxItems: 500, description: 'replaces every rule of the plan' })),
}
const Name = Type.String({ minLength: 1, maxLength: 100 })

export const DialPlanCreate = Type.Object({ domainId: Uuid, name: Name, ...fields }, { additionalProperties: false })
export const DialPlanUpdate = Type.Object({ name: Type.Optional(Name), ...fields }, { additionalProperties: false, minProperties: 1 })
export const DialPlanFilter = Type.Object({ ...DomainFilterField, name: Type.Optional(Type.String({ maxLength: 100, description: 'contains' })) })

export type RuleInput = Static<typeof RuleInput>
export type DialPlanItem = Static<typeof DialPlanItem>
export type DialPlanCreate = Static<typeof DialPlanCreate>
export type DialPlanUpdate = Static<typeof DialPlanUpdate>
export type DialPlanFilter = Static<typeof DialPlanFilter>
