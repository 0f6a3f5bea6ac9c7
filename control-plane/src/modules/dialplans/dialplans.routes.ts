import type { FastifyPluginAsync } from 'fastify'
import { resourceRoutes } from '../provisioning/resource-routes.ts'
import { DialPlanCreate, DialPlanFilter, DialPlanItem, DialPlanUpdate } from './dialplans.schemas.ts'
import { dialPlansService } from './dialplans.service.ts'

const dialPlansRoutes: FastifyPluginAsync = async (app) => {
  const service = dialPlansService({ prisma: app.database.prisma, state: app.state })
  await app.register(resourceRoutes({ path: 'dialplans', resource: 'dialplans', tag: 'dialplans', schemas: { item: DialPlanItem, create: DialPlanCreate, update: DialPlanUpdate, filter: DialPlanFilter }, service }))
}

export default dialPlansRoutes
