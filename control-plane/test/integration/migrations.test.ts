import t from 'tap'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import pg from 'pg'
import { applyMigrations, MIGRATIONS_DIR } from '../../src/db/migrate.ts'
import { pgExecutor } from '../../src/db/executors.ts'
import { pgPoolConfig } from '../../src/db/database.ts'
import { createTestDatabase } from '../support/postgres.ts'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '../../..')

t.test('the runner is idempotent and refuses an edited migration', async (t) => {
  const db = await createTestDatabase()
  t.teardown(db.drop)
  const client = new pg.Client(pgPoolConfig(db.url))
  await client.connect()
  t.teardown(() => client.end())
  t.same(await applyMigrations(pgExecutor(client)), [], 'the template already holds every migration')

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-mig-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true })
  fs.mkdirSync(path.join(dir, '29990101000000_extra'))
  fs.writeFileSync(path.join(dir, '29990101000000_extra', 'migration.sql'), 'CREATE TABLE extra_probe (id int);')
  t.same(await applyMigrations(pgExecutor(client), dir), ['29990101000000_extra'])
  t.same(await applyMigrations(pgExecutor(client), dir), [], 'nothing to do the second time')

  fs.writeFileSync(path.join(dir, '29990101000000_extra', 'migration.sql'), 'CREATE TABLE extra_probe (id bigint);')
  await t.rejects(applyMigrations(pgExecutor(client), dir), /was modified after it was applied/)

  fs.mkdirSync(path.join(dir, '29990102000000_broken'))
  fs.writeFileSync(path.join(dir, '29990102000000_broken', 'migration.sql'), 'CREATE TABLE ok_part (id int); SELEC broken;')
  fs.writeFileSync(path.join(dir, '29990101000000_extra', 'migration.sql'), 'CREATE TABLE extra_probe (id int);')
  await t.rejects(applyMigrations(pgExecutor(client), dir), /syntax error/)
  const { rowCount } = await client.query("SELECT 1 FROM pg_tables WHERE tablename = 'ok_part'")
  t.equal(rowCount, 0, 'a failed migration leaves nothing behind')
})

t.test('schema.prisma and the migrations do not drift, and a drift is caught', async (t) => {
  const ok = await run('node', ['scripts/db/schema-engine.mjs', 'check-drift'], { cwd: root })
  t.match(ok.stdout, /no drift/)

  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-drift-'))
  t.teardown(() => fs.rmSync(copy, { recursive: true, force: true }))
  fs.cpSync(path.join(root, 'prisma'), path.join(copy, 'prisma'), { recursive: true })
  const schema = path.join(copy, 'prisma', 'schema.prisma')
  fs.writeFileSync(schema, fs.readFileSync(schema, 'utf8').replace('  description       String?\n', '  description       String?\n  probe             Int?\n'))
  const drifted = await run('node', [path.join(root, 'scripts/db/schema-engine.mjs'), 'check-drift'], { cwd: copy }).then(() => undefined, (e: { code: number; stderr: string }) => e)
  t.ok(drifted, 'check-drift exits non-zero')
  t.match(drifted?.stderr, /"probe" INTEGER/)
})
