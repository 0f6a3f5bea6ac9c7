// Agent self-service (agents:self): an account linked to a SIP user (AdminAccount.userId) logs that
// user in and out of its queues, and pauses it. The user is taken from the principal, never from the
// URL, so an agent cannot act for a colleague.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { Type } from '@fastify/type-provider-typebox'
import { Forbidden } from '../../lib/errors.ts'
import { ErrorBody } from '../provisioning/resource-routes.ts'
import { requestCtx } from '../provisioning/context.ts'
import { Nullable, Uuid } from '../provisioning/schema-helpers.ts'
import { sharedAgentStateStore, type AgentAction } from './agent-state.ts'
import { acdService, type AgentView } from './acd.service.ts'

const Agent = Type.Object({ userId: Uuid, loggedIn: Type.Boolean(), paused: Type.Boolean(), busy: Type.Boolean(), idleSince: Nullable(Type.String({ format: 'date-time' })) })
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }
const show = (a: AgentView) => ({ userId: a.userId, loggedIn: a.loggedIn, paused: a.paused, busy: a.busy, idleSince: a.idleSince === undefined ? null : new Date(a.idleSince).toISOString() })

function ownUser(req: FastifyRequest): string {
  const userId = req.principal?.userId
  if (!userId) throw Forbidden('not_an_agent', 'this account is not linked to a SIP user')
  return userId
}

const agentSelfRoutes: FastifyPluginAsync = async (app) => {
  const service = acdService({ prisma: app.database.prisma, state: app.state, store: sharedAgentStateStore(app.state) })

  app.get('/me/queues/:id', {
    config: { permission: 'agents:self' },
    schema: { tags: ['agents'], params: Type.Object({ id: Uuid }), response: { 200: Agent, ...errors } },
  }, async (req) => {
    const userId = ownUser(req)
    const mine = (await service.list((req.params as { id: string }).id, requestCtx(req))).find((a) => a.userId === userId)
    if (!mine) throw Forbidden('not_a_member', 'you are not a member of this queue')
    return show(mine)
  })

  app.post('/me/queues/:id/:action', {
    config: { permission: 'agents:self' },
    schema: {
      tags: ['agents'],
      params: Type.Object({ id: Uuid, action: Type.Union([Type.Literal('login'), Type.Literal('logout'), Type.Literal('pause'), Type.Literal('unpause')]) }),
      response: { 200: Agent, ...errors },
    },
  }, async (req) => {
    const { id, action } = req.params as { id: string; action: AgentAction }
    return show(await service.act(id, ownUser(req), action, requestCtx(req)))
  })
}

export default agentSelfRoutes
