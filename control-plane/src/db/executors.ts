// SqlExecutor adapters for the two databases we run on: node-postgres and embedded PGlite.
import type { PGlite, Transaction } from '@electric-sql/pglite'
import type pg from 'pg'
import type { SqlExecutor } from './migrate.ts'

export function pgExecutor(client: pg.ClientBase): SqlExecutor {
  return {
    query: async (sql, params) => ({ rows: (await client.query(sql, params as unknown[])).rows }),
    script: async (sql) => {
      await client.query(sql)
    },
    transaction: async (fn) => {
      await client.query('BEGIN')
      try {
        const result = await fn(pgExecutor(client))
        await client.query('COMMIT')
        return result
      } catch (err) {
        await client.query('ROLLBACK')
        throw err
      }
    },
  }
}

function pgliteTxExecutor(tx: Transaction): SqlExecutor {
  return {
    query: async (sql, params) => ({ rows: (await tx.query<Record<string, unknown>>(sql, params)).rows }),
    script: async (sql) => {
      await tx.exec(sql)
    },
    transaction: () => Promise.reject(new Error('nested transactions are not supported')),
  }
}

export function pgliteExecutor(db: PGlite): SqlExecutor {
  return {
    query: async (sql, params) => ({ rows: (await db.query<Record<string, unknown>>(sql, params)).rows }),
    script: async (sql) => {
      await db.exec(sql)
    },
    transaction: (fn) => db.transaction((tx) => fn(pgliteTxExecutor(tx))),
  }
}
