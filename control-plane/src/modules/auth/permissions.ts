// The single permission table. Every API route declares the permission it needs
// (`config: { permission: 'users:write' }`, or `public: true`); the auth plugin enforces it in one
// place and refuses to boot if a route under /api declares nothing. Domain scoping: a principal with
// a domainId sees only its tenant (services filter by it) and never holds the platform-wide
// permissions below, whatever its role.
import type { Role } from '../../generated/prisma/enums.ts'

export const RESOURCES = [
  'domains', 'users', 'groups', 'numbers', 'dialplans', 'trunks', 'schedules', 'queues', 'emergency',
  'routing', 'calls', 'registrations', 'cdrs', 'audit', 'apikeys', 'agents', 'accounts', 'security', 'privacy',
  'webhooks', 'integrations', 'recordings',
] as const
export type Resource = (typeof RESOURCES)[number]
/** `auth:self`: one's own session and MFA; `agents:self`: an AGENT's own queue state */
export type Permission = `${Resource}:${'read' | 'write'}` | 'agents:self' | 'auth:self'

const PROVISIONING: Resource[] = ['domains', 'users', 'groups', 'numbers', 'dialplans', 'trunks', 'schedules', 'queues', 'emergency', 'routing', 'agents']
const rw = (r: Resource[]): Permission[] => r.flatMap((x) => [`${x}:read`, `${x}:write`] as Permission[])
const ro = (r: Resource[]): Permission[] => r.map((x) => `${x}:read` as Permission)

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  ADMIN: new Set<Permission>([...rw([...RESOURCES]), 'agents:self', 'auth:self']),
  // operators may start/stop a recording on a live call, not listen to recordings
  OPERATOR: new Set<Permission>([...rw(PROVISIONING), ...rw(['calls']), ...ro(['registrations', 'cdrs', 'security', 'webhooks', 'integrations']), 'recordings:write', 'auth:self']),
  // read-only and the journal; personal-data exports and call audio stay with ADMIN (GDPR art. 32: need to know)
  AUDITOR: new Set<Permission>([...ro(RESOURCES.filter((r) => r !== 'privacy' && r !== 'recordings')), 'auth:self']),
  AGENT: new Set<Permission>(['agents:self', 'auth:self']),
}

/** Platform-wide: the SIP ban list spans every tenant. */
export const GLOBAL_ONLY: ReadonlySet<Permission> = new Set<Permission>(['security:read', 'security:write'])

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission)
}

/** The whole decision: role, the key's own narrower scopes, and the tenant scope. */
export function principalAllows(p: { role: Role; scopes?: string[]; domainId: string | null }, permission: Permission): boolean {
  if (!roleAllows(p.role, permission)) return false
  if (p.scopes && p.scopes.length > 0 && !p.scopes.includes(permission)) return false
  if (p.domainId !== null && GLOBAL_ONLY.has(permission)) return false
  return true
}

export const ALL_PERMISSIONS: Permission[] = [...rw([...RESOURCES]), 'agents:self', 'auth:self']
