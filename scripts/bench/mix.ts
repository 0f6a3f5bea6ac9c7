// The request mix for the lookup benchmark: route params as Kamailio sends them
// (docs/kamailio-contract.md), drawn from the dataset with a fixed seed.
import type { Dataset } from './dataset.ts'

export type RouteParams = Record<string, string>

/** What each request is meant to exercise, and its share of the mix (sums to 100). */
export const MIX = {
  internal_user: 30, // subscriber → another extension
  internal_group_queue: 5, // subscriber → ring group / queue extension
  outbound_national: 15, // 0[1-9]xxxxxxxx through the dial plan
  outbound_international: 10, // 00cc… / +cc…
  inbound_did: 25, // carrier trunk IP → DID → user/group/queue/schedule
  challenge_407: 10, // first INVITE without credentials: "authenticate this caller"
  reject: 4, // unknown DID from a trunk, national-only user dialling abroad, unknown short number
  emergency: 1, // 112 from a subscriber
} as const

function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const digits = (r: () => number, n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('')

export function buildMix(ds: Dataset, count: number, seed = 42): { params: RouteParams[]; kinds: string[] } {
  const r = rng(seed)
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]
  const table: string[] = []
  for (const [k, n] of Object.entries(MIX)) for (let i = 0; i < n; i++) table.push(k)
  const params: RouteParams[] = []
  const kinds: string[] = []
  for (let i = 0; i < count; i++) {
    const kind = pick(table)
    const d = pick(ds.domains)
    const caller = pick(d.intlUsers)
    const sub = (ruri: string, authUser = caller): RouteParams => ({
      method: 'INVITE', callid: `bench-${seed}-${i}@10.9.9.9`, from_user: authUser || caller, from_domain: d.name, to_user: ruri, ruri_user: ruri, ruri_domain: d.name,
      src_ip: `192.168.${i % 200}.${(i * 7) % 250}`, src_port: '5060', proto: 'udp', auth_user: authUser, auth_domain: authUser ? d.name : '', pai: '', diversion: '',
    })
    let p: RouteParams
    switch (kind) {
      case 'internal_user': p = sub(pick([...d.intlUsers, ...d.nationalUsers])); break
      case 'internal_group_queue': p = sub(pick([...d.groupExtensions, ...d.queueExtensions])); break
      case 'outbound_national': p = sub(pick(['01', '02', '04', '06', '07', '09']) + digits(r, 8)); break
      case 'outbound_international': p = sub(pick(['0044', '0049', '+34', '+39', '001', '0081', '+4122']) + '7' + digits(r, 8)); break
      case 'inbound_did': {
        const did = pick(d.dids)
        const ruri = r() < 0.5 ? did : '0' + did.slice(3) // some carriers send the national form
        p = { ...sub(ruri, ''), from_user: '+33612' + digits(r, 6), from_domain: 'carrier.example', src_ip: pick(d.trunkIps) }
        break
      }
      case 'challenge_407': p = sub(pick(['01', '06']) + digits(r, 8), ''); break
      case 'emergency': p = sub('112'); break
      default: {
        const which = i % 3
        if (which === 0) p = { ...sub('+3318' + digits(r, 7), ''), src_ip: pick(d.trunkIps) } // unknown DID: 404
        else if (which === 1) p = sub('0044' + digits(r, 10), pick(d.nationalUsers)) // class of service: 403
        else p = sub('5' + digits(r, 2)) // no such extension and no rule: 404
      }
    }
    params.push(p)
    kinds.push(kind)
  }
  return { params, kinds }
}
