// A fresh PostgreSQL database per test file, cloned from a migrated template so files can run in
// parallel and in any order. The template's name carries a hash of the migrations: a new migration
// makes a new template.
import { createHash, randomBytes } from 'node:crypto'
import pg from 'pg'
import { applyMigrations, listMigrations } from '../../src/db/migrate.ts'
import { pgExecutor } from '../../src/db/executors.ts'
import { pgPoolConfig } from '../../src/db/database.ts'

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://switchboard:switchboard@127.0.0.1:5432/switchboard'
const TEMPLATE_LOCK = 0x5b_7e_57

function withDb(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(pgPoolConfig(TEST_DATABASE_URL))
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

async function ensureTemplate(): Promise<string> {
  const hash = createHash('sha256').update(listMigrations().map((m) => m.name + m.checksum).join()).digest('hex').slice(0, 12)
  const name = `sb_tpl_${hash}`
  await admin(async (c) => {
    await c.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK])
    try {
      const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
      if (exists.rowCount) return
      await c.query(`CREATE DATABASE ${name}`)
      const t = new pg.Client(pgPoolConfig(withDb(TEST_DATABASE_URL, name)))
      await t.connect()
      try {
        await applyMigrations(pgExecutor(t))
      } finally {
        await t.end()
      }
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK])
    }
  })
  return name
}

export interface TestDatabase {
  url: string
  name: string
  drop(): Promise<void>
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const template = await ensureTemplate()
  const name = `sb_t_${randomBytes(6).toString('hex')}`
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`))
  return {
    url: withDb(TEST_DATABASE_URL, name),
    name,
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  }
}
