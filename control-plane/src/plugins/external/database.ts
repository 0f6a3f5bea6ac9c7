import fp from 'fastify-plugin'
import { openDatabase, type Database } from '../../db/database.ts'

declare module 'fastify' {
  interface FastifyInstance {
    database: Database
  }
}

export interface DatabasePluginOptions {
  /** An already open database (tests, CLI); otherwise it is opened from the config. */
  database?: Database
}

export default fp<DatabasePluginOptions>(
  async (app, opts) => {
    const owned = !opts.database
    const database = opts.database ?? (await openDatabase({ databaseUrl: app.config.databaseUrl, dataDir: app.config.dataDir }))
    app.decorate('database', database)
    app.log.info({ kind: database.kind }, 'database open')
    if (owned) app.addHook('onClose', () => database.close())
  },
  { name: 'database', dependencies: ['config'] },
)
