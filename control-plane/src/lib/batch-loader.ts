// Coalesces lookups by key into one query: the keys asked for while a query is in flight (or in the
// same turn of the event loop) go together into the next one. For per-call reads on the event
// path, where one query per call cost more than the rest of the call's handling.
export interface BatchLoader<K, V> {
  load(key: K): Promise<V>
}

/** `fetch` answers many keys at once; a key it leaves out gets `missing`. */
export function batchLoader<K, V>(fetch: (keys: K[]) => Promise<Map<K, V>>, missing: () => V): BatchLoader<K, V> {
  type Waiter = { resolve: (v: V) => void; reject: (err: unknown) => void }
  let pending = new Map<K, Waiter[]>()
  let running = false

  async function run(): Promise<void> {
    while (pending.size > 0) {
      const batch = pending
      pending = new Map()
      try {
        const got = await fetch([...batch.keys()])
        for (const [k, waiters] of batch) for (const w of waiters) w.resolve(got.get(k) ?? missing())
      } catch (err) {
        for (const waiters of batch.values()) for (const w of waiters) w.reject(err)
      }
    }
    running = false
  }

  return {
    load(key) {
      return new Promise<V>((resolve, reject) => {
        const waiters = pending.get(key)
        if (waiters) waiters.push({ resolve, reject })
        else pending.set(key, [{ resolve, reject }])
        if (!running) {
          running = true
          setImmediate(() => void run())
        }
      })
    },
  }
}
