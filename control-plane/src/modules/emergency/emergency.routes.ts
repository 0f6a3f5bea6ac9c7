import type { FastifyPluginAsync } from 'fastify'
import { resourceRoutes } from '../provisioning/resource-routes.ts'
import { EmergencyCreate, EmergencyFilter, EmergencyItem, EmergencyUpdate } from './emergency.schemas.ts'
import { emergencyService } from './emergency.service.ts'

const emergencyRoutes: FastifyPluginAsync = async (app) => {
  const service = emergencyService({ prisma: app.database.prisma, state: app.state })
  await app.register(resourceRoutes({ path: 'emergency-numbers', resource: 'emergency', tag: 'emergency', schemas: { item: EmergencyItem, create: EmergencyCreate, update: EmergencyUpdate, filter: EmergencyFilter }, service }))
}

export default emergencyRoutes
