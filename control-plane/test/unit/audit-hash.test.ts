import t from 'tap'
import { canonicalJson, entryHash, GENESIS_HASH, maskSecrets } from '../../src/modules/audit/audit.ts'

t.test('canonical JSON sorts keys at every depth and drops undefined', async (t) => {
  t.equal(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } }), '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}')
  t.equal(canonicalJson(null), 'null')
  t.equal(canonicalJson(new Date(0)), '"1970-01-01T00:00:00.000Z"')
})

t.test('secrets are masked but their change stays visible', async (t) => {
  t.same(maskSecrets({ extension: '1001', ha1: 'abc', nested: [{ secretCiphertext: 'zz', port: 5060 }], password: null }), {
    extension: '1001', ha1: '[secret]', nested: [{ secretCiphertext: '[secret]', port: 5060 }], password: null,
  })
  t.equal(maskSecrets(5n), '5')
})

t.test('the hash covers the previous hash and every field', async (t) => {
  const f = { at: new Date(0), actorType: 'system', actorId: null, actorRole: null, ip: null, action: 'user.created', entityType: 'user', entityId: '1', domainId: null, before: null, after: { a: 1 }, requestId: null, traceId: null }
  const h = entryHash(GENESIS_HASH, f)
  t.match(h, /^[0-9a-f]{64}$/)
  t.equal(entryHash(GENESIS_HASH, { ...f }), h, 'deterministic')
  t.not(entryHash('1'.repeat(64), f), h)
  t.not(entryHash(GENESIS_HASH, { ...f, after: { a: 2 } }), h)
  t.not(entryHash(GENESIS_HASH, { ...f, actorId: 'x' }), h)
})
