// Field checks shared by services (write-time validation a telecom engineer expects).
import { Invalid } from './errors.ts'
// Number syntax lives in the routing engine (one definition for the API and the hot path).
import { cleanDialled, isE164, isExtension } from '../modules/routing/engine/numbers.ts'

const HOSTNAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/i
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

export function isHostname(s: string): boolean {
  return HOSTNAME.test(s) || IPV4.test(s)
}

export function isIPv4(s: string): boolean {
  return IPV4.test(s)
}

export function assertSipDomain(name: string, field = 'name') {
  if (!isHostname(name)) throw Invalid('invalid_domain_name', `${field} must be a DNS name or an IPv4 address, got "${name}"`, { field })
}

export function assertTimezone(tz: string, field = 'timezone') {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
  } catch {
    throw Invalid('invalid_timezone', `${field} "${tz}" is not an IANA time zone (e.g. Europe/Paris)`, { field })
  }
}

export function assertExpiryOrder(min: number, def: number, max: number) {
  if (!(min <= def && def <= max)) {
    throw Invalid('invalid_expiry_range', `registration expiry must satisfy min ≤ default ≤ max, got ${min} ≤ ${def} ≤ ${max}`)
  }
}

// ---------------------------------------------------------------- telecom fields

/** What an SDP offer may be narrowed to; names as in the RTP/AVP registry (RFC 3551, RFC 7587, RFC 4733). */
export const KNOWN_CODECS = ['PCMU', 'PCMA', 'G722', 'G729', 'opus', 'telephone-event'] as const

export function assertCodecs(codecs: readonly string[] | undefined, field = 'codecs') {
  const unknown = (codecs ?? []).filter((c) => !(KNOWN_CODECS as readonly string[]).includes(c))
  if (unknown.length) throw Invalid('unknown_codec', `${field}: unknown codec(s) ${unknown.join(', ')}; known: ${KNOWN_CODECS.join(', ')}`, { field, unknown })
  if (new Set(codecs).size !== (codecs ?? []).length) throw Invalid('unknown_codec', `${field}: a codec is listed twice`, { field })
}

/** E.164 for a subscriber number: '+', then 8 to 15 digits (ITU-T E.164 §6; shorter ones are not DIDs). */
export function isSubscriberE164(value: string): boolean {
  return isE164(value) && value.length >= 9
}

export function assertE164(value: string | null | undefined, field: string) {
  if (value != null && !isSubscriberE164(value)) throw Invalid('invalid_e164', `${field} must be E.164: '+' then 8–15 digits, got "${value}"`, { field })
}

export function assertExtension(value: string, field = 'extension') {
  if (!isExtension(value)) throw Invalid('invalid_extension', `${field} must be 2–8 digits, got "${value}"`, { field })
}

/** A number to send out through a dial plan (EXTERNAL targets): digits with an optional '+'. */
export function assertDialable(value: string, field: string) {
  if (cleanDialled(value) === null) throw Invalid('invalid_target_number', `${field} must be a dialable number, got "${value}"`, { field })
}

export function assertIPv4List(ips: readonly string[], field = 'inboundIps') {
  const bad = ips.filter((ip) => !isIPv4(ip))
  if (bad.length) throw Invalid('invalid_ip', `${field}: not IPv4 address(es): ${bad.join(', ')}`, { field, bad })
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
export function assertEmail(value: string | null | undefined, field = 'email') {
  if (value != null && !EMAIL.test(value)) throw Invalid('invalid_email', `${field} is not an e-mail address`, { field })
}

/** ECMAScript regex as the engine anchors it; the compiler's message says what is wrong. */
export function assertPattern(pattern: string, field = 'pattern') {
  try {
    new RegExp(`^(?:${pattern})$`)
  } catch (e) {
    throw Invalid('invalid_pattern', `${field}: ${(e as Error).message}`, { field })
  }
}
