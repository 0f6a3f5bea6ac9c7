// Parsing of the lookup params Kamailio sends (docs/kamailio-contract.md). Kamailio fills absent
// values with "", so every field is a string; anything else is a malformed request.
import type { RouteRequest } from '../routing/engine/index.ts'

export class LookupInputError extends Error {}

const MAX_FIELD = 512

function field(p: Record<string, unknown>, key: string, required = false): string {
  const v = p[key]
  if (v === undefined || v === null) {
    if (required) throw new LookupInputError(`"${key}" is required`)
    return ''
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw new LookupInputError(`"${key}" must be a string`)
  const s = String(v)
  if (s.length > MAX_FIELD) throw new LookupInputError(`"${key}" is longer than ${MAX_FIELD} characters`)
  return s
}

function object(params: unknown): Record<string, unknown> {
  if (!params || typeof params !== 'object' || Array.isArray(params)) throw new LookupInputError('params must be an object')
  return params as Record<string, unknown>
}

export function parseAuthParams(params: unknown): { user: string; domain: string; srcIp: string; callId: string } {
  const p = object(params)
  return { user: field(p, 'user', true), domain: field(p, 'domain', true), srcIp: field(p, 'src_ip'), callId: field(p, 'callid') }
}

export function parseRouteParams(params: unknown): RouteRequest {
  const p = object(params)
  return {
    method: field(p, 'method') || 'INVITE',
    callId: field(p, 'callid', true),
    fromUser: field(p, 'from_user'),
    fromDomain: field(p, 'from_domain'),
    toUser: field(p, 'to_user'),
    ruriUser: field(p, 'ruri_user'),
    ruriDomain: field(p, 'ruri_domain'),
    srcIp: field(p, 'src_ip', true),
    srcPort: field(p, 'src_port'),
    proto: field(p, 'proto'),
    authUser: field(p, 'auth_user'),
    authDomain: field(p, 'auth_domain'),
    pai: field(p, 'pai'),
    diversion: field(p, 'diversion'),
  }
}

export interface KamailioEvent {
  type: string
  callId: string
  ts: number
  fields: Record<string, string>
}

const EVENT_TYPES = new Set(['registration', 'dialog.start', 'dialog.answered', 'dialog.end', 'dialog.failed'])

export function parseEvent(params: unknown): KamailioEvent {
  const p = object(params)
  const type = field(p, 'type', true)
  if (!EVENT_TYPES.has(type)) throw new LookupInputError(`unknown event type "${type}"`)
  const ts = Number(field(p, 'ts') || Date.now() / 1000)
  if (!Number.isFinite(ts)) throw new LookupInputError('"ts" must be a number of seconds')
  const fields: Record<string, string> = {}
  for (const k of Object.keys(p)) if (k !== 'type' && k !== 'ts') fields[k] = field(p, k)
  return { type, callId: fields.callid ?? '', ts, fields }
}
