// Runner only: load config (fail fast, one line), build the app, listen, shut down gracefully.
import './runtime-flags.ts'
import { loadConfig, ConfigError } from './config/config.ts'
import { buildApp } from './app.ts'
import { bootstrapAdminKey } from './modules/auth/bootstrap.ts'

async function main() {
  let config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`switchboard: configuration error: ${err.message}\n`)
      process.exit(78) // EX_CONFIG
    }
    throw err
  }
  const app = await buildApp({ config })
  const keyFile = process.env.BOOTSTRAP_ADMIN_KEY_FILE
  if (keyFile) {
    const prefix = await bootstrapAdminKey(app.database.prisma, keyFile)
    if (prefix) app.log.warn({ prefix, file: keyFile }, 'first boot: bootstrap ADMIN API key written; rotate it once you have created your own')
  }
  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), 10_000).unref()
    await app.close()
    clearTimeout(force)
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
  await app.listen({ host: config.http.host, port: config.http.port })
}

main().catch((err) => {
  process.stderr.write(`switchboard: failed to start: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
