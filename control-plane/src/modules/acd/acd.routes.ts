// Basic ACD agent API. Operators and admins manage agents (agents:write); agent self-service
// (agents:self, an AGENT principal acting on its own user) needs admin accounts linked to a SIP user,
// which come with issue 6: until then an AGENT key gets 403 here.
import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@fastify/type-provider-typebox'
import { ErrorBody } from '../provisioning/resource-routes.ts'
import { requestCtx } from '../provisioning/context.ts'
import { Nullable, Uuid } from '../provisioning/schema-helpers.ts'
import { sharedAgentStateStore, type AgentAction } from './agent-state.ts'
import { acdService, type AgentView } from './acd.service.ts'

const Agent = Type.Object({
  userId: Uuid,
  loggedIn: Type.Boolean(),
  paused: Type.Boolean(),
  busy: Type.Boolean(),
  idleSince: Nullable(Type.String({ format: 'date-time', description: 'null: not rung since logging in' })),
})
const errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }
const show = (a: AgentView) => ({ userId: a.userId, loggedIn: a.loggedIn, paused: a.paused, busy: a.busy, idleSince: a.idleSince === undefined ? null : new Date(a.idleSince).toISOString() })

const acdRoutes: FastifyPluginAsync = async (app) => {
  const service = acdService({ prisma: app.database.prisma, state: app.state, store: sharedAgentStateStore(app.state) })

  app.get('/queues/:id/agents', {
    config: { permission: 'agents:read' },
    schema: { tags: ['agents'], params: Type.Object({ id: Uuid }), response: { 200: Type.Object({ items: Type.Array(Agent) }), ...errors } },
  }, async (req) => {
    const { id } = req.params as { id: string }
    return { items: (await service.list(id, requestCtx(req))).map(show) }
  })

  app.post('/queues/:id/agents/:userId/:action', {
    config: { permission: 'agents:write' },
    schema: {
      tags: ['agents'],
      params: Type.Object({ id: Uuid, userId: Uuid, action: Type.Union([Type.Literal('login'), Type.Literal('logout'), Type.Literal('pause'), Type.Literal('unpause')]) }),
      response: { 200: Agent, ...errors },
    },
  }, async (req) => {
    const { id, userId, action } = req.params as { id: string; userId: string; action: AgentAction }
    return show(await service.act(id, userId, action, requestCtx(req)))
  })
}

export default acdRoutes
