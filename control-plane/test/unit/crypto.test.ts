import t from 'tap'
import { randomBytes } from 'node:crypto'
import { decrypt, encrypt, needsRotation, type KeyRing } from '../../src/lib/crypto.ts'

const k1 = { id: 'k1', key: randomBytes(32) }
const k2 = { id: 'k2', key: randomBytes(32) }
const ring: KeyRing = { active: k1, all: [k1] }

t.test('round trip, and a fresh IV every time', async (t) => {
  const a = encrypt('s3cret-trunk-pass', ring)
  const b = encrypt('s3cret-trunk-pass', ring)
  t.equal(a.keyId, 'k1')
  t.not(a.ciphertext, b.ciphertext)
  t.equal(decrypt(a.ciphertext, a.keyId, ring), 's3cret-trunk-pass')
  t.equal(decrypt(encrypt('', ring).ciphertext, 'k1', ring), '')
  t.equal(decrypt(encrypt('pässwörd ✓', ring).ciphertext, 'k1', ring), 'pässwörd ✓')
})

t.test('tampering is detected', async (t) => {
  const { ciphertext } = encrypt('secret', ring)
  const raw = Buffer.from(ciphertext, 'base64')
  raw[raw.length - 1] ^= 1
  t.throws(() => decrypt(raw.toString('base64'), 'k1', ring), { name: 'CryptoError', code: 'tampered' })
  const tag = Buffer.from(ciphertext, 'base64')
  tag[14] ^= 0x80
  t.throws(() => decrypt(tag.toString('base64'), 'k1', ring), { name: 'CryptoError', code: 'tampered' })
  t.throws(() => decrypt('AAAA', 'k1', ring), { name: 'CryptoError', code: 'malformed' })
})

t.test('associated data binds the ciphertext to its row', async (t) => {
  const { ciphertext } = encrypt('secret', ring, 'trunk:1')
  t.equal(decrypt(ciphertext, 'k1', ring, 'trunk:1'), 'secret')
  t.throws(() => decrypt(ciphertext, 'k1', ring, 'trunk:2'), { name: 'CryptoError', code: 'tampered' })
})

t.test('an unknown key id is refused', async (t) => {
  const { ciphertext } = encrypt('secret', ring)
  t.throws(() => decrypt(ciphertext, 'nope', ring), { name: 'CryptoError', code: 'unknown_key' })
})

t.test('rotation: old rows open with the old key, new writes use the active one', async (t) => {
  const old = encrypt('old-secret', { active: k1, all: [k1] })
  const rotated: KeyRing = { active: k2, all: [k1, k2] }
  t.equal(decrypt(old.ciphertext, old.keyId, rotated), 'old-secret')
  t.ok(needsRotation(old.keyId, rotated))
  const fresh = encrypt('new-secret', rotated)
  t.equal(fresh.keyId, 'k2')
  t.notOk(needsRotation(fresh.keyId, rotated))
  t.equal(decrypt(fresh.ciphertext, fresh.keyId, rotated), 'new-secret')
  // sealed with k1 but labelled k2: authentication fails rather than returning garbage
  t.throws(() => decrypt(old.ciphertext, 'k2', rotated), { name: 'CryptoError', code: 'tampered' })
})
