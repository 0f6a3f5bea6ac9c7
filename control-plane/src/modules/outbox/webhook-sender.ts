// One webhook POST: the envelope as body, signed, bounded by a timeout. Returns what happened;
// never throws (the caller turns failures into a retry or a dead letter).
import type { EventEnvelope } from '../events/contract.ts'
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from '../webhooks/signature.ts'

export interface SendResult {
  ok: boolean
  status?: number
  error?: string
}

export async function sendWebhook(url: string, secret: string, event: EventEnvelope, timeoutMs: number): Promise<SendResult> {
  const body = JSON.stringify(event)
  const ts = Math.floor(Date.now() / 1000)
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Switchboard-Webhooks/1',
        [EVENT_ID_HEADER]: event.id,
        [EVENT_TYPE_HEADER]: event.type,
        [TIMESTAMP_HEADER]: String(ts),
        [SIGNATURE_HEADER]: sign(secret, ts, body),
      },
      body,
      redirect: 'manual', // a redirect is not an acknowledgement, and must not carry the body elsewhere
      signal: AbortSignal.timeout(timeoutMs),
    })
    await res.body?.cancel().catch(() => {})
    return res.status >= 200 && res.status < 300 ? { ok: true, status: res.status } : { ok: false, status: res.status, error: `HTTP ${res.status}` }
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } }
    return { ok: false, error: e.name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : (e.cause?.code ?? e.message).slice(0, 500) }
  }
}

/** Exponential backoff with jitter: base·2^(n-1), capped, then a random 50–100 % of it. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number, random = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1))
  return Math.round(raw * (0.5 + random() * 0.5))
}
