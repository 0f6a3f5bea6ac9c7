// Asking a domain's CRM about a caller, without ever hurting the call: the answer must come within
// the connector's timeout (capped by CRM_MAX_BUDGET_MS), or the call is routed as if there were no
// CRM. Answers are cached for the connector's TTL. A circuit breaker per connector stops asking a
// CRM that keeps failing (after `failures` in a row, for `cooldownMs`; then one trial request).
//
// Contract: GET <url>?caller=<number>&domain=<name> → 200 { "vip": bool, "owner"?: string }.
import type { CallerProfile } from '../routing/engine/types.ts'

export interface CrmConnectorRow {
  id: string
  domainId: string
  url: string
  timeoutMs: number
  cacheTtlSec: number
  vipQueueId: string | null
  enabled: boolean
}

export interface CrmOptions {
  breakerFailures: number
  breakerCooldownMs: number
  maxBudgetMs: number
  now?: () => number
  onResult?: (result: 'hit' | 'ok' | 'timeout' | 'error' | 'open') => void
}

interface Breaker {
  failures: number
  openUntil: number
  trial: boolean
}

export function crmClient(o: CrmOptions) {
  const now = o.now ?? Date.now
  const cache = new Map<string, { profile: CallerProfile; until: number }>()
  const breakers = new Map<string, Breaker>()
  const MAX_CACHE = 50_000

  const breakerOf = (id: string) => breakers.get(id) ?? (breakers.set(id, { failures: 0, openUntil: 0, trial: false }), breakers.get(id)!)

  async function ask(c: CrmConnectorRow, caller: string, domainName: string): Promise<CallerProfile | undefined> {
    const key = `${c.id}|${caller}`
    const hit = cache.get(key)
    if (hit && hit.until > now()) {
      o.onResult?.('hit')
      return hit.profile
    }
    const b = breakerOf(c.id)
    if (b.openUntil > now() || b.trial) {
      o.onResult?.('open')
      return undefined
    }
    if (b.openUntil > 0) b.trial = true // cooldown over: this request is the trial
    const budget = Math.min(c.timeoutMs, o.maxBudgetMs)
    try {
      const u = new URL(c.url)
      u.searchParams.set('caller', caller)
      u.searchParams.set('domain', domainName)
      const res = await fetch(u, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(budget) })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      const body = (await res.json()) as { vip?: unknown; owner?: unknown }
      const profile: CallerProfile = { vip: body.vip === true, ...(typeof body.owner === 'string' ? { owner: body.owner.slice(0, 100) } : {}), ...(c.vipQueueId ? { vipQueueId: c.vipQueueId } : {}) }
      if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value as string)
      cache.set(key, { profile, until: now() + c.cacheTtlSec * 1000 })
      Object.assign(b, { failures: 0, openUntil: 0, trial: false })
      o.onResult?.('ok')
      return profile
    } catch (err) {
      b.failures++
      b.trial = false
      if (b.failures >= o.breakerFailures) b.openUntil = now() + o.breakerCooldownMs
      o.onResult?.((err as Error).name === 'TimeoutError' ? 'timeout' : 'error')
      return undefined
    }
  }

  return {
    ask,
    breakerOpen: (connectorId: string) => (breakers.get(connectorId)?.openUntil ?? 0) > now(),
    forget: () => cache.clear(),
  }
}
