// Opens the database the config asks for: PostgreSQL when DATABASE_URL is set, otherwise the
// embedded PGlite in DATA_DIR (one process per data directory). Migrations run at open, so an
// instance never serves on a schema older than its code.
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient } from '../generated/prisma/client.ts'
import { applyMigrations } from './migrate.ts'
import { pgExecutor, pgliteExecutor } from './executors.ts'

export type Db = PrismaClient

export interface Database {
  prisma: PrismaClient
  kind: 'postgres' | 'pglite'
  ping(): Promise<void>
  close(): Promise<void>
}

export interface OpenOptions {
  databaseUrl?: string
  dataDir: string
  migrate?: boolean
}

/** node-postgres wants discrete fields: with a connectionString, Prisma's shadow-DB helper would reuse the real database. */
export function pgPoolConfig(databaseUrl: string): pg.PoolConfig {
  const u = new URL(databaseUrl)
  return {
    host: decodeURIComponent(u.hostname),
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username) || undefined,
    password: decodeURIComponent(u.password) || undefined,
    database: decodeURIComponent(u.pathname.slice(1)) || undefined,
    max: Number(u.searchParams.get('connection_limit') ?? 10),
    connectionTimeoutMillis: 5000,
  }
}

async function openPostgres(databaseUrl: string, migrate: boolean): Promise<Database> {
  const config = pgPoolConfig(databaseUrl)
  if (migrate) {
    const client = new pg.Client(config)
    await client.connect()
    try {
      await applyMigrations(pgExecutor(client))
    } finally {
      await client.end()
    }
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(config) })
  return {
    prisma,
    kind: 'postgres',
    ping: async () => {
      await prisma.$queryRawUnsafe('SELECT 1')
    },
    close: () => prisma.$disconnect(),
  }
}

async function openPglite(dataDir: string, migrate: boolean): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { PrismaPGlite } = await import('pglite-prisma-adapter')
  const dir = path.join(dataDir, 'pglite')
  fs.mkdirSync(dir, { recursive: true })
  const db = await PGlite.create(dir)
  if (migrate) await applyMigrations(pgliteExecutor(db))
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) })
  return {
    prisma,
    kind: 'pglite',
    ping: async () => {
      await db.query('SELECT 1')
    },
    close: async () => {
      await prisma.$disconnect()
      await db.close()
    },
  }
}

export function openDatabase(opts: OpenOptions): Promise<Database> {
  const migrate = opts.migrate ?? true
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, migrate) : openPglite(opts.dataDir, migrate)
}
