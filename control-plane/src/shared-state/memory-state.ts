// Single-instance SharedState: a Map with lazy TTL expiry and an EventEmitter for pub/sub.
import { EventEmitter } from 'node:events'
import type { SharedState } from './shared-state.ts'

interface Entry {
  value: string | Map<string, string>
  expiresAt?: number
}

export class MemoryState implements SharedState {
  readonly kind = 'memory' as const
  private readonly entries = new Map<string, Entry>()
  private readonly bus = new EventEmitter().setMaxListeners(0)

  constructor(private readonly now: () => number = Date.now) {}

  private live(key: string): Entry | undefined {
    const e = this.entries.get(key)
    if (e?.expiresAt !== undefined && e.expiresAt <= this.now()) {
      this.entries.delete(key)
      return undefined
    }
    return e
  }

  async get(key: string) {
    const e = this.live(key)
    return typeof e?.value === 'string' ? e.value : null
  }

  async set(key: string, value: string, ttlSeconds?: number) {
    this.entries.set(key, { value, expiresAt: ttlSeconds ? this.now() + ttlSeconds * 1000 : undefined })
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    if (this.live(key)) return false
    await this.set(key, value, ttlSeconds)
    return true
  }

  async del(key: string) {
    this.entries.delete(key)
  }

  async incr(key: string) {
    const e = this.live(key)
    const n = (typeof e?.value === 'string' ? Number(e.value) : 0) + 1
    this.entries.set(key, { value: String(n), expiresAt: e?.expiresAt })
    return n
  }

  async hset(key: string, fields: Record<string, string>) {
    const e = this.live(key)
    const map = e?.value instanceof Map ? e.value : new Map<string, string>()
    for (const [k, v] of Object.entries(fields)) map.set(k, v)
    this.entries.set(key, { value: map, expiresAt: e?.expiresAt })
  }

  async hgetall(key: string) {
    const e = this.live(key)
    return e?.value instanceof Map ? Object.fromEntries(e.value) : {}
  }

  async publish(channel: string, message: string) {
    // asynchronous like Redis: a subscriber never runs inside the publisher's call stack
    setImmediate(() => this.bus.emit(channel, message))
  }

  async subscribe(channel: string, onMessage: (message: string) => void) {
    this.bus.on(channel, onMessage)
    return async () => {
      this.bus.off(channel, onMessage)
    }
  }

  async ping() {}

  async close() {
    this.bus.removeAllListeners()
    this.entries.clear()
  }
}
