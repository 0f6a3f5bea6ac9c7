import { Type, type Static } from '@fastify/type-provider-typebox'
import { DomainFilterField, Nullable, RowMeta, StringEnum, Uuid } from '../provisioning/schema-helpers.ts'

const STRATEGIES = ['RING_ALL', 'HUNT'] as const
const Member = Type.Object({ userId: Uuid, position: Type.Integer({ minimum: 0, maximum: 10_000 }) })
const MemberInput = Type.Object({ userId: Uuid, position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'defaults to the index in the array' })) }, { additionalProperties: false })

export const GroupItem = Type.Object({
  ...RowMeta,
  name: Type.String(),
  extension: Nullable(Type.String()),
  strategy: StringEnum(STRATEGIES),
  memberTimeout: Type.Integer({ description: 'seconds per member (HUNT) or for the whole fork (RING_ALL)' }),
  members: Type.Array(Member),
})

const fields = {
  extension: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 16 }))),
  strategy: Type.Optional(StringEnum(STRATEGIES)),
  memberTimeout: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
  members: Type.Optional(Type.Array(MemberInput, { maxItems: 500, description: 'replaces the whole member list' })),
}
const Name = Type.String({ minLength: 1, maxLength: 100 })

export const GroupCreate = Type.Object({ domainId: Uuid, name: Name, ...fields }, { additionalProperties: false })
export const GroupUpdate = Type.Object({ name: Type.Optional(Name), ...fields }, { additionalProperties: false, minProperties: 1 })
export const GroupFilter = Type.Object({ ...DomainFilterField, name: Type.Optional(Type.String({ maxLength: 100, description: 'contains' })) })

export type GroupItem = Static<typeof GroupItem>
export type GroupCreate = Static<typeof GroupCreate>
export type GroupUpdate = Static<typeof GroupUpdate>
export type GroupFilter = Static<typeof GroupFilter>
