// SharedState on Redis. Two connections: one for commands, one in subscriber mode (Redis forbids
// commands on a subscribed connection). Commands fail fast while Redis is down instead of queueing
// forever, so callers can degrade.
import { Redis } from 'ioredis'
import type { SharedState } from './shared-state.ts'

export class RedisState implements SharedState {
  readonly kind = 'redis' as const
  private readonly cmd: Redis
  private sub?: Redis
  private readonly handlers = new Map<string, Set<(m: string) => void>>()

  constructor(private readonly url: string, private readonly prefix = 'sb:') {
    this.cmd = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true, connectTimeout: 2000 })
    this.cmd.on('error', () => {}) // surfaced through command failures and the readiness check
  }

  async connect() {
    await this.cmd.connect()
  }

  private k(key: string) {
    return this.prefix + key
  }

  async get(key: string) {
    return this.cmd.get(this.k(key))
  }

  async set(key: string, value: string, ttlSeconds?: number) {
    if (ttlSeconds) await this.cmd.set(this.k(key), value, 'EX', ttlSeconds)
    else await this.cmd.set(this.k(key), value)
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    return (await this.cmd.set(this.k(key), value, 'EX', ttlSeconds, 'NX')) === 'OK'
  }

  async del(key: string) {
    await this.cmd.del(this.k(key))
  }

  async incr(key: string) {
    return this.cmd.incr(this.k(key))
  }

  async hset(key: string, fields: Record<string, string>) {
    await this.cmd.hset(this.k(key), fields)
  }

  async hgetall(key: string) {
    return this.cmd.hgetall(this.k(key))
  }

  async publish(channel: string, message: string) {
    await this.cmd.publish(this.k(channel), message)
  }

  async subscribe(channel: string, onMessage: (message: string) => void) {
    if (!this.sub) {
      this.sub = new Redis(this.url, { lazyConnect: true, connectTimeout: 2000 })
      this.sub.on('error', () => {})
      this.sub.on('message', (ch: string, msg: string) => {
        for (const h of this.handlers.get(ch) ?? []) h(msg)
      })
      await this.sub.connect()
    }
    const full = this.k(channel)
    let set = this.handlers.get(full)
    if (!set) {
      set = new Set()
      this.handlers.set(full, set)
      await this.sub.subscribe(full)
    }
    set.add(onMessage)
    return async () => {
      set.delete(onMessage)
      if (set.size === 0) {
        this.handlers.delete(full)
        await this.sub?.unsubscribe(full)
      }
    }
  }

  async ping() {
    await this.cmd.ping()
  }

  async close() {
    this.cmd.disconnect()
    this.sub?.disconnect()
  }
}

export async function connectRedisState(url: string, prefix?: string): Promise<RedisState> {
  const state = new RedisState(url, prefix)
  try {
    await state.connect()
  } catch (err) {
    await state.close() // stop ioredis' reconnect loop, which would keep the process alive
    throw err
  }
  return state
}
