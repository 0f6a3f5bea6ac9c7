// Authentication and RBAC, enforced here and nowhere else. Routes declare `config.permission`
// (see modules/auth/permissions.ts) or `config.public`; an /api route that declares neither stops
// the boot, so a new route cannot ship unprotected.
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { Forbidden, Unauthorized } from '../../lib/errors.ts'
import { roleAllows, type Permission } from '../../modules/auth/permissions.ts'
import { verifyApiKey, type Principal } from '../../modules/auth/api-keys.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission
    public?: boolean
  }
  interface FastifyRequest {
    principal?: Principal
  }
}

export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization
  if (!h) return undefined
  const m = /^Bearer\s+(\S+)$/i.exec(h)
  return m?.[1]
}

/** Every declared (method, url, permission) triple, for the RBAC matrix test and the docs. */
export const declaredRoutes: Array<{ method: string; url: string; permission?: Permission; public?: boolean }> = []

export default fp(
  async (app) => {
    app.decorateRequest('principal', undefined)
    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith('/api/')) return
      const cfg = (route.config ?? {}) as { permission?: Permission; public?: boolean }
      if (!cfg.permission && !cfg.public) throw new Error(`route ${route.method} ${route.url} declares no permission`)
      for (const method of [route.method].flat()) {
        if (method === 'HEAD') continue
        declaredRoutes.push({ method, url: route.url, permission: cfg.permission, public: cfg.public })
      }
    })
    app.addHook('preHandler', async (req) => {
      const cfg = req.routeOptions.config
      if (!req.url.startsWith('/api/') || cfg.public || !cfg.permission) return
      const token = bearer(req)
      if (!token) throw Unauthorized('missing_credentials', 'send Authorization: Bearer <api key>')
      const principal = await verifyApiKey(app.database.prisma, token)
      if (!principal) throw Unauthorized('invalid_credentials', 'the API key is unknown, expired or revoked')
      if (!roleAllows(principal.role, cfg.permission)) throw Forbidden('permission_denied', `role ${principal.role} lacks ${cfg.permission}`)
      req.principal = principal
    })
  },
  { name: 'auth', dependencies: ['database'] },
)
