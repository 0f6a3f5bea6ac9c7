// What several control-plane instances must agree on: small keyed values with a TTL (caches, agent
// state), counters, and a broadcast channel (routing snapshot invalidation). Redis when REDIS_URL
// is set; otherwise an in-process implementation with the same semantics for a single instance.

export type Unsubscribe = () => Promise<void>

export interface SharedState {
  readonly kind: 'redis' | 'memory'
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttlSeconds?: number): Promise<void>
  /** Set only if absent (a lock or a first-writer-wins marker). True when this call set it. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>
  del(key: string): Promise<void>
  incr(key: string): Promise<number>
  hset(key: string, fields: Record<string, string>): Promise<void>
  hgetall(key: string): Promise<Record<string, string>>
  publish(channel: string, message: string): Promise<void>
  subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe>
  ping(): Promise<void>
  close(): Promise<void>
}
