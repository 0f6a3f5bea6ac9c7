// /api/v1/auth: login and refresh are the only public routes of the API; everything else needs a
// session (auth:self). The enrolment routes are the only ones open to an ADMIN without TOTP yet.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { Type } from '@fastify/type-provider-typebox'
import { BadRequest } from '../../lib/errors.ts'
import { ErrorBody } from '../provisioning/resource-routes.ts'
import { requestCtx } from '../provisioning/context.ts'
import { loginService } from './login.service.ts'
import { mfaService } from './mfa.service.ts'
import { LoginThrottle } from './login-throttle.ts'

const Tokens = Type.Object({
  tokenType: Type.Literal('Bearer'),
  accessToken: Type.String(),
  expiresIn: Type.Integer({ description: 'seconds' }),
  refreshToken: Type.Optional(Type.String({ description: 'single use: each refresh returns a new one' })),
  mfaEnrolmentRequired: Type.Optional(Type.Boolean({ description: 'ADMIN without TOTP: the access token only opens /auth/mfa/*' })),
})
const LoginBody = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  totp: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
  recoveryCode: Type.Optional(Type.String({ minLength: 16, maxLength: 32 })),
}, { additionalProperties: false })
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody, 422: ErrorBody, 429: ErrorBody }
const meta = (req: FastifyRequest) => ({ ip: req.ip, requestId: req.id })

function sessionOf(req: FastifyRequest) {
  const p = req.principal!
  if (p.kind !== 'admin' || !p.sessionId) throw BadRequest('not_a_session', 'this needs an admin session (log in), not an API key')
  return { accountId: p.id, sessionId: p.sessionId }
}

const authRoutes: FastifyPluginAsync = async (app) => {
  const sec = app.config.security
  const login = loginService({ prisma: app.database.prisma, security: sec, keys: app.config.encryption, throttle: new LoginThrottle(sec.loginAttemptsPerMinute) })
  const mfa = mfaService({ prisma: app.database.prisma, security: sec, keys: app.config.encryption })
  const tags = ['auth']

  app.post('/auth/login', { config: { public: true }, schema: { tags, body: LoginBody, response: { 200: Tokens, ...errors } } }, async (req) =>
    login.login(req.body as { email: string; password: string; totp?: string; recoveryCode?: string }, meta(req)))

  app.post('/auth/refresh', {
    config: { public: true },
    schema: { tags, body: Type.Object({ refreshToken: Type.String({ maxLength: 256 }) }, { additionalProperties: false }), response: { 200: Tokens, ...errors } },
  }, async (req) => login.refresh((req.body as { refreshToken: string }).refreshToken, meta(req)))

  app.post('/auth/logout', { config: { permission: 'auth:self', allowMfaPending: true }, schema: { tags, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    const s = sessionOf(req)
    await login.logout(s.accountId, s.sessionId, { ...meta(req), role: req.principal!.role })
    return reply.status(204).send()
  })

  app.get('/auth/me', {
    config: { permission: 'auth:self', allowMfaPending: true },
    schema: {
      tags,
      response: {
        200: Type.Object({ kind: Type.String(), id: Type.String(), name: Type.String(), role: Type.String(), domainId: Type.Union([Type.String(), Type.Null()]), userId: Type.Union([Type.String(), Type.Null()]), mfaPending: Type.Boolean() }),
        ...errors,
      },
    },
  }, async (req) => {
    const p = req.principal!
    return { kind: p.kind, id: p.id, name: p.name, role: p.role, domainId: p.domainId, userId: p.userId ?? null, mfaPending: p.mfaPending === true }
  })

  app.post('/auth/mfa/enroll', {
    config: { permission: 'auth:self', allowMfaPending: true },
    schema: { tags, response: { 200: Type.Object({ otpauthUri: Type.String(), secret: Type.String({ description: 'base32, for apps that cannot scan the URI' }) }), ...errors } },
  }, async (req) => mfa.enroll(sessionOf(req).accountId, requestCtx(req).actor))

  app.post('/auth/mfa/activate', {
    config: { permission: 'auth:self', allowMfaPending: true },
    schema: { tags, body: Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$' }) }, { additionalProperties: false }), response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }), ...errors } },
  }, async (req) => mfa.activate(sessionOf(req).accountId, (req.body as { code: string }).code, requestCtx(req).actor))
}

export default authRoutes
