// SharedState on Redis. Two connections: one for commands, one in subscriber mode (Redis forbids
// commands on a subscribed connection). While Redis is away every call is bounded and fails with
// `503 shared_state_unavailable` instead of queueing or hanging, so callers can degrade:
// - unreachable (connection refused / dropped): no offline queue, so a command fails at once;
// - hung (connection open, no answer): commandTimeout ends the command after commandTimeoutMs.
// ioredis reconnects on its own and re-subscribes the subscriber connection's channels; messages
// published while it was away are lost (the routing snapshot's epoch check catches up).
// A control plane also boots while Redis is away (a restart during a Redis outage must not leave the
// platform without a control plane): subscriptions are registered at once and take effect when the
// subscriber connection is ready.
import { Redis } from 'ioredis'
import { Unavailable } from '../lib/errors.ts'
import type { SharedState } from './shared-state.ts'

export interface RedisStateOptions {
  /** prepended to every key and channel (several deployments or test runs on one Redis) */
  prefix?: string
  /** the longest a command may wait for Redis's answer */
  commandTimeoutMs?: number
  /** Redis unreachable at connect: called, and the state is returned anyway (it keeps reconnecting).
   *  Without it, connect rejects. */
  onUnreachable?: (err: Error) => void
}

const unavailable = () => Unavailable('shared_state_unavailable', 'the shared state (Redis) is unreachable; retry later')

export class RedisState implements SharedState {
  readonly kind = 'redis' as const
  private readonly cmd: Redis
  private sub?: Redis
  private readonly handlers = new Map<string, Set<(m: string) => void>>()
  private readonly prefix: string
  private readonly commandTimeoutMs: number

  constructor(private readonly url: string, opts: RedisStateOptions | string = {}) {
    const o = typeof opts === 'string' ? { prefix: opts } : opts
    this.prefix = o.prefix ?? 'sb:'
    this.commandTimeoutMs = o.commandTimeoutMs ?? 1000
    this.cmd = this.client()
  }

  private client(): Redis {
    const c = new Redis(this.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true, connectTimeout: 2000, commandTimeout: this.commandTimeoutMs })
    c.on('error', () => {}) // surfaced through command failures and the readiness check
    return c
  }

  /** One command, its failure (refused, dropped, timed out) mapped to 503 shared_state_unavailable. */
  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch {
      throw unavailable()
    }
  }

  async connect() {
    await this.cmd.connect()
  }

  private k(key: string) {
    return this.prefix + key
  }

  async get(key: string) {
    return this.run(() => this.cmd.get(this.k(key)))
  }

  async set(key: string, value: string, ttlSeconds?: number) {
    await this.run(() => (ttlSeconds ? this.cmd.set(this.k(key), value, 'EX', ttlSeconds) : this.cmd.set(this.k(key), value)))
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    return (await this.run(() => this.cmd.set(this.k(key), value, 'EX', ttlSeconds, 'NX'))) === 'OK'
  }

  async del(key: string) {
    await this.run(() => this.cmd.del(this.k(key)))
  }

  async incr(key: string) {
    return this.run(() => this.cmd.incr(this.k(key)))
  }

  async hset(key: string, fields: Record<string, string>) {
    await this.run(() => this.cmd.hset(this.k(key), fields))
  }

  async hgetall(key: string) {
    return this.run(() => this.cmd.hgetall(this.k(key)))
  }

  async publish(channel: string, message: string) {
    await this.run(() => this.cmd.publish(this.k(channel), message))
  }

  async subscribe(channel: string, onMessage: (message: string) => void) {
    if (!this.sub) {
      // fail-fast like the command connection: an unsubscribe while Redis is away must not wait
      // for its return (it would hold up a graceful shutdown). ioredis re-subscribes what it had
      // subscribed when it reconnects; 'ready' also covers channels whose SUBSCRIBE failed because
      // Redis was away (at boot, or in the middle of an outage).
      const sub = this.client()
      sub.on('message', (ch: string, msg: string) => {
        for (const h of this.handlers.get(ch) ?? []) h(msg)
      })
      sub.on('ready', () => {
        for (const ch of this.handlers.keys()) sub.subscribe(ch).catch(() => {})
      })
      this.sub = sub
      await sub.connect().catch(() => {}) // away: ioredis keeps reconnecting; 'ready' subscribes
    }
    const sub = this.sub
    const full = this.k(channel)
    let set = this.handlers.get(full)
    if (!set) {
      set = new Set()
      this.handlers.set(full, set)
      if (sub.status === 'ready') await sub.subscribe(full).catch(() => {}) // failed: 'ready' retries
    }
    set.add(onMessage)
    return async () => {
      set.delete(onMessage)
      if (set.size === 0) {
        this.handlers.delete(full)
        // Redis away: at worst ioredis re-subscribes the channel on reconnect and its messages find no handler
        await sub.unsubscribe(full).catch(() => {})
      }
    }
  }

  async ping() {
    await this.run(() => this.cmd.ping())
  }

  async close() {
    this.cmd.disconnect()
    this.sub?.disconnect()
  }
}

export async function connectRedisState(url: string, opts?: RedisStateOptions | string): Promise<RedisState> {
  const state = new RedisState(url, opts)
  const onUnreachable = typeof opts === 'object' ? opts.onUnreachable : undefined
  try {
    await state.connect()
  } catch (err) {
    if (onUnreachable) {
      onUnreachable(err as Error) // degraded until ioredis' reconnect loop finds Redis
      return state
    }
    await state.close() // stop ioredis' reconnect loop, which would keep the process alive
    throw err
  }
  return state
}
