// With no DATABASE_URL the control plane runs on PGlite in DATA_DIR: same schema, same migrations,
// recorded in Prisma's own _prisma_migrations table.
import t from 'tap'
import { buildTestApp } from '../support/app.ts'
import { listMigrations } from '../../src/db/migrate.ts'

const h = await buildTestApp({ db: 'pglite' })
t.teardown(h.close)

t.test('migrations are applied and recorded with Prisma checksums', async (t) => {
  t.equal(h.database.kind, 'pglite')
  const rows = await h.database.prisma.$queryRawUnsafe<Array<{ migration_name: string; checksum: string }>>('SELECT migration_name, checksum FROM _prisma_migrations ORDER BY migration_name')
  t.same(rows.map((r) => [r.migration_name, r.checksum]), listMigrations().map((m) => [m.name, m.checksum]))
})

t.test('the API works on the embedded database, audit included', async (t) => {
  const r = await h.app.inject({ method: 'POST', url: '/api/v1/domains', headers: h.auth(), payload: { name: 'embedded.example' } })
  t.equal(r.statusCode, 201, r.body)
  t.equal(await h.database.prisma.auditEntry.count({ where: { entityId: r.json().id } }), 1)
  const ready = await h.app.inject({ url: '/health/ready' })
  t.equal(ready.statusCode, 200)
  t.equal(ready.json().database, 'pglite')
})
