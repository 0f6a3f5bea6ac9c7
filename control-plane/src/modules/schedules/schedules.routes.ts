import type { FastifyPluginAsync } from 'fastify'
import { resourceRoutes } from '../provisioning/resource-routes.ts'
import { ScheduleCreate, ScheduleFilter, ScheduleItem, ScheduleUpdate } from './schedules.schemas.ts'
import { schedulesService } from './schedules.service.ts'

const schedulesRoutes: FastifyPluginAsync = async (app) => {
  const service = schedulesService({ prisma: app.database.prisma, state: app.state })
  await app.register(resourceRoutes({ path: 'schedules', resource: 'schedules', tag: 'schedules', schemas: { item: ScheduleItem, create: ScheduleCreate, update: ScheduleUpdate, filter: ScheduleFilter }, service }))
}

export default schedulesRoutes
