import { Type, type Static } from '@fastify/type-provider-typebox'
import { DomainFilterField, Nullable, RowMeta, Uuid } from '../provisioning/schema-helpers.ts'

export const EmergencyItem = Type.Object({
  ...RowMeta,
  number: Type.String({ description: 'as dialled: 112, 15, 17, 18, 911' }),
  description: Nullable(Type.String()),
  trunkId: Uuid,
})

const fields = {
  description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  trunkId: Type.Optional(Type.String({ format: 'uuid', description: 'a trunk of the same domain with isEmergency: true' })),
}
const Num = Type.String({ minLength: 1, maxLength: 16, description: '2–6 digits' })

export const EmergencyCreate = Type.Object({ domainId: Uuid, number: Num, ...fields, trunkId: Uuid }, { additionalProperties: false })
export const EmergencyUpdate = Type.Object({ number: Type.Optional(Num), ...fields }, { additionalProperties: false, minProperties: 1 })
export const EmergencyFilter = Type.Object({ ...DomainFilterField })

export type EmergencyItem = Static<typeof EmergencyItem>
export type EmergencyCreate = Static<typeof EmergencyCreate>
export type EmergencyUpdate = Static<typeof EmergencyUpdate>
export type EmergencyFilter = Static<typeof EmergencyFilter>
