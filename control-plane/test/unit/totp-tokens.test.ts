import t from 'tap'
import { base32Decode, base32Encode, hotp, matchRecoveryCode, newRecoveryCodes, verifyTotp } from '../../src/modules/auth/totp.ts'
import { signAccessToken, verifyAccessToken } from '../../src/modules/auth/tokens.ts'

// RFC 6238 Appendix B (SHA-1 seed "12345678901234567890"), last 6 of the 8 digits
const SEED = base32Encode(Buffer.from('12345678901234567890'))
t.test('RFC 6238 test vectors', async (t) => {
  const vectors: Array<[number, string]> = [[59, '287082'], [1111111109, '081804'], [1111111111, '050471'], [1234567890, '005924'], [2000000000, '279037']]
  for (const [time, code] of vectors) t.equal(hotp(SEED, Math.floor(time / 30)), code, `T=${time}`)
  t.same(base32Decode(SEED), Buffer.from('12345678901234567890'))
})

t.test('verify: ±1 step of drift, no replay of an accepted step, junk refused', async (t) => {
  const now = 1111111111_000
  const step = Math.floor(now / 30_000)
  t.equal(verifyTotp(SEED, hotp(SEED, step - 1), now, null), step - 1)
  t.equal(verifyTotp(SEED, hotp(SEED, step + 1), now, null), step + 1)
  t.equal(verifyTotp(SEED, hotp(SEED, step + 2), now, null), undefined)
  t.equal(verifyTotp(SEED, hotp(SEED, step), now, step), undefined, 'the same step twice')
  t.equal(verifyTotp(SEED, '12345', now, null), undefined)
  t.equal(verifyTotp(SEED, 'abcdef', now, null), undefined)
})

t.test('recovery codes are single strings matched without case or dashes', async (t) => {
  const { codes, hashes } = newRecoveryCodes()
  t.equal(new Set(codes).size, 10)
  t.match(codes[0], /^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/)
  t.equal(matchRecoveryCode(hashes, codes[3].toLowerCase().replace(/-/g, '')), 3)
  t.equal(matchRecoveryCode(hashes, 'AAAA-AAAA-AAAA-AAAA'), -1)
  t.notOk(hashes.some((h) => codes.includes(h)))
})

t.test('access tokens: signature, expiry, shape', async (t) => {
  const key = Buffer.alloc(32, 9)
  const tok = signAccessToken({ sub: 'a', sid: 's', role: 'ADMIN', exp: 2000 }, key)
  t.match(verifyAccessToken(tok, key, 1_999_000), { sub: 'a', sid: 's' })
  t.equal(verifyAccessToken(tok, key, 2_000_000), undefined, 'expired')
  t.equal(verifyAccessToken(tok, Buffer.alloc(32, 8), 1_000), undefined, 'other key')
  t.equal(verifyAccessToken(tok.slice(0, -2) + 'AA', key, 1_000), undefined, 'bad signature')
  t.equal(verifyAccessToken('sba_%%%.x', key, 1_000), undefined)
})
