// Builds the real app against a real database (a throw-away PostgreSQL database by default, or
// embedded PGlite) and hands out API keys per role. Tests call inject() on it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { DestinationStream } from 'pino'
import { buildApp } from '../../src/app.ts'
import { loadConfig, type Config } from '../../src/config/config.ts'
import { openDatabase, type Database } from '../../src/db/database.ts'
import { createApiKey } from '../../src/modules/auth/api-keys.ts'
import type { SharedState } from '../../src/shared-state/shared-state.ts'
import type { Role } from '../../src/generated/prisma/enums.ts'
import { createTestDatabase } from './postgres.ts'

export interface TestApp {
  app: FastifyInstance
  database: Database
  config: Config
  keys: Record<Role, string>
  keyFor(role: Role, domainId?: string): Promise<string>
  auth(role?: Role): { authorization: string }
  close(): Promise<void>
}

export async function buildTestApp(opts: { db?: 'postgres' | 'pglite'; env?: Record<string, string>; state?: SharedState; logDestination?: DestinationStream } = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-test-'))
  // env.DATABASE_URL: join a database someone else owns (a second instance on the same PostgreSQL);
  // it is not dropped on close
  const testDb = opts.db === 'pglite' || opts.env?.DATABASE_URL ? undefined : await createTestDatabase()
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    ENCRYPTION_KEYS: 'test1:' + Buffer.alloc(32, 7).toString('base64'),
    CP_JSONRPC_ENABLED: 'false',
    KAMAILIO_RPC_URL: 'http://127.0.0.1:1/RPC',
    RTPENGINE_NG: '127.0.0.1:9',
    ...(testDb ? { DATABASE_URL: testDb.url } : {}),
    ...opts.env,
  })
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir })
  const app = await buildApp({ config, database, state: opts.state, logger: false, logDestination: opts.logDestination })
  await app.ready()
  const keyFor = async (role: Role, domainId?: string) => (await createApiKey(database.prisma, { name: `test-${role}`, role, domainId })).key
  const keys = {} as Record<Role, string>
  for (const role of ['ADMIN', 'OPERATOR', 'AUDITOR', 'AGENT'] as Role[]) keys[role] = await keyFor(role)
  return {
    app,
    database,
    config,
    keys,
    keyFor,
    auth: (role: Role = 'ADMIN') => ({ authorization: `Bearer ${keys[role]}` }),
    close: async () => {
      await app.close()
      await database.close()
      await testDb?.drop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
