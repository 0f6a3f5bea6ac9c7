// Small helpers for the provisioning API tests: JSON calls with a role, and fixtures built through
// the API itself (so they go through the same rules as real clients).
import type { Role } from '../../src/generated/prisma/enums.ts'
import type { Test } from 'tap'
import type { TestApp } from './app.ts'

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export function api(h: TestApp) {
  const call = async (method: Method, url: string, payload?: object, headers: Record<string, string> = {}, role: Role = 'ADMIN') => {
    const r = await h.app.inject({ method, url: `/api/v1${url}`, headers: { ...h.auth(role), ...headers }, ...(payload ? { payload } : {}) })
    return { status: r.statusCode, body: r.body ? r.json() : undefined, headers: r.headers }
  }
  let n = 0
  const fx = {
    call,
    async create(path: string, payload: object) {
      const r = await call('POST', `/${path}`, payload)
      if (r.status !== 201) throw new Error(`fixture POST /${path} → ${r.status} ${JSON.stringify(r.body)}`)
      return r.body
    },
    async domain(name = `d${++n}-${Date.now().toString(36)}.example`) {
      return fx.create('domains', { name })
    },
    async user(domainId: string, extension: string, extra: object = {}) {
      return fx.create('users', { domainId, extension, password: 'correct-horse-battery', ...extra })
    },
    async trunk(domainId: string, name: string, extra: object = {}) {
      return fx.create('trunks', { domainId, name, host: 'sip.carrier.example', authMode: 'IP', inboundIps: ['192.0.2.10'], ...extra })
    },
  }
  return fx
}

/** Asserts a 4xx with its stable code. */
export function expectError(t: Test, r: { status: number; body: any }, status: number, code: string, what = '') {
  t.equal(r.status, status, `${what} status ${JSON.stringify(r.body)}`)
  t.equal(r.body?.error?.code, code, `${what} code`)
}

/** Recursively true when no key named like a secret appears anywhere in the body. */
export function hasSecretKeys(body: unknown): boolean {
  if (Array.isArray(body)) return body.some(hasSecretKeys)
  if (body && typeof body === 'object') {
    return Object.entries(body).some(([k, v]) => ['password', 'ha1', 'ha1b', 'secret', 'secretCiphertext', 'secretKeyId'].includes(k) || hasSecretKeys(v))
  }
  return false
}
