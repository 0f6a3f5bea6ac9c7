// POST /import/users and /import/numbers with a text/csv body and ?domainId=. Answers 200 with a
// per-row report (row 1 is the first line after the header) even when some rows failed; a wrong
// header line refuses the whole file (400 invalid_csv_header).
import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@fastify/type-provider-typebox'
import type { Resource } from '../auth/permissions.ts'
import { requestCtx } from '../provisioning/context.ts'
import { ErrorBody } from '../provisioning/resource-routes.ts'
import { Uuid } from '../provisioning/schema-helpers.ts'
import { domainForWrite } from '../provisioning/scoped-service.ts'
import { NumberCreate } from '../numbers/numbers.schemas.ts'
import { numbersService } from '../numbers/numbers.service.ts'
import { UserCreate } from '../users/users.schemas.ts'
import { usersService } from '../users/users.service.ts'
import { importRows, type ImportKind } from './import.service.ts'

const Report = Type.Object({
  rows: Type.Array(Type.Object({
    row: Type.Integer(),
    status: Type.Union([Type.Literal('created'), Type.Literal('error')]),
    id: Type.Optional(Uuid),
    error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
  })),
  totals: Type.Object({ rows: Type.Integer(), created: Type.Integer(), errors: Type.Integer() }),
})

export const USER_COLUMNS = { required: ['extension', 'password'], optional: ['displayName', 'email', 'callerId', 'classOfService', 'dialPlanId', 'recordingPolicy', 'tlsOnly', 'codecs', 'enabled'] }
export const NUMBER_COLUMNS = { required: ['e164', 'targetType'], optional: ['targetId', 'targetNumber', 'description', 'recordingPolicy'] }

const importRoutes: FastifyPluginAsync = async (app) => {
  const deps = { prisma: app.database.prisma, state: app.state }
  const kinds: Record<'users' | 'numbers', ImportKind & { resource: Resource }> = {
    users: { ...USER_COLUMNS, schema: UserCreate, booleans: ['tlsOnly', 'enabled'], lists: ['codecs'], service: usersService(deps) as never, resource: 'users' },
    numbers: { ...NUMBER_COLUMNS, schema: NumberCreate, service: numbersService(deps) as never, resource: 'numbers' },
  }
  // scoped to this plugin: the rest of the API stays JSON-only
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 4 * 1_048_576 }, (_req, body, done) => done(null, body))

  for (const [path, kind] of Object.entries(kinds)) {
    app.post(`/import/${path}`, {
      config: { permission: `${kind.resource}:write` },
      schema: {
        tags: ['import'],
        description: `CSV with a header line; columns ${[...kind.required, ...kind.optional].join(', ')} (required: ${kind.required.join(', ')})`,
        querystring: Type.Object({ domainId: Uuid }),
        body: Type.String({ description: 'text/csv' }),
        response: { 200: Report, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 422: ErrorBody },
      },
    }, async (req) => {
      const ctx = requestCtx(req)
      const { domainId } = req.query as { domainId: string }
      await domainForWrite(app.database.prisma, domainId, ctx)
      return importRows(kind, req.body as string, domainId, ctx)
    })
  }
}

export default importRoutes
