import { Type, type Static } from '@fastify/type-provider-typebox'

const Expires = Type.Integer({ minimum: 1, maximum: 86400, description: 'seconds' })

export const DomainItem = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String({ description: 'SIP domain, also the digest realm' }),
  description: Type.Union([Type.String(), Type.Null()]),
  timezone: Type.String(),
  regMinExpires: Type.Integer(),
  regMaxExpires: Type.Integer(),
  regDefaultExpires: Type.Integer(),
  defaultDialPlanId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  enabled: Type.Boolean(),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
})

const fields = {
  description: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
  timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Paris' })),
  regMinExpires: Type.Optional(Expires),
  regMaxExpires: Type.Optional(Expires),
  regDefaultExpires: Type.Optional(Expires),
  defaultDialPlanId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  enabled: Type.Optional(Type.Boolean()),
}

export const DomainCreate = Type.Object({ name: Type.String({ minLength: 1, maxLength: 253 }), ...fields }, { additionalProperties: false })
export const DomainUpdate = Type.Object(fields, { additionalProperties: false, minProperties: 1 })
export const DomainFilter = Type.Object({ name: Type.Optional(Type.String({ maxLength: 253 })) })

export type DomainCreate = Static<typeof DomainCreate>
export type DomainUpdate = Static<typeof DomainUpdate>
export type DomainFilter = Static<typeof DomainFilter>
