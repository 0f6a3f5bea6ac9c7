// One outbox worker at a time across instances: a PostgreSQL session advisory lock held on a
// dedicated connection (not a pooled one: a session lock belongs to its connection). If that
// connection dies, PostgreSQL releases the lock and another instance takes over; this one notices
// at its next check and stops working. Embedded PGlite is one process: always the leader.
import pg from 'pg'
import { pgPoolConfig } from '../../db/database.ts'

const OUTBOX_LOCK_KEY = 0x5b_0b_0c // "sb outbox"

export interface LeaderLock {
  /** true when this instance holds the lock (tries to take it if not) */
  check(): Promise<boolean>
  release(): Promise<void>
}

export function alwaysLeader(): LeaderLock {
  return { check: async () => true, release: async () => {} }
}

export function advisoryLeaderLock(databaseUrl: string, onError: (err: Error) => void): LeaderLock {
  let client: pg.Client | undefined
  let held = false
  const drop = () => {
    const c = client
    client = undefined
    held = false
    c?.end().catch(() => {})
  }
  return {
    async check() {
      try {
        if (!client) {
          const c = new pg.Client({ ...pgPoolConfig(databaseUrl), application_name: 'switchboard-outbox-leader' })
          c.on('error', (err) => {
            onError(err)
            if (client === c) drop()
          })
          await c.connect()
          client = c
        }
        if (held) {
          await client.query('SELECT 1') // still connected, so still holding it
          return true
        }
        const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [OUTBOX_LOCK_KEY])
        held = r.rows[0].ok
        return held
      } catch (err) {
        onError(err as Error)
        drop()
        return false
      }
    },
    async release() {
      if (client && held) await client.query('SELECT pg_advisory_unlock($1)', [OUTBOX_LOCK_KEY]).catch(() => {})
      drop()
    },
  }
}
