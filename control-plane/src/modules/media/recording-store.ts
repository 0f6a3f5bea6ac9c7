// Recording files at rest: each file sealed with AES-256-GCM under the active key of the key ring
// (lib/crypto's keys, ENCRYPTION_KEYS), a fresh 96-bit IV per file (NIST SP 800-38D §8.2), and the
// recording id + file kind as associated data, so a file swapped between recordings fails to open.
// Layout: "SBREC1" | key id length (1 byte) | key id | IV (12) | tag (16) | ciphertext.
// Files are written 0600 in the store directory, named by recording id only (no phone numbers).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { CryptoError, type KeyRing } from '../../lib/crypto.ts'

const MAGIC = Buffer.from('SBREC1')
export type RecordingFileKind = 'pcap' | 'wav'

export interface StoredFile {
  file: string
  bytes: number
  /** SHA-256 of the plaintext: what a listener gets back is what was recorded */
  sha256: string
  keyId: string
}

export function sealBuffer(plain: Buffer, keys: KeyRing, aad: string): Buffer {
  const iv = randomBytes(12)
  const c = createCipheriv('aes-256-gcm', keys.active.key, iv)
  c.setAAD(Buffer.from(aad))
  const data = Buffer.concat([c.update(plain), c.final()])
  const id = Buffer.from(keys.active.id)
  return Buffer.concat([MAGIC, Buffer.from([id.length]), id, iv, c.getAuthTag(), data])
}

export function openBuffer(sealed: Buffer, keys: KeyRing, aad: string): Buffer {
  if (sealed.length < MAGIC.length + 1 + 28 || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) throw new CryptoError('malformed', 'not a sealed recording file')
  const idLen = sealed[MAGIC.length]
  const idStart = MAGIC.length + 1
  const keyId = sealed.subarray(idStart, idStart + idLen).toString()
  const key = keys.all.find((k) => k.id === keyId)
  if (!key) throw new CryptoError('unknown_key', `no encryption key with id "${keyId}" is configured (ENCRYPTION_KEYS)`)
  const iv = sealed.subarray(idStart + idLen, idStart + idLen + 12)
  const tag = sealed.subarray(idStart + idLen + 12, idStart + idLen + 28)
  const d = createDecipheriv('aes-256-gcm', key.key, iv)
  d.setAAD(Buffer.from(aad))
  d.setAuthTag(tag)
  try {
    return Buffer.concat([d.update(sealed.subarray(idStart + idLen + 28)), d.final()])
  } catch {
    throw new CryptoError('tampered', 'the recording file failed authentication (modified, or sealed for another recording)')
  }
}

export class RecordingStore {
  constructor(private readonly dir: string, private readonly keys: KeyRing) {}

  private pathOf(file: string): string {
    // names come from our own ids; refuse anything that would leave the store
    if (!/^[0-9a-f-]{36}\.(pcap|wav)\.sealed$/.test(file)) throw new Error(`not a recording file name: ${file}`)
    return path.join(this.dir, file)
  }

  async put(recordingId: string, kind: RecordingFileKind, plain: Buffer): Promise<StoredFile> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 })
    const file = `${recordingId}.${kind}.sealed`
    const tmp = path.join(this.dir, `.${file}.${process.pid}.tmp`)
    await fs.writeFile(tmp, sealBuffer(plain, this.keys, `${recordingId}:${kind}`), { mode: 0o600 })
    await fs.rename(tmp, this.pathOf(file))
    return { file, bytes: plain.length, sha256: createHash('sha256').update(plain).digest('hex'), keyId: this.keys.active.id }
  }

  async get(recordingId: string, kind: RecordingFileKind, file: string): Promise<Buffer> {
    return openBuffer(await fs.readFile(this.pathOf(file)), this.keys, `${recordingId}:${kind}`)
  }

  async remove(file: string): Promise<void> {
    await fs.rm(this.pathOf(file), { force: true })
  }
}
