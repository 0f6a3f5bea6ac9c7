// First boot of a new installation: nobody holds a key yet, so none could create one through the
// API. When BOOTSTRAP_ADMIN_KEY_FILE is set and no API key exists, one ADMIN key is created and
// written to that file (mode 0600) for the operator to pick up. Never when any key exists.
import fs from 'node:fs'
import path from 'node:path'
import type { PrismaClient } from '../../generated/prisma/client.ts'
import { createApiKey } from './api-keys.ts'

export async function bootstrapAdminKey(prisma: PrismaClient, file: string): Promise<string | undefined> {
  if ((await prisma.apiKey.count()) > 0) return undefined
  const { key, prefix } = await createApiKey(prisma, { name: 'bootstrap-admin', role: 'ADMIN' })
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 })
  return prefix
}
