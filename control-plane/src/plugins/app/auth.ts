// Authentication and RBAC, enforced here and nowhere else. Routes declare `config.permission`
// (see modules/auth/permissions.ts) or `config.public`; an /api route that declares neither stops
// the boot, so a new route cannot ship unprotected. Credentials are checked in onRequest, before
// the body is parsed or validated: an anonymous caller learns nothing about a route's schema.
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { Forbidden, Unauthorized } from '../../lib/errors.ts'
import { principalAllows, type Permission } from '../../modules/auth/permissions.ts'
import type { Principal } from '../../modules/auth/api-keys.ts'
import { authenticate, recordKeyUse, KEY_USE_AUDIT_INTERVAL_MS } from '../../modules/auth/authenticate.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission
    public?: boolean
    /** open to an ADMIN who still has to enrol TOTP (the enrolment routes themselves) */
    allowMfaPending?: boolean
  }
  interface FastifyRequest {
    principal?: Principal
  }
}

export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization
  if (!h || typeof h !== 'string') return undefined
  const m = /^Bearer\s+(\S+)$/i.exec(h)
  return m?.[1]
}

export interface DeclaredRoute {
  method: string
  url: string
  permission?: Permission
  public?: boolean
}

/** Every declared (method, url, permission) triple, for the RBAC matrix test and the docs. */
export const declaredRoutes: DeclaredRoute[] = []

export default fp(
  async (app) => {
    app.decorateRequest('principal', undefined)
    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith('/api/')) return
      const cfg = (route.config ?? {}) as { permission?: Permission; public?: boolean }
      if (!cfg.permission && !cfg.public) throw new Error(`route ${route.method} ${route.url} declares no permission`)
      for (const method of [route.method].flat()) {
        if (method === 'HEAD' || declaredRoutes.some((r) => r.method === method && r.url === route.url)) continue
        declaredRoutes.push({ method, url: route.url, permission: cfg.permission, public: cfg.public })
      }
    })
    app.addHook('onRequest', async (req) => {
      const cfg = req.routeOptions.config
      if (!req.url.startsWith('/api/') || cfg.public || !cfg.permission) return
      const token = bearer(req)
      if (!token) throw Unauthorized('missing_credentials', 'send Authorization: Bearer <API key or access token>')
      const principal = await authenticate(app.database.prisma, app.config.security.tokenKey, token)
      if (!principal) throw Unauthorized('invalid_credentials', 'the credentials are unknown, expired or revoked')
      if (principal.mfaPending && !cfg.allowMfaPending) throw Forbidden('mfa_enrolment_required', 'ADMIN accounts must enrol TOTP first: POST /api/v1/auth/mfa/enroll, then /activate')
      if (!principalAllows(principal, cfg.permission)) throw Forbidden('permission_denied', `${principal.domainId ? 'domain-scoped ' : ''}role ${principal.role} lacks ${cfg.permission}`)
      req.principal = principal
      if (principal.kind === 'api_key') {
        const last = (principal as Principal & { lastUsedAt?: Date | null }).lastUsedAt
        if (!last || Date.now() - last.getTime() >= KEY_USE_AUDIT_INTERVAL_MS) {
          await recordKeyUse(app.database.prisma, principal.id, { role: principal.role, domainId: principal.domainId, ip: req.ip, requestId: req.id, method: req.method, url: req.url })
        }
      }
    })
  },
  { name: 'auth', dependencies: ['database', 'config'] },
)
