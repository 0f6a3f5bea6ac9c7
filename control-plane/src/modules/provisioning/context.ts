// What a service needs to know about who is asking: the actor for the audit journal, the domain
// scope for tenant isolation, and an optional Idempotency-Key intent.
import type { FastifyRequest } from 'fastify'
import type { Actor } from '../audit/audit.ts'
import type { IdempotencyIntent } from './idempotency.ts'
import { NotFound } from '../../lib/errors.ts'

export interface RequestCtx {
  actor: Actor
  /** null: every domain (an unscoped admin or operator) */
  domainScope: string | null
  idempotency?: IdempotencyIntent
}

export function requestCtx(req: FastifyRequest, idempotency?: IdempotencyIntent): RequestCtx {
  const p = req.principal
  return {
    actor: { type: p?.kind === 'admin' ? 'admin' : p?.kind === 'api_key' ? 'api_key' : 'system', id: p?.id, role: p?.role, ip: req.ip, requestId: req.id },
    domainScope: p?.domainId ?? null,
    idempotency,
  }
}

export const SYSTEM_CTX: RequestCtx = { actor: { type: 'system' }, domainScope: null }

/** Tenant isolation: an entity of another domain is reported as missing, not as forbidden. */
export function assertInScope(ctx: RequestCtx, domainId: string, entity: string, id: string) {
  if (ctx.domainScope !== null && ctx.domainScope !== domainId) throw NotFound(entity, id)
}

/** The where-clause fragment that limits a listing to the caller's domain. */
export function scopeWhere(ctx: RequestCtx): { domainId?: string } {
  return ctx.domainScope === null ? {} : { domainId: ctx.domainScope }
}
