// Keeps Kamailio's htable `trusted` equal to what the database says is trusted: every provisioned
// trunk's inboundIps plus the allowlist. Run at boot, after every provisioning change (the
// routing.changed broadcast) and periodically, because a Kamailio restart empties its htables.
// Adds what is missing, removes what is no longer trusted; never touches anything else.
import type { PrismaClient } from '../../generated/prisma/client.ts'
import type { KamailioRpc } from '../kamailio/kamailio-rpc.ts'
import { dumpTable, deleteItem, HT_TRUSTED, setItem } from './kamailio-htables.ts'
import { securityRepository as repo } from './security.repository.ts'

export interface TrustedSource {
  ip: string
  source: string
}

export async function trustedSources(prisma: PrismaClient): Promise<TrustedSource[]> {
  const out = new Map<string, string>()
  for (const t of await repo.trunkSources(prisma)) for (const ip of t.inboundIps) if (!out.has(ip)) out.set(ip, `trunk:${t.name}`)
  for (const a of await repo.allowlist(prisma)) if (!out.has(a.ip)) out.set(a.ip, 'allowlist')
  return [...out].map(([ip, source]) => ({ ip, source })).sort((a, b) => a.ip.localeCompare(b.ip))
}

export interface SyncStatus {
  at: string
  ok: boolean
  added: number
  removed: number
  error?: string
}

export async function syncTrusted(prisma: PrismaClient, rpc: KamailioRpc): Promise<SyncStatus> {
  const at = new Date().toISOString()
  try {
    const want = new Map((await trustedSources(prisma)).map((s) => [s.ip, s.source]))
    const have = new Map((await dumpTable(rpc, HT_TRUSTED)).map((i) => [i.name, i.value]))
    let added = 0
    let removed = 0
    for (const [ip, source] of want) if (have.get(ip) !== source) { await setItem(rpc, HT_TRUSTED, ip, source); added++ }
    for (const ip of have.keys()) if (!want.has(ip)) { await deleteItem(rpc, HT_TRUSTED, ip); removed++ }
    return { at, ok: true, added, removed }
  } catch (err) {
    return { at, ok: false, added: 0, removed: 0, error: (err as Error).message }
  }
}
