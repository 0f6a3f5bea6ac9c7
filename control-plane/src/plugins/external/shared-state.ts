import fp from 'fastify-plugin'
import type { SharedState } from '../../shared-state/shared-state.ts'
import { MemoryState } from '../../shared-state/memory-state.ts'

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
    // Redis away at boot: start degraded (readiness reports redis down, shared-state calls answer 503)
    // rather than not at all, and connect when it comes back
    const onUnreachable = (err: Error) => app.log.warn({ err: err.message }, 'shared state: Redis unreachable at boot; running degraded and reconnecting')
    // ioredis is loaded only when Redis is configured (memory: issue 4's RSS budget)
    const redis = async (url: string) => (await import('../../shared-state/redis-state.js')).connectRedisState(url, { prefix: app.config.redis.keyPrefix, commandTimeoutMs: app.config.redis.commandTimeoutMs, onUnreachable })
    const state = opts.state ?? (app.config.redisUrl ? await redis(app.config.redisUrl) : new MemoryState())
    app.decorate('state', state)
    app.log.info({ kind: state.kind }, 'shared state ready')
    if (owned) app.addHook('onClose', () => state.close())
  },
  { name: 'shared-state', dependencies: ['config'] },
)
