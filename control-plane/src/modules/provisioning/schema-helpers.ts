// TypeBox building blocks shared by the provisioning schemas.
import { Type, type TSchema } from '@fastify/type-provider-typebox'

export const Uuid = Type.String({ format: 'uuid' })
export const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()])
export const StringEnum = <const V extends string>(values: readonly V[], description?: string) =>
  Type.Union(values.map((v) => Type.Literal(v)), description ? { description } : {})

/** The columns every provisioned row carries. */
export const RowMeta = {
  id: Uuid,
  domainId: Uuid,
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
}

/** Listing filters every domain-owned resource accepts. */
export const DomainFilterField = { domainId: Type.Optional(Uuid) }

export const TARGET_TYPES = ['USER', 'GROUP', 'QUEUE', 'SCHEDULE', 'EXTERNAL', 'HANGUP'] as const
export const RECORDING_POLICIES = ['INHERIT', 'NEVER', 'ALWAYS', 'ON_DEMAND'] as const
export const Codecs = Type.Array(Type.String({ maxLength: 32 }), { maxItems: 16, description: 'PCMU, PCMA, G722, G729, opus, telephone-event; empty: no restriction' })


/** A target in input: the id for USER/GROUP/QUEUE/SCHEDULE, the number for EXTERNAL, nothing for HANGUP. */
export const TargetTypeField = StringEnum(TARGET_TYPES, 'USER | GROUP | QUEUE | SCHEDULE need an id of that kind in the same domain; EXTERNAL needs a number; HANGUP nothing')
export const TargetNumberField = Type.String({ minLength: 1, maxLength: 32 })
