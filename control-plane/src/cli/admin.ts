// Commands that need the database directly: migrations and machine keys. With the embedded
// database, run them while the control plane is stopped (PGlite is one process per data dir).
import { parseArgs } from 'node:util'
import { loadConfig } from '../config/config.ts'
import { openDatabase } from '../db/database.ts'
import { createApiKey } from '../modules/auth/api-keys.ts'
import { Role } from '../generated/prisma/enums.ts'

export async function migrateCommand(): Promise<number> {
  const config = loadConfig()
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrate: true })
  await db.close()
  process.stdout.write(`migrations applied (${db.kind})\n`)
  return 0
}

export async function apiKeyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { name: { type: 'string' }, role: { type: 'string', default: 'ADMIN' }, domain: { type: 'string' }, 'expires-days': { type: 'string' } } })
  if (positionals[0] !== 'create' || !values.name) {
    process.stderr.write('usage: switchboard api-key create --name <name> [--role ADMIN|OPERATOR|AUDITOR|AGENT] [--domain <domainId>] [--expires-days N]\n')
    return 2
  }
  const role = values.role?.toUpperCase() as Role
  if (!(role in Role)) {
    process.stderr.write(`unknown role "${values.role}"\n`)
    return 2
  }
  const config = loadConfig()
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    const days = values['expires-days'] ? Number(values['expires-days']) : undefined
    const { key, prefix } = await createApiKey(db.prisma, { name: values.name, role, domainId: values.domain ?? null, expiresAt: days ? new Date(Date.now() + days * 86400_000) : null })
    process.stdout.write(`${key}\n`)
    process.stderr.write(`API key ${prefix} (${role}) created; it is shown once, store it now\n`)
    return 0
  } finally {
    await db.close()
  }
}
