// The security API under /api/v1, registered as one plugin so app.ts names it once: sessions and
// MFA, admin accounts, API keys, agent self-service, the audit journal (and its retention job),
// GDPR export/erasure, the SIP ban list and the trusted-IP push to Kamailio.
import type { FastifyPluginAsync } from 'fastify'
import authRoutes from './auth.routes.ts'
import accountsRoutes from './accounts.routes.ts'
import apiKeysRoutes from './apikeys.routes.ts'
import agentSelfRoutes from '../acd/agent-self.routes.ts'
import auditRoutes from '../audit/audit.routes.ts'
import auditRetention from '../audit/retention.plugin.ts'
import privacyRoutes from '../privacy/privacy.routes.ts'
import securityRoutes from '../security/security.routes.ts'
import { startTrustedSync } from '../security/trusted-sync.plugin.ts'

const securityApi: FastifyPluginAsync = async (api) => {
  await api.register(authRoutes)
  await api.register(accountsRoutes)
  await api.register(apiKeysRoutes)
  await api.register(agentSelfRoutes)
  await api.register(auditRoutes)
  await api.register(auditRetention)
  await api.register(privacyRoutes)
  await api.register(securityRoutes, { syncer: await startTrustedSync(api) })
}

export default securityApi
