// The single permission table. Every API route declares the permission it needs
// (`config: { permission: 'users:write' }`, or `public: true`); the auth plugin enforces it in one
// place and refuses to boot if a route under /api declares nothing.
import type { Role } from '../../generated/prisma/enums.ts'

export const RESOURCES = [
  'domains', 'users', 'groups', 'numbers', 'dialplans', 'trunks', 'schedules', 'queues', 'emergency',
  'routing', 'calls', 'registrations', 'cdrs', 'audit', 'apikeys', 'agents',
] as const
export type Resource = (typeof RESOURCES)[number]
export type Permission = `${Resource}:${'read' | 'write'}` | 'agents:self'

const PROVISIONING: Resource[] = ['domains', 'users', 'groups', 'numbers', 'dialplans', 'trunks', 'schedules', 'queues', 'emergency', 'routing', 'agents']
const rw = (r: Resource[]): Permission[] => r.flatMap((x) => [`${x}:read`, `${x}:write`] as Permission[])
const ro = (r: Resource[]): Permission[] => r.map((x) => `${x}:read` as Permission)

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  ADMIN: new Set<Permission>([...rw([...RESOURCES]), 'agents:self']),
  OPERATOR: new Set<Permission>([...rw(PROVISIONING), ...rw(['calls']), ...ro(['registrations', 'cdrs'])]),
  AUDITOR: new Set<Permission>(ro([...RESOURCES])),
  AGENT: new Set<Permission>(['agents:self']),
}

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission)
}
