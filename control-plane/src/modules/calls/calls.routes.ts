// Live state from Kamailio, through its JSON-RPC: who is registered, which calls are up, and
// hanging a call up. Domain-scoped principals only see AoRs and calls of their own domain.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { Type } from '@fastify/type-provider-typebox'
import { KamailioRpc, KamailioRpcError } from '../kamailio/kamailio-rpc.ts'
import { callsFromDlgList, registrationsFromUlDump } from '../kamailio/kamailio-views.ts'
import { NotFound } from '../../lib/errors.ts'
import { commitChange } from '../provisioning/change.ts'
import { requestCtx } from '../provisioning/context.ts'

const callsRoutes: FastifyPluginAsync = async (app) => {
  const kamailio = new KamailioRpc(app.config.kamailio.rpcUrl)

  /** The SIP domain a scoped principal may see, or null for all. */
  const visibleDomain = (req: FastifyRequest): string | null => {
    const scope = req.principal?.domainId
    if (!scope) return null
    return app.routingSnapshot.domainById(scope)?.name ?? '\u0000'
  }
  const inDomain = (uri: string | null, domain: string | null) => domain === null || (uri ?? '').split('@')[1]?.split(/[;:>]/)[0] === domain

  app.get('/registrations', { config: { permission: 'registrations:read' }, schema: { tags: ['live'], querystring: Type.Object({ aor: Type.Optional(Type.String({ maxLength: 256 })) }) } }, async (req) => {
    const { aor } = req.query as { aor?: string }
    const domain = visibleDomain(req)
    const items = registrationsFromUlDump(await kamailio.call('ul.dump')).filter((r) => inDomain(`x@${r.aor.split('@')[1] ?? ''}`, domain) && (!aor || r.aor === aor))
    return { items, total: items.length }
  })

  app.get('/calls', { config: { permission: 'calls:read' }, schema: { tags: ['live'] } }, async (req) => {
    const domain = visibleDomain(req)
    const items = callsFromDlgList(await kamailio.call('dlg.list')).filter((c) => inDomain(c.fromUri, domain) || inDomain(c.toUri, domain))
    return { items: items.map(({ hEntry: _e, hId: _i, ...c }) => c), total: items.length }
  })

  app.delete('/calls/:callId', { config: { permission: 'calls:write' }, schema: { tags: ['live'], params: Type.Object({ callId: Type.String({ minLength: 1, maxLength: 256 }) }) } }, async (req, reply) => {
    const { callId } = req.params as { callId: string }
    const domain = visibleDomain(req)
    const call = callsFromDlgList(await kamailio.call('dlg.list')).find((c) => c.callId === callId && (inDomain(c.fromUri, domain) || inDomain(c.toUri, domain)))
    if (!call) throw NotFound('call', callId)
    const ctx = requestCtx(req)
    // journaled first: ending someone's call is an administrative act that must leave a trace
    await commitChange({ prisma: app.database.prisma, state: app.state }, ctx.actor, 'call', async () => ({ result: undefined, audit: { action: 'call.deleted', entityType: 'call', entityId: callId, before: { fromUri: call.fromUri, toUri: call.toUri } } }), { affectsRouting: false })
    try {
      await kamailio.call('dlg.end_dlg', [call.hEntry, call.hId])
    } catch (err) {
      if (err instanceof KamailioRpcError) throw NotFound('call', callId) // ended meanwhile
      throw err
    }
    return reply.status(204).send()
  })
}

export default callsRoutes
