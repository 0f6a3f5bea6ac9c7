import t from 'tap'
import { randomUUID } from 'node:crypto'
import { buildTestApp } from '../support/app.ts'
import { api, expectError } from '../support/provisioning.ts'

const h = await buildTestApp()
t.teardown(h.close)
const fx = api(h)
const prisma = h.database.prisma
const dom = await fx.domain('sos.example')
const emTrunk = await fx.trunk(dom.id, 'psap', { isEmergency: true })
const plainTrunk = await fx.trunk(dom.id, 'cheap')

t.test('CRUD', async (t) => {
  const c = await fx.call('POST', '/emergency-numbers', { domainId: dom.id, number: '112', trunkId: emTrunk.id, description: 'EU' })
  t.equal(c.status, 201, JSON.stringify(c.body))
  expectError(t, await fx.call('PATCH', `/emergency-numbers/${c.body.id}`, { number: '15' }, { 'if-match': `"${c.body.id}.v2"` }), 412, 'version_mismatch')
  const p = await fx.call('PATCH', `/emergency-numbers/${c.body.id}`, { number: '15' }, { 'if-match': c.headers.etag as string })
  t.equal(p.body.number, '15')
  t.same((await fx.call('GET', `/emergency-numbers?domainId=${dom.id}`)).body.items.map((e: { number: string }) => e.number), ['15'])
  t.equal((await fx.call('DELETE', `/emergency-numbers/${c.body.id}`)).status, 204)
  expectError(t, await fx.call('GET', `/emergency-numbers/${c.body.id}`), 404, 'emergency_number_not_found')
})

t.test('bad input: stable codes, nothing written', async (t) => {
  await fx.user(dom.id, '911')
  const other = await fx.domain()
  const foreign = await fx.trunk(other.id, 'psap', { isEmergency: true })
  const before = await prisma.emergencyNumber.count()
  const cases: Array<[object, number, string]> = [
    [{ domainId: dom.id, number: '17', trunkId: plainTrunk.id }, 422, 'not_an_emergency_trunk'],
    [{ domainId: dom.id, number: '17', trunkId: randomUUID() }, 422, 'trunk_not_found'],
    [{ domainId: dom.id, number: '17', trunkId: foreign.id }, 422, 'trunk_not_found'],
    [{ domainId: dom.id, number: '1', trunkId: emTrunk.id }, 422, 'invalid_emergency_number'],
    [{ domainId: dom.id, number: '1234567', trunkId: emTrunk.id }, 422, 'invalid_emergency_number'],
    [{ domainId: dom.id, number: '911', trunkId: emTrunk.id }, 409, 'extension_taken'],
    [{ domainId: dom.id, number: '17' }, 400, 'invalid_request'],
  ]
  for (const [payload, status, code] of cases) expectError(t, await fx.call('POST', '/emergency-numbers', payload), status, code, JSON.stringify(payload))
  t.equal(await prisma.emergencyNumber.count(), before)
})

t.test('duplicates; an emergency code cannot become an extension', async (t) => {
  await fx.create('emergency-numbers', { domainId: dom.id, number: '18', trunkId: emTrunk.id })
  expectError(t, await fx.call('POST', '/emergency-numbers', { domainId: dom.id, number: '18', trunkId: emTrunk.id }), 409, 'emergency_number_exists')
  expectError(t, await fx.call('POST', '/users', { domainId: dom.id, extension: '18', password: 'long-enough-secret' }), 409, 'extension_taken')
})
