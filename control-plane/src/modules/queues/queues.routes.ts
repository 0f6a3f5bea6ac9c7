import type { FastifyPluginAsync } from 'fastify'
import { resourceRoutes } from '../provisioning/resource-routes.ts'
import { QueueCreate, QueueFilter, QueueItem, QueueUpdate } from './queues.schemas.ts'
import { queuesService } from './queues.service.ts'

const queuesRoutes: FastifyPluginAsync = async (app) => {
  const service = queuesService({ prisma: app.database.prisma, state: app.state })
  await app.register(resourceRoutes({ path: 'queues', resource: 'queues', tag: 'queues', schemas: { item: QueueItem, create: QueueCreate, update: QueueUpdate, filter: QueueFilter }, service }))
}

export default queuesRoutes
