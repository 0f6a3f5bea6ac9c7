// Webhook signatures: HMAC-SHA256 over "<unix timestamp>.<raw body>" with the subscription's
// secret. The timestamp is signed too, so a receiver that rejects old timestamps also rejects a
// captured request replayed later.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'x-switchboard-signature'
export const TIMESTAMP_HEADER = 'x-switchboard-timestamp'
export const EVENT_ID_HEADER = 'x-switchboard-event-id'
export const EVENT_TYPE_HEADER = 'x-switchboard-event-type'

export const sign = (secret: string, timestamp: number, body: string) => `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`

/** For receivers (and our tests): constant-time check, and the timestamp within `toleranceSec`. */
export function verifySignature(secret: string, header: string | undefined, timestamp: string | undefined, body: string, toleranceSec = 300, nowSec = Date.now() / 1000): boolean {
  const ts = Number(timestamp)
  if (!header || !Number.isInteger(ts) || Math.abs(nowSec - ts) > toleranceSec) return false
  const want = Buffer.from(sign(secret, ts, body))
  const got = Buffer.from(header)
  return want.length === got.length && timingSafeEqual(want, got)
}

/** "call.*" matches call.started; "audit.*" matches audit.user.created; an empty filter matches all. */
export function matchesFilter(filter: readonly string[], type: string): boolean {
  if (filter.length === 0) return true
  return filter.some((f) => f === type || f === '*' || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))))
}
