// Applies prisma/migrations/<name>/migration.sql in order, recording each in Prisma's own
// `_prisma_migrations` table with Prisma's checksum (sha256 of the file), so `prisma migrate deploy`
// and `prisma migrate status` see the same history. We need our own runner because the Prisma CLI
// cannot fetch its native schema engine here. A migration edited after it was applied is refused.
import fs from 'node:fs'
import path from 'node:path'
import { createHash, randomUUID } from 'node:crypto'

/** The two things the runner needs from a connection: run SQL, and run a function in a transaction. */
export interface SqlExecutor {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>
  /** Several statements in one string (a migration file). */
  script(sql: string): Promise<void>
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>
}

// the repository's prisma/migrations, from the sources (control-plane/src/db) or the build (dist/control-plane/src/db)
export const MIGRATIONS_DIR = [3, 4].map((up) => path.resolve(import.meta.dirname, '../'.repeat(up), 'prisma/migrations')).find((d) => fs.existsSync(d)) ?? path.resolve('prisma/migrations')
const PRISMA_MIGRATE_LOCK = 72707369 // the advisory lock id Prisma Migrate takes

export function listMigrations(dir = MIGRATIONS_DIR): Array<{ name: string; sql: string; checksum: string }> {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8')
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') }
    })
}

export async function applyMigrations(db: SqlExecutor, dir = MIGRATIONS_DIR): Promise<string[]> {
  await db.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`)
  await db.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK])
  try {
    const { rows } = await db.query(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    )
    const applied = new Map(rows.map((r) => [String(r.migration_name), String(r.checksum)]))
    const done: string[] = []
    for (const m of listMigrations(dir)) {
      const previous = applied.get(m.name)
      if (previous !== undefined) {
        if (previous !== m.checksum) throw new Error(`migration ${m.name} was modified after it was applied; add a new migration instead`)
        continue
      }
      await db.transaction(async (tx) => {
        await tx.script(m.sql)
        await tx.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
          [randomUUID(), m.checksum, m.name],
        )
      })
      done.push(m.name)
    }
    return done
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK])
  }
}
