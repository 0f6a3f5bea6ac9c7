import { Type, type Static } from '@fastify/type-provider-typebox'
import { DomainFilterField, Nullable, RowMeta, StringEnum, TARGET_TYPES, TargetNumberField, TargetTypeField, Uuid } from '../provisioning/schema-helpers.ts'

const STRATEGIES = ['RING_ALL', 'ROUND_ROBIN', 'LONGEST_IDLE', 'PRIORITY'] as const
const Member = Type.Object({ userId: Uuid, priority: Type.Integer({ description: 'lower rings first with PRIORITY' }) })
const MemberInput = Type.Object({ userId: Uuid, priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })) }, { additionalProperties: false })

export const QueueItem = Type.Object({
  ...RowMeta,
  name: Type.String(),
  extension: Nullable(Type.String()),
  strategy: StringEnum(STRATEGIES),
  agentTimeout: Type.Integer(),
  maxWait: Type.Integer(),
  overflowTargetType: Nullable(StringEnum(TARGET_TYPES)),
  overflowTargetId: Nullable(Uuid),
  overflowTargetNumber: Nullable(Type.String()),
  members: Type.Array(Member),
})

const fields = {
  extension: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 16 }))),
  strategy: Type.Optional(StringEnum(STRATEGIES)),
  agentTimeout: Type.Optional(Type.Integer({ minimum: 5, maximum: 600, description: 'seconds an agent rings' })),
  maxWait: Type.Optional(Type.Integer({ minimum: 5, maximum: 86_400, description: 'seconds before overflow; ≥ agentTimeout' })),
  overflowTargetType: Type.Optional(Nullable(TargetTypeField)),
  overflowTargetId: Type.Optional(Nullable(Uuid)),
  overflowTargetNumber: Type.Optional(Nullable(TargetNumberField)),
  members: Type.Optional(Type.Array(MemberInput, { maxItems: 500, description: 'replaces the whole member list' })),
}
const Name = Type.String({ minLength: 1, maxLength: 100 })

export const QueueCreate = Type.Object({ domainId: Uuid, name: Name, ...fields }, { additionalProperties: false })
export const QueueUpdate = Type.Object({ name: Type.Optional(Name), ...fields }, { additionalProperties: false, minProperties: 1 })
export const QueueFilter = Type.Object({ ...DomainFilterField, name: Type.Optional(Type.String({ maxLength: 100, description: 'contains' })) })

export type QueueItem = Static<typeof QueueItem>
export type QueueCreate = Static<typeof QueueCreate>
export type QueueUpdate = Static<typeof QueueUpdate>
export type QueueFilter = Static<typeof QueueFilter>
