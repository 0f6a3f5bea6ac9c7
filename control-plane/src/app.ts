// The whole control plane as one Fastify plugin tree. server.ts listens; tests build it with
// buildApp() and call inject(). Order: config → external resources → app-wide behaviour → features.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { randomUUID } from 'node:crypto'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from './config/config.ts'
import type { Database } from './db/database.ts'
import type { SharedState } from './shared-state/shared-state.ts'
import { streamLoggers } from './lib/logger.ts'
import type { DestinationStream } from 'pino'
import logStreams from './plugins/external/log-streams.ts'
import databasePlugin from './plugins/external/database.ts'
import sharedStatePlugin from './plugins/external/shared-state.ts'
import metricsPlugin from './plugins/external/metrics.ts'
import tracingPlugin from './plugins/external/tracing.ts'
import swaggerPlugin from './plugins/external/swagger.ts'
import errorHandler from './plugins/app/error-handler.ts'
import requestContext, { REQUEST_ID_HEADER, pickRequestId } from './plugins/app/request-context.ts'
import authPlugin from './plugins/app/auth.ts'
import healthRoutes from './modules/health/health.routes.ts'
import kamailioLoop from './modules/kamailio/kamailio.plugin.ts'
import mediaPlugin from './modules/media/media.plugin.ts'
import recordingRoutes from './modules/media/recording.routes.ts'
import internalRoutes from './modules/kamailio/internal.routes.ts'
import explainRoutes from './modules/routing/explain.routes.ts'
import callsRoutes from './modules/calls/calls.routes.ts'
import domainsRoutes from './modules/domains/domains.routes.ts'
import usersRoutes from './modules/users/users.routes.ts'
import groupsRoutes from './modules/groups/groups.routes.ts'
import numbersRoutes from './modules/numbers/numbers.routes.ts'
import dialPlansRoutes from './modules/dialplans/dialplans.routes.ts'
import trunksRoutes from './modules/trunks/trunks.routes.ts'
import schedulesRoutes from './modules/schedules/schedules.routes.ts'
import queuesRoutes from './modules/queues/queues.routes.ts'
import emergencyRoutes from './modules/emergency/emergency.routes.ts'
import acdRoutes from './modules/acd/acd.routes.ts'
import importRoutes from './modules/import/import.routes.ts'
import cdrRoutes from './modules/cdr/cdr.routes.ts'
import webhooksRoutes from './modules/webhooks/webhooks.routes.ts'
import crmRoutes from './modules/crm/crm.routes.ts'
import outboxPlugin from './modules/outbox/outbox.plugin.ts'
import securityApi from './modules/auth/security-api.ts'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
  }
}

export interface AppOptions {
  config: Config
  /** Injected by tests and the CLI; otherwise opened from the config. */
  database?: Database
  state?: SharedState
  logger?: boolean
  /** where the three log streams go (default stdout); tests capture lines with it */
  logDestination?: DestinationStream
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const logs = opts.logger === false && !opts.logDestination ? streamLoggers('silent') : streamLoggers(opts.config.logLevel, opts.logDestination)
  const app = Fastify({
    loggerInstance: logs.application as FastifyBaseLogger,
    genReqId: (req) => pickRequestId(req.headers[REQUEST_ID_HEADER], randomUUID),
    bodyLimit: 1_048_576,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
    forceCloseConnections: true,
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.decorate('config', opts.config)
  await app.register(fp(async () => {}, { name: 'config' }))
  await app.register(logStreams, { logs })
  await app.register(databasePlugin, { database: opts.database })
  await app.register(sharedStatePlugin, { state: opts.state })
  await app.register(metricsPlugin)
  await app.register(tracingPlugin)
  await app.register(swaggerPlugin)
  await app.register(errorHandler)
  await app.register(requestContext)
  await app.register(authPlugin)

  await app.register(mediaPlugin)
  await app.register(kamailioLoop)
  await app.register(outboxPlugin)
  await app.register(healthRoutes)
  await app.register(internalRoutes)
  await app.register(async (api) => {
    await api.register(domainsRoutes)
    await api.register(explainRoutes)
    await api.register(callsRoutes)
    await api.register(usersRoutes)
    await api.register(groupsRoutes)
    await api.register(numbersRoutes)
    await api.register(dialPlansRoutes)
    await api.register(trunksRoutes)
    await api.register(schedulesRoutes)
    await api.register(queuesRoutes)
    await api.register(emergencyRoutes)
    await api.register(acdRoutes)
    await api.register(importRoutes)
    await api.register(cdrRoutes)
    await api.register(webhooksRoutes)
    await api.register(crmRoutes)
    await api.register(securityApi)
    await api.register(recordingRoutes)
  }, { prefix: '/api/v1' })
  return app
}
