// rtpengine's recording spool (recording-method=pcap): it writes pcaps/<call-id>-<hex>.pcap while
// recording, and moves metadata/rtpengine-meta-<call-id>-<hex>.txt into place when the recording
// is closed (stop recording, or the call's end); the metadata's first line names the pcap.
// Collecting = waiting for that metadata file, reading the pcap(s), then removing both, so the
// plaintext never outlives its sealed copy.
import fs from 'node:fs/promises'
import path from 'node:path'

export interface SpoolFiles {
  metadata: string[]
  pcaps: string[]
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * rtpengine keeps the Call-ID in the file name, percent-encoding what is not a URI unreserved
 * character (RFC 3986 §2.3): "a@b" is written "a%40b". Both spellings are looked for.
 */
export const spoolNames = (callId: string): string[] => {
  const enc = callId.replace(/[^A-Za-z0-9._~-]/g, (c) => [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''))
  return [...new Set([enc, callId])]
}

async function listFor(dir: string, prefixes: string[]): Promise<string[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[])
  return names.filter((n) => prefixes.some((p) => n.startsWith(p))).map((n) => path.join(dir, n))
}

/** Wait (polling) until the call's metadata is closed, up to timeoutMs; then its pcaps. */
export async function collectSpool(spoolDir: string, callId: string, timeoutMs: number): Promise<SpoolFiles> {
  const until = Date.now() + timeoutMs
  const ids = spoolNames(callId)
  let metadata: string[] = []
  for (;;) {
    metadata = await listFor(path.join(spoolDir, 'metadata'), ids.map((id) => `rtpengine-meta-${id}-`))
    if (metadata.length > 0 || Date.now() > until) break
    await sleep(100)
  }
  const named = new Set<string>()
  for (const m of metadata) {
    const first = (await fs.readFile(m, 'utf8').catch(() => '')).split('\n')[0].trim()
    if (first.endsWith('.pcap')) named.add(first)
  }
  const pcaps = new Set([...named, ...(await listFor(path.join(spoolDir, 'pcaps'), ids.map((id) => `${id}-`)))])
  const existing: string[] = []
  for (const p of pcaps) if (await fs.stat(p).then((s) => s.isFile(), () => false)) existing.push(p)
  return { metadata, pcaps: existing.sort() }
}

export async function removeSpool(files: SpoolFiles): Promise<void> {
  await Promise.all([...files.metadata, ...files.pcaps].map((f) => fs.rm(f, { force: true })))
}
