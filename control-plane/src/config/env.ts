// Tiny declarative parsers for environment variables. Each one throws ConfigError with a message
// that names the variable and says what is wrong, so a bad setting fails at boot in one line.

export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Env = Record<string, string | undefined>

export function str(env: Env, key: string, fallback?: string): string {
  const v = env[key]
  if (v === undefined || v === '') {
    if (fallback === undefined) throw new ConfigError(`${key} is required`)
    return fallback
  }
  return v
}

export function optional(env: Env, key: string): string | undefined {
  const v = env[key]
  return v === undefined || v === '' ? undefined : v
}

export function int(env: Env, key: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = optional(env, key)
  if (raw === undefined) return fallback
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(`${key} must be an integer, got "${raw}"`)
  const n = Number(raw)
  if (n < min || n > max) throw new ConfigError(`${key} must be between ${min} and ${max}, got ${n}`)
  return n
}

export function port(env: Env, key: string, fallback: number): number {
  return int(env, key, fallback, 1, 65535)
}

export function oneOf<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: T): T {
  const v = optional(env, key) ?? fallback
  if (!allowed.includes(v as T)) throw new ConfigError(`${key} must be one of ${allowed.join(', ')}, got "${v}"`)
  return v as T
}

export function bool(env: Env, key: string, fallback: boolean): boolean {
  const v = optional(env, key)
  if (v === undefined) return fallback
  if (['1', 'true', 'yes', 'on'].includes(v.toLowerCase())) return true
  if (['0', 'false', 'no', 'off'].includes(v.toLowerCase())) return false
  throw new ConfigError(`${key} must be true or false, got "${v}"`)
}

export function list(env: Env, key: string, fallback: string[]): string[] {
  const v = optional(env, key)
  return v === undefined ? fallback : v.split(',').map((s) => s.trim()).filter(Boolean)
}

/** A URL with one of the given schemes; the message never echoes credentials. */
export function url(env: Env, key: string, schemes: string[]): string | undefined {
  const v = optional(env, key)
  if (v === undefined) return undefined
  let parsed: URL
  try {
    parsed = new URL(v)
  } catch {
    throw new ConfigError(`${key} is not a valid URL (expected ${schemes.map((s) => s + '://…').join(' or ')})`)
  }
  if (!schemes.includes(parsed.protocol.replace(/:$/, ''))) {
    throw new ConfigError(`${key} must use ${schemes.join(' or ')}, got "${parsed.protocol.replace(/:$/, '')}"`)
  }
  if (!parsed.hostname) throw new ConfigError(`${key} has no host`)
  return v
}

/** host:port, as used for UDP/TCP peers such as rtpengine's ng socket. */
export function hostPort(env: Env, key: string, fallback: string): { host: string; port: number } {
  const v = optional(env, key) ?? fallback
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(v)
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new ConfigError(`${key} must be host:port, got "${v}"`)
  return { host: m[1], port: Number(m[2]) }
}
