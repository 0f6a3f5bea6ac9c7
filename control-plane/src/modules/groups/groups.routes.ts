import type { FastifyPluginAsync } from 'fastify'
import { resourceRoutes } from '../provisioning/resource-routes.ts'
import { GroupCreate, GroupFilter, GroupItem, GroupUpdate } from './groups.schemas.ts'
import { groupsService } from './groups.service.ts'

const groupsRoutes: FastifyPluginAsync = async (app) => {
  const service = groupsService({ prisma: app.database.prisma, state: app.state })
  await app.register(resourceRoutes({ path: 'groups', resource: 'groups', tag: 'groups', schemas: { item: GroupItem, create: GroupCreate, update: GroupUpdate, filter: GroupFilter }, service }))
}

export default groupsRoutes
