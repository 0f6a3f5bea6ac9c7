// Parsing of the lookup params Kamailio sends (docs/kamailio-contract.md). Kamailio fills absent
// values with "", so every field is a string; anything else is a malformed request.
import { isE164, isExtension, type CallKind, type RecordingMode, type RouteRequest } from '../routing/engine/index.ts'
import type { DecisionSummary } from '../cdr/cdr.service.ts'

export class LookupInputError extends Error {}

const MAX_FIELD = 512
/** the decision token of a dialog event carries one id per trunk tried */
const MAX_TOKEN = 4096

function field(p: Record<string, unknown>, key: string, required = false, max = MAX_FIELD): string {
  const v = p[key]
  if (v === undefined || v === null) {
    if (required) throw new LookupInputError(`"${key}" is required`)
    return ''
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw new LookupInputError(`"${key}" must be a string`)
  const s = String(v)
  if (s.length > max) throw new LookupInputError(`"${key}" is longer than ${max} characters`)
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
  for (const k of Object.keys(p)) if (k !== 'type' && k !== 'ts') fields[k] = field(p, k, false, k === 'decision' ? MAX_TOKEN : MAX_FIELD)
  return { type, callId: fields.callid ?? '', ts, fields }
}

/** our ids are UUIDs; anything id-like is accepted so the token stays a plain carrier */
const ID = /^[0-9A-Za-z-]{1,64}$/
const KINDS: ReadonlySet<string> = new Set<CallKind>(['internal', 'inbound', 'outbound', 'emergency'])
const RECORDING: ReadonlySet<string> = new Set<RecordingMode>(['never', 'always', 'on_demand'])

/**
 * The decision token Kamailio keeps in the dialog and returns with each dialog event (written by
 * decisionToken in the routing engine's rtjson.ts): what the CDR needs to know of the routing.
 * Anything that does not parse exactly is ignored (undefined): the CDR is then written without it.
 */
export function parseDecisionToken(token: string | undefined): DecisionSummary | undefined {
  if (!token) return undefined
  const f = token.split('|')
  if (f.length !== 7 || f[0] !== '1') return undefined
  const [, kind, domainId, ruleId, callerE164, recording, trunks] = f
  const trunkIds = trunks ? trunks.split(',') : []
  // the caller id is E.164, or the extension when the caller has no number (an emergency callback)
  if (!KINDS.has(kind) || !ID.test(domainId) || !RECORDING.has(recording)) return undefined
  if ((ruleId && !ID.test(ruleId)) || (callerE164 && !isE164(callerE164) && !isExtension(callerE164)) || !trunkIds.every((id) => ID.test(id))) return undefined
  return { domainId, kind, trunkIds, recording: recording as RecordingMode, ...(ruleId ? { ruleId } : {}), ...(callerE164 ? { callerE164 } : {}) }
}
