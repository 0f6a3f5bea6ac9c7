import type { FastifyPluginAsync } from 'fastify'
import { resourceRoutes } from '../provisioning/resource-routes.ts'
import { UserCreate, UserFilter, UserItem, UserUpdate } from './users.schemas.ts'
import { usersService } from './users.service.ts'

const usersRoutes: FastifyPluginAsync = async (app) => {
  const service = usersService({ prisma: app.database.prisma, state: app.state })
  await app.register(resourceRoutes({ path: 'users', resource: 'users', tag: 'users', schemas: { item: UserItem, create: UserCreate, update: UserUpdate, filter: UserFilter }, service }))
}

export default usersRoutes
