// Field checks shared by services (write-time validation a telecom engineer expects).
import { Invalid } from './errors.ts'

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
