import type { FastifyPluginAsync } from 'fastify'
import { resourceRoutes } from '../provisioning/resource-routes.ts'
import { TrunkCreate, TrunkFilter, TrunkItem, TrunkUpdate } from './trunks.schemas.ts'
import { trunksService } from './trunks.service.ts'

const trunksRoutes: FastifyPluginAsync = async (app) => {
  const service = trunksService({ prisma: app.database.prisma, state: app.state, keys: app.config.encryption })
  await app.register(resourceRoutes({ path: 'trunks', resource: 'trunks', tag: 'trunks', schemas: { item: TrunkItem, create: TrunkCreate, update: TrunkUpdate, filter: TrunkFilter }, service }))
}

export default trunksRoutes
