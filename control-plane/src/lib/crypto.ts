// Secrets at rest (trunk passwords, TOTP seeds): AES-256-GCM with a fresh 96-bit IV per message
// (NIST SP 800-38D §8.2). The stored form is base64(iv | tag | data) plus the id of the key that
// sealed it, so keys can be rotated: new writes use the active key, old rows still open with the
// key named beside them until they are rewritten.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { EncryptionKey } from '../config/config.ts'

export interface KeyRing {
  active: EncryptionKey
  all: EncryptionKey[]
}

export interface Sealed {
  ciphertext: string
  keyId: string
}

const IV_BYTES = 12
const TAG_BYTES = 16

export class CryptoError extends Error {
  constructor(readonly code: 'unknown_key' | 'tampered' | 'malformed', message: string) {
    super(message)
    this.name = 'CryptoError'
  }
}

/** `aad` binds the ciphertext to a context (e.g. a row id): it must be the same to decrypt. */
export function encrypt(plaintext: string, keys: KeyRing, aad?: string): Sealed {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', keys.active.key, iv)
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'))
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return { ciphertext: Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64'), keyId: keys.active.id }
}

export function decrypt(ciphertext: string, keyId: string, keys: KeyRing, aad?: string): string {
  const key = keys.all.find((k) => k.id === keyId)
  if (!key) throw new CryptoError('unknown_key', `no encryption key with id "${keyId}" is configured (ENCRYPTION_KEYS)`)
  const raw = Buffer.from(ciphertext, 'base64')
  if (raw.length < IV_BYTES + TAG_BYTES) throw new CryptoError('malformed', 'the ciphertext is too short')
  const decipher = createDecipheriv('aes-256-gcm', key.key, raw.subarray(0, IV_BYTES))
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
  if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'))
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
  } catch {
    throw new CryptoError('tampered', 'the ciphertext failed authentication (modified, or sealed with another key)')
  }
}

/** Whether a stored secret should be re-sealed with the active key (rotation sweep). */
export const needsRotation = (keyId: string, keys: KeyRing) => keyId !== keys.active.id
