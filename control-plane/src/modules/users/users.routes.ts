import type { FastifyPluginAsync } from 'fastify'
import { resourceRoutes } from '../provisioning/resource-routes.ts'
import { UserCreate, UserFilter, UserItem, UserUpdate } from './users.schemas.ts'
import { usersService } from './users.service.ts'
import { KamailioRpc } from '../kamailio/kamailio-rpc.ts'
import { flushAuthCache } from '../kamailio/auth-cache.ts'

const usersRoutes: FastifyPluginAsync = async (app) => {
  const base = usersService({ prisma: app.database.prisma, state: app.state })
  const kamailio = new KamailioRpc(app.config.kamailio.rpcUrl, 1000)
  const realmOf = (domainId: string) => app.routingSnapshot.domainById(domainId)?.name
  // Any update may change the password, the extension or the enabled flag: drop the cached HA1
  // of the old identity after the change has committed.
  const service: typeof base = {
    ...base,
    async update(id, patch, expected, ctx) {
      const before = await base.get(id, ctx)
      const after = await base.update(id, patch, expected, ctx)
      const realm = realmOf(before.domainId)
      if (realm) await flushAuthCache(kamailio, app.log, before.extension, realm)
      return after
    },
    async remove(id, expected, ctx) {
      const before = await base.get(id, ctx)
      await base.remove(id, expected, ctx)
      const realm = realmOf(before.domainId)
      if (realm) await flushAuthCache(kamailio, app.log, before.extension, realm)
    },
  }
  await app.register(resourceRoutes({ path: 'users', resource: 'users', tag: 'users', schemas: { item: UserItem, create: UserCreate, update: UserUpdate, filter: UserFilter }, service }))
}

export default usersRoutes
