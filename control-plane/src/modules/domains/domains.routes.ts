import type { FastifyPluginAsync } from 'fastify'
import { resourceRoutes } from '../provisioning/resource-routes.ts'
import { DomainCreate, DomainFilter, DomainItem, DomainUpdate } from './domains.schemas.ts'
import { domainsService } from './domains.service.ts'

const domainsRoutes: FastifyPluginAsync = async (app) => {
  const service = domainsService({ prisma: app.database.prisma, state: app.state })
  await app.register(resourceRoutes({ path: 'domains', resource: 'domains', tag: 'domains', schemas: { item: DomainItem, create: DomainCreate, update: DomainUpdate, filter: DomainFilter }, service }))
}

export default domainsRoutes
