import fp from 'fastify-plugin'
import type { SharedState } from '../../shared-state/shared-state.ts'
import { MemoryState } from '../../shared-state/memory-state.ts'
import { connectRedisState } from '../../shared-state/redis-state.ts'

declare module 'fastify' {
  interface FastifyInstance {
    state: SharedState
  }
}

export interface SharedStatePluginOptions {
  state?: SharedState
}

export default fp<SharedStatePluginOptions>(
  async (app, opts) => {
    const owned = !opts.state
    const state = opts.state ?? (app.config.redisUrl ? await connectRedisState(app.config.redisUrl) : new MemoryState())
    app.decorate('state', state)
    app.log.info({ kind: state.kind }, 'shared state ready')
    if (owned) app.addHook('onClose', () => state.close())
  },
  { name: 'shared-state', dependencies: ['config'] },
)
