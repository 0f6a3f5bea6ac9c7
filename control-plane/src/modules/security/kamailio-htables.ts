// Kamailio's htables as the control plane sees them over JSON-RPC (htable module RPC commands):
// `ipban` (banned sources, value "reason:expiry epoch"), `authfail` (failure counters) and
// `trusted` (sources never banned). The names are the ones the cfg templates declare.
import { KamailioRpc, KamailioRpcError } from '../kamailio/kamailio-rpc.ts'

export const HT_BANS = 'ipban'
export const HT_FAILURES = 'authfail'
export const HT_TRUSTED = 'trusted'

export interface HtItem {
  name: string
  value: string
}

/** htable.dump answers slots of items; an empty table is an RPC error in some versions. */
export async function dumpTable(rpc: KamailioRpc, table: string): Promise<HtItem[]> {
  let raw: unknown
  try {
    raw = await rpc.call('htable.dump', [table])
  } catch (err) {
    if (err instanceof KamailioRpcError && /empty/i.test(err.message)) return []
    throw err
  }
  const out: HtItem[] = []
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk)
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>
      if (typeof o.name === 'string' && 'value' in o) out.push({ name: o.name, value: String(o.value) })
      else Object.values(o).forEach(walk)
    }
  }
  walk(raw)
  return out
}

export const setItem = (rpc: KamailioRpc, table: string, key: string, value: string) => rpc.call('htable.sets', [table, key, value])
export const setExpire = (rpc: KamailioRpc, table: string, key: string, seconds: number) => rpc.call('htable.setex', [table, key, seconds])

export async function deleteItem(rpc: KamailioRpc, table: string, key: string): Promise<void> {
  try {
    await rpc.call('htable.delete', [table, key])
  } catch (err) {
    if (!(err instanceof KamailioRpcError)) throw err // a key that is not there is not an error here
  }
}

export interface Ban {
  ip: string
  reason: string
  /** null when the value carries no expiry (set by hand in the cfg or with kamcmd) */
  expiresAt: string | null
}

export function parseBan(item: HtItem): Ban {
  const m = /^(.*):(\d{9,11})$/.exec(item.value)
  return m ? { ip: item.name, reason: m[1], expiresAt: new Date(Number(m[2]) * 1000).toISOString() } : { ip: item.name, reason: item.value, expiresAt: null }
}
