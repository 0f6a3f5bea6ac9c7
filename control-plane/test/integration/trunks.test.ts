import t from 'tap'
import { randomUUID } from 'node:crypto'
import { buildTestApp } from '../support/app.ts'
import { api, expectError, hasSecretKeys } from '../support/provisioning.ts'
import { decrypt } from '../../src/lib/crypto.ts'

const h = await buildTestApp()
t.teardown(h.close)
const fx = api(h)
const prisma = h.database.prisma
const dom = await fx.domain('trunks.example')

t.test('CRUD; the secret is sealed at rest and never returned', async (t) => {
  const c = await fx.call('POST', '/trunks', { domainId: dom.id, name: 'carrier-a', host: 'sip.carrier-a.example', transport: 'TLS', port: 5061, authMode: 'CREDENTIALS', username: 'acct42', secret: 'carrier-pass-123', failoverCodes: [408, 486, 503], techPrefix: '*31#', codecs: ['PCMA'] })
  t.equal(c.status, 201, JSON.stringify(c.body))
  t.equal(c.body.hasSecret, true)
  t.notOk(hasSecretKeys(c.body), 'no secret in the response')
  const row = await prisma.trunk.findUniqueOrThrow({ where: { id: c.body.id } })
  t.not(row.secretCiphertext, 'carrier-pass-123')
  t.equal(row.secretKeyId, 'test1')
  t.equal(decrypt(row.secretCiphertext!, row.secretKeyId!, h.config.encryption), 'carrier-pass-123')

  const list = await fx.call('GET', `/trunks?domainId=${dom.id}`)
  t.equal(list.body.total, 1)
  t.notOk(hasSecretKeys(list.body))
  expectError(t, await fx.call('PATCH', `/trunks/${c.body.id}`, { weight: 5 }, { 'if-match': `"${c.body.id}.v4"` }), 412, 'version_mismatch')
  const p = await fx.call('PATCH', `/trunks/${c.body.id}`, { secret: 'rotated-pass-456', weight: 5 }, { 'if-match': c.headers.etag as string })
  t.equal(p.status, 200)
  t.equal(p.body.weight, 5)
  const row2 = await prisma.trunk.findUniqueOrThrow({ where: { id: c.body.id } })
  t.equal(decrypt(row2.secretCiphertext!, row2.secretKeyId!, h.config.encryption), 'rotated-pass-456')
  const audit = await prisma.auditEntry.findMany({ where: { entityId: c.body.id } })
  t.notOk(JSON.stringify(audit.map((a) => [a.before, a.after])).includes(row2.secretCiphertext!), 'the journal masks the ciphertext')

  const ip = await fx.call('PATCH', `/trunks/${c.body.id}`, { authMode: 'IP', inboundIps: ['198.51.100.7'] })
  t.equal(ip.status, 200, JSON.stringify(ip.body))
  t.equal(ip.body.hasSecret, false, 'switching to IP forgets the secret')
  t.equal(await prisma.trunk.count({ where: { secretCiphertext: { not: null } } }), 0)

  t.equal((await fx.call('DELETE', `/trunks/${c.body.id}`)).status, 204)
  expectError(t, await fx.call('GET', `/trunks/${c.body.id}`), 404, 'trunk_not_found')
})

t.test('bad input: stable codes, nothing written', async (t) => {
  const before = await prisma.trunk.count()
  const base = { domainId: dom.id, name: 'bad', host: 'sip.example.net', authMode: 'IP', inboundIps: ['192.0.2.1'] }
  const cases: Array<[object, number, string]> = [
    [{ ...base, host: 'not a host!' }, 422, 'invalid_host'],
    [{ ...base, inboundIps: [] }, 422, 'inbound_ips_required'],
    [{ ...base, inboundIps: ['192.0.2.300'] }, 422, 'invalid_ip'],
    [{ ...base, inboundIps: ['2001:db8::1'] }, 422, 'invalid_ip'],
    [{ ...base, authMode: 'CREDENTIALS', username: 'u' }, 422, 'credentials_required'],
    [{ ...base, authMode: 'CREDENTIALS', secret: 'x-secret-1' }, 422, 'credentials_required'],
    [{ ...base, failoverCodes: [503, 487] }, 422, 'invalid_failover_code'],
    [{ ...base, failoverCodes: [302] }, 422, 'invalid_failover_code'],
    [{ ...base, failoverCodes: [700] }, 422, 'invalid_failover_code'],
    [{ ...base, techPrefix: '12a' }, 422, 'invalid_tech_prefix'],
    [{ ...base, codecs: ['GSM'] }, 422, 'unknown_codec'],
    [{ ...base, weight: 0 }, 400, 'invalid_request'],
    [{ ...base, port: 70000 }, 400, 'invalid_request'],
    [{ ...base, secretCiphertext: 'x' }, 400, 'invalid_request'],
  ]
  for (const [payload, status, code] of cases) expectError(t, await fx.call('POST', '/trunks', payload), status, code, JSON.stringify(payload))
  t.equal(await prisma.trunk.count(), before)
})

t.test('duplicates, unknown ids, and a trunk still in use', async (t) => {
  const tr = await fx.trunk(dom.id, 'dup')
  expectError(t, await fx.call('POST', '/trunks', { domainId: dom.id, name: 'dup', host: 'h.example', inboundIps: ['192.0.2.2'] }), 409, 'trunk_exists')
  expectError(t, await fx.call('PATCH', `/trunks/${randomUUID()}`, { weight: 2 }), 404, 'trunk_not_found')
  expectError(t, await fx.call('DELETE', `/trunks/${randomUUID()}`), 404, 'trunk_not_found')
  await fx.create('dialplans', { domainId: dom.id, name: 'FR', rules: [{ name: 'national', pattern: '0[1-9][0-9]{8}', trunkIds: [tr.id] }] })
  const r = await fx.call('DELETE', `/trunks/${tr.id}`)
  expectError(t, r, 409, 'trunk_in_use')
  t.match(r.body.error.message, /dial plan "FR" rule 10 \(national\)/)

  const em = await fx.trunk(dom.id, 'em', { isEmergency: true })
  await fx.create('emergency-numbers', { domainId: dom.id, number: '112', trunkId: em.id })
  expectError(t, await fx.call('PATCH', `/trunks/${em.id}`, { isEmergency: false }), 409, 'trunk_in_use')
  expectError(t, await fx.call('DELETE', `/trunks/${em.id}`), 409, 'trunk_in_use')
})
