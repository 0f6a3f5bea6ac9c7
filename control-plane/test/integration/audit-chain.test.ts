import t from 'tap'
import { buildTestApp } from '../support/app.ts'
import { verifyAuditChain } from '../../src/modules/audit/audit.ts'

const h = await buildTestApp()
t.teardown(h.close)

t.test('the chain verifies, and editing or deleting a row breaks it', async (t) => {
  for (const name of ['a.example', 'b.example', 'c.example']) {
    const r = await h.app.inject({ method: 'POST', url: '/api/v1/domains', headers: h.auth(), payload: { name } })
    t.equal(r.statusCode, 201)
  }
  const prisma = h.database.prisma
  t.match(await verifyAuditChain(prisma), { ok: true, checked: await prisma.auditEntry.count() })

  const rows = await prisma.auditEntry.findMany({ orderBy: { id: 'asc' } })
  t.equal(rows[1].prevHash, rows[0].hash, 'each entry links to the previous one')
  await prisma.$executeRawUnsafe(`UPDATE audit_entries SET "actorId" = 'mallory' WHERE id = ${rows[1].id}`)
  t.match(await verifyAuditChain(prisma), { ok: false, firstBrokenId: rows[1].id.toString(), reason: /modified/ })

  await prisma.$executeRawUnsafe(`DELETE FROM audit_entries WHERE id = ${rows[1].id}`)
  t.match(await verifyAuditChain(prisma), { ok: false, firstBrokenId: rows[2].id.toString(), reason: /removed/ })
})
