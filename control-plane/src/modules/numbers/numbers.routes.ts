import type { FastifyPluginAsync } from 'fastify'
import { resourceRoutes } from '../provisioning/resource-routes.ts'
import { NumberCreate, NumberFilter, NumberItem, NumberUpdate } from './numbers.schemas.ts'
import { numbersService } from './numbers.service.ts'

const numbersRoutes: FastifyPluginAsync = async (app) => {
  const service = numbersService({ prisma: app.database.prisma, state: app.state })
  await app.register(resourceRoutes({ path: 'numbers', resource: 'numbers', tag: 'numbers', schemas: { item: NumberItem, create: NumberCreate, update: NumberUpdate, filter: NumberFilter }, service }))
}

export default numbersRoutes
