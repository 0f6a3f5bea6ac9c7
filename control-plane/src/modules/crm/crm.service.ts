// The lookup layer's view of CRM connectors: which domain has one (kept in memory, reloaded on
// every routing snapshot rebuild and on change), and the caller profile for a route request.
// `profileFor` returns undefined synchronously when the call's domain has no connector, so calls
// of domains without a CRM do not even pay for a promise.
import type { PrismaClient } from '../../generated/prisma/client.ts'
import type { RouteRequest, CallerProfile } from '../routing/engine/types.ts'
import { crmClient, type CrmConnectorRow, type CrmOptions } from './crm-client.ts'
import { crmRepository } from './crm.repository.ts'

type DomainsByName = { domainByName(name: string): { id: string; name: string } | undefined }

/** The domain whose connector a call asks (the callee's, else the caller's) and the caller it asks about. */
export function crmTarget(domains: DomainsByName, req: RouteRequest): { domain: { id: string; name: string }; caller: string } | undefined {
  const domain = domains.domainByName(req.ruriDomain) ?? domains.domainByName(req.fromDomain)
  const caller = req.authUser || req.fromUser
  return domain && caller ? { domain, caller } : undefined
}

export function crmService(prisma: PrismaClient, opts: CrmOptions) {
  const client = crmClient(opts)
  let byDomain = new Map<string, CrmConnectorRow>()

  return {
    client,
    async reload() {
      const rows = await crmRepository.enabled(prisma)
      byDomain = new Map(rows.map((r) => [r.domainId, r]))
    },
    /** the domains whose calls ask a CRM (the lookup worker asks the main thread only for those) */
    domainIds(): string[] {
      return [...byDomain.keys()]
    },
    get size() {
      return byDomain.size
    },
    /** domains: how the call's domain names resolve (the snapshot's, or the main thread's copy of them) */
    profileFor(domains: DomainsByName, req: RouteRequest): Promise<CallerProfile | undefined> | undefined {
      if (byDomain.size === 0) return undefined
      const target = crmTarget(domains, req)
      const c = target && byDomain.get(target.domain.id)
      return c ? client.ask(c, target.caller, target.domain.name) : undefined
    },
  }
}

export type CrmService = ReturnType<typeof crmService>
