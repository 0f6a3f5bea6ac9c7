// TOTP (RFC 6238) over HOTP (RFC 4226): HMAC-SHA1, 6 digits, 30-second steps, the codes of the
// previous and next step accepted for clock drift (RFC 6238 §5.2). The caller stores the accepted
// step so a code cannot be replayed. Recovery codes: 80 random bits each, stored as sha256 (their
// entropy makes a slow hash unnecessary), each usable once.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
export const STEP_SECONDS = 30
const DIGITS = 6

export function base32Encode(buf: Buffer): string {
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of buf) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31]
  return out
}

export function base32Decode(s: string): Buffer {
  const clean = s.replace(/=+$/, '').toUpperCase()
  let bits = 0
  let value = 0
  const out: number[] = []
  for (const ch of clean) {
    const idx = B32.indexOf(ch)
    if (idx < 0) throw new Error('not base32')
    value = (value << 5) | idx
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/** A new shared secret: 160 bits, the HMAC-SHA1 block-friendly size RFC 4226 §4 recommends. */
export const newTotpSecret = () => base32Encode(randomBytes(20))

export function hotp(secretB32: string, counter: number): string {
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', base32Decode(secretB32)).update(msg).digest()
  const offset = mac[mac.length - 1] & 0xf // dynamic truncation, RFC 4226 §5.3
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** DIGITS
  return code.toString().padStart(DIGITS, '0')
}

export const stepAt = (ms: number) => Math.floor(ms / 1000 / STEP_SECONDS)

/** The accepted step, or undefined. Steps at or before `lastStep` are refused (replay). */
export function verifyTotp(secretB32: string, code: string, nowMs: number, lastStep: number | null): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined
  const now = stepAt(nowMs)
  for (const step of [now, now - 1, now + 1]) {
    if (lastStep !== null && step <= lastStep) continue
    const expected = Buffer.from(hotp(secretB32, step))
    if (timingSafeEqual(expected, Buffer.from(code))) return step
  }
  return undefined
}

export function otpauthUri(issuer: string, account: string, secretB32: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`
  const q = new URLSearchParams({ secret: secretB32, issuer, algorithm: 'SHA1', digits: String(DIGITS), period: String(STEP_SECONDS) })
  return `otpauth://totp/${label}?${q.toString()}`
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
const normaliseRecovery = (code: string) => code.replace(/[\s-]/g, '').toUpperCase()

/** Ten codes like ABCD-EFGH-IJKL-MNOP, and the hashes to store. */
export function newRecoveryCodes(n = 10): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: n }, () => base32Encode(randomBytes(10)).match(/.{4}/g)!.join('-'))
  return { codes, hashes: codes.map((c) => sha256(normaliseRecovery(c))) }
}

/** Index of the matching stored hash, or -1. */
export function matchRecoveryCode(hashes: string[], code: string): number {
  const h = sha256(normaliseRecovery(code))
  return hashes.findIndex((x) => x.length === h.length && timingSafeEqual(Buffer.from(x), Buffer.from(h)))
}
