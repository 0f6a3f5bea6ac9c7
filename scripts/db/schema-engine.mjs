#!/usr/bin/env node
// Offline stand-in for `prisma migrate dev --create-only` and a drift check. The Prisma CLI cannot
// download its native schema engine here, so we drive the wasm build shipped on npm
// (@prisma/schema-engine-wasm, pinned to the engines version of our prisma) against a throw-away
// in-memory PGlite. No PostgreSQL server is needed to author or check migrations.
//
//   node scripts/db/schema-engine.mjs create <name>   write prisma/migrations/<ts>_<name>/migration.sql
//   node scripts/db/schema-engine.mjs check-drift     exit 1 if schema.prisma and the migrations differ
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils'
import { PGlite } from '@electric-sql/pglite'
import { PrismaPGlite } from 'pglite-prisma-adapter'

const require = createRequire(import.meta.url)
const [command, name] = process.argv.slice(2)
const schemaPath = path.resolve('prisma/schema.prisma')
const migrationsDir = path.resolve('prisma/migrations')

async function loadSchemaEngine() {
  const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'))
  const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg')
  const wasm = new WebAssembly.Module(fs.readFileSync(path.join(dir, 'schema_engine_bg.wasm')))
  const instance = new WebAssembly.Instance(wasm, { './schema_engine_bg.js': glue })
  glue.__wbg_set_wasm(instance.exports)
  instance.exports.__wbindgen_start()
  return glue.SchemaEngine
}

function migrationsList() {
  fs.mkdirSync(migrationsDir, { recursive: true })
  const lockPath = path.join(migrationsDir, 'migration_lock.toml')
  const dirs = fs.readdirSync(migrationsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((d) => ({
      path: d,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: fs.readFileSync(path.join(migrationsDir, d, 'migration.sql'), 'utf8') } },
    })),
  }
}

const filters = { externalTables: [], externalEnums: [] }
const files = [{ path: schemaPath, content: fs.readFileSync(schemaPath, 'utf8') }]
const SchemaEngine = await loadSchemaEngine()
const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(new PGlite('memory://scratch')))
const engine = await SchemaEngine.new({ datamodels: files.map((f) => [f.path, f.content]) }, (log) => process.env.DEBUG && console.error(log), adapter)

if (command === 'create') {
  if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error('usage: create <snake_case_name>')
  await engine.applyMigrations({ migrationsList: migrationsList(), filters })
  const diagnostic = await engine.devDiagnostic({ migrationsList: migrationsList(), filters })
  if (diagnostic.action.tag !== 'createMigration') throw new Error('schema engine refuses: ' + JSON.stringify(diagnostic.action))
  const out = await engine.createMigration({ draft: true, migrationName: name, migrationsList: migrationsList(), schema: { files }, filters })
  const dir = path.join(migrationsDir, out.generatedMigrationName)
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, `migration.${out.extension}`), out.migrationScript ?? '')
  fs.writeFileSync(path.join(migrationsDir, 'migration_lock.toml'), `provider = "${out.connectorType}"\n`)
  console.log('created', path.relative(process.cwd(), dir))
} else if (command === 'check-drift') {
  const out = await engine.diff({ from: { tag: 'migrations', ...migrationsList() }, to: { tag: 'schemaDatamodel', files }, script: true, exitCode: null, filters })
  const sql = out.stdout.trim()
  if (sql && !/^-- This is an empty migration\.?$/.test(sql)) {
    console.error('schema.prisma and prisma/migrations have drifted; the missing migration would be:\n' + sql)
    process.exit(1)
  }
  console.log('no drift between schema.prisma and prisma/migrations')
} else {
  console.error('usage: schema-engine.mjs create <name> | check-drift')
  process.exit(2)
}
engine.free?.()
process.exit(0)
