// Kamailio's RPC answers reshaped for the admin API. Kamailio 5.6 nests them in single-key
// objects ({"Domain": {...}}, {"Contact": {...}}); we flatten defensively, since a field missing in
// one version should drop that field, not the whole listing.
type Json = Record<string, unknown>

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {})
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const unwrap = (v: unknown, key: string): Json => obj(obj(v)[key] ?? v)
// Kamailio prints "[not set]" for absent values
const str = (v: unknown): string | null => (typeof v === 'string' ? (v === '[not set]' ? null : v) : typeof v === 'number' ? String(v) : null)
const num = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : null)

export interface Registration {
  aor: string
  contacts: Array<{ uri: string; expires: number | null; received: string | null; userAgent: string | null; callId: string | null; socket: string | null }>
}

/** `ul.dump` → one entry per address of record. */
export function registrationsFromUlDump(dump: unknown): Registration[] {
  const out: Registration[] = []
  for (const d of arr(obj(dump).Domains)) {
    for (const a of arr(unwrap(d, 'Domain').AoRs)) {
      const info = unwrap(a, 'Info')
      const aor = str(info.AoR)
      if (!aor) continue
      out.push({
        aor,
        contacts: arr(info.Contacts).map((c) => {
          const x = unwrap(c, 'Contact')
          return { uri: str(x.Address) ?? '', expires: num(x.Expires), received: str(x.Received) || null, userAgent: str(x['User-Agent']) || null, callId: str(x['Call-ID']) || null, socket: str(x.Socket) || null }
        }),
      })
    }
  }
  return out
}

export interface ActiveCall {
  callId: string
  fromUri: string | null
  toUri: string | null
  state: number | null
  startTs: number | null
  hEntry: number
  hId: number
}

/** `dlg.list` → the dialogs Kamailio tracks (state 4 = confirmed, 5 = deleted). */
export function callsFromDlgList(list: unknown): ActiveCall[] {
  return arr(list).flatMap((raw) => {
    const d = obj(raw)
    const callId = str(d.call_id)
    const hEntry = num(d.h_entry)
    const hId = num(d.h_id)
    if (!callId || hEntry === null || hId === null) return []
    return [{ callId, fromUri: str(d.from_uri), toUri: str(d.to_uri), state: num(d.state), startTs: num(d.start_ts), hEntry, hId }]
  })
}
