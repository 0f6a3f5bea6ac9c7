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

/** rtpengine keeps the Call-ID in the file name; anything outside this set would be escaped. */
const fileSafe = (callId: string) => callId.replace(/[^A-Za-z0-9@._+=:-]/g, '_')

async function listFor(dir: string, prefix: string): Promise<string[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[])
  return names.filter((n) => n.startsWith(prefix)).map((n) => path.join(dir, n))
}

/** Wait (polling) until the call's metadata is closed, up to timeoutMs; then its pcaps. */
export async function collectSpool(spoolDir: string, callId: string, timeoutMs: number): Promise<SpoolFiles> {
  const until = Date.now() + timeoutMs
  const id = fileSafe(callId)
  let metadata: string[] = []
  for (;;) {
    metadata = await listFor(path.join(spoolDir, 'metadata'), `rtpengine-meta-${id}-`)
    if (metadata.length > 0 || Date.now() > until) break
    await sleep(100)
  }
  const named = new Set<string>()
  for (const m of metadata) {
    const first = (await fs.readFile(m, 'utf8').catch(() => '')).split('\n')[0].trim()
    if (first.endsWith('.pcap')) named.add(first)
  }
  const pcaps = new Set([...named, ...(await listFor(path.join(spoolDir, 'pcaps'), `${id}-`))])
  const existing: string[] = []
  for (const p of pcaps) if (await fs.stat(p).then((s) => s.isFile(), () => false)) existing.push(p)
  return { metadata, pcaps: existing.sort() }
}

export async function removeSpool(files: SpoolFiles): Promise<void> {
  await Promise.all([...files.metadata, ...files.pcaps].map((f) => fs.rm(f, { force: true })))
}
