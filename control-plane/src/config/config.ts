// The one schema for the control plane's settings. Everything comes from the environment; the
// result is frozen and passed down explicitly. No default secrets: in production every secret must
// be set, in development missing ones are generated once and kept in DATA_DIR (never in the repo).
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { ConfigError, bool, hostPort, int, list, oneOf, optional, port, str, url } from './env.ts'
import { loadSecurityConfig, type SecurityConfig } from './security.ts'
import { loadObservabilityConfig, type ObservabilityConfig } from './observability.ts'
import { loadMediaConfig, type MediaConfig } from './media.ts'

export { ConfigError }

export interface EncryptionKey {
  id: string
  key: Buffer // 32 bytes, AES-256-GCM
}

export interface Config {
  env: 'development' | 'test' | 'production'
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  http: { host: string; port: number }
  jsonRpc: { host: string; port: number; enabled: boolean }
  /** auth and route lookups (and the JSON-RPC listener) in a worker thread of their own (lookup-worker.ts) */
  lookupWorker: boolean
  /** undefined: the embedded PGlite database in dataDir */
  databaseUrl?: string
  dataDir: string
  /** undefined: single instance, in-process shared state */
  redisUrl?: string
  /** REDIS_KEY_PREFIX (keys and pub/sub channels) and the bound on each Redis command */
  redis: { keyPrefix: string; commandTimeoutMs: number }
  internal: { token?: string; allowedIps: string[]; lookupDeadlineMs: number }
  encryption: { active: EncryptionKey; all: EncryptionKey[] }
  /** admin sessions, login throttling, audit retention, SIP bans (config/security.ts) */
  security: SecurityConfig
  /** outbox worker, webhooks, AMQP, tracing, CRM breaker (config/observability.ts) */
  events: ObservabilityConfig
  kamailio: { rpcUrl: string }
  rtpengine: { ng: { host: string; port: number }; httpUrl?: string }
  /** rtpengine nodes, health checks, recording (config/media.ts) */
  media: MediaConfig
  readyRequires: Array<'db' | 'redis' | 'kamailio' | 'rtpengine'>
  instanceId: string
}

type Env = Record<string, string | undefined>

function parseKeys(raw: string, key: string): EncryptionKey[] {
  return raw.split(',').map((part) => {
    const m = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=]+)$/.exec(part.trim())
    if (!m) throw new ConfigError(`${key} must be a comma-separated list of <keyId>:<base64 32-byte key>`)
    const buf = Buffer.from(m[2], 'base64')
    if (buf.length !== 32) throw new ConfigError(`${key}: key "${m[1]}" must decode to 32 bytes, got ${buf.length}`)
    return { id: m[1], key: buf }
  })
}

/** Development only: a per-installation key kept beside the embedded database. */
function devKey(dataDir: string): string {
  const file = path.join(dataDir, 'dev-encryption.key')
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true })
    fs.writeFileSync(file, `dev1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 })
  }
  return fs.readFileSync(file, 'utf8').trim()
}

export function loadConfig(env: Env = process.env): Config {
  const mode = oneOf(env, 'NODE_ENV', ['development', 'test', 'production'] as const, 'development')
  const production = mode === 'production'
  const dataDir = path.resolve(str(env, 'DATA_DIR', 'var/data'))

  const databaseUrl = url(env, 'DATABASE_URL', ['postgres', 'postgresql'])
  const redisUrl = url(env, 'REDIS_URL', ['redis', 'rediss'])

  const internalToken = optional(env, 'INTERNAL_TOKEN')
  if (production && !internalToken) throw new ConfigError('INTERNAL_TOKEN is required in production (shared secret for /internal/kamailio)')
  if (internalToken !== undefined && internalToken.length < 16) throw new ConfigError('INTERNAL_TOKEN must be at least 16 characters')

  let keysRaw = optional(env, 'ENCRYPTION_KEYS')
  if (!keysRaw) {
    if (production) throw new ConfigError('ENCRYPTION_KEYS is required in production (<keyId>:<base64 32-byte key>[,…])')
    keysRaw = devKey(dataDir)
  }
  const all = parseKeys(keysRaw, 'ENCRYPTION_KEYS')
  const activeId = optional(env, 'ENCRYPTION_ACTIVE_KEY') ?? all[0].id
  const active = all.find((k) => k.id === activeId)
  if (!active) throw new ConfigError(`ENCRYPTION_ACTIVE_KEY "${activeId}" is not one of ENCRYPTION_KEYS`)

  const readyRequires = list(env, 'READY_REQUIRES', redisUrl ? ['db', 'redis'] : ['db'])
  for (const r of readyRequires) {
    if (!['db', 'redis', 'kamailio', 'rtpengine'].includes(r)) throw new ConfigError(`READY_REQUIRES: unknown check "${r}"`)
  }

  const rtpengineNg = hostPort(env, 'RTPENGINE_NG', '127.0.0.1:22222')
  return Object.freeze({
    env: mode,
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, mode === 'test' ? 'silent' : 'info'),
    http: { host: str(env, 'HTTP_HOST', '127.0.0.1'), port: port(env, 'HTTP_PORT', 8080) },
    jsonRpc: { host: str(env, 'CP_JSONRPC_HOST', '127.0.0.1'), port: port(env, 'CP_JSONRPC_PORT', 8089), enabled: bool(env, 'CP_JSONRPC_ENABLED', true) },
    // on by default; unit and API tests build many apps in one process and keep the lookups in it
    lookupWorker: bool(env, 'CP_LOOKUP_WORKER', mode !== 'test'),
    databaseUrl,
    dataDir,
    redisUrl,
    redis: { keyPrefix: str(env, 'REDIS_KEY_PREFIX', 'sb:'), commandTimeoutMs: int(env, 'REDIS_COMMAND_TIMEOUT_MS', 1000, 50, 30_000) },
    internal: {
      token: internalToken,
      allowedIps: list(env, 'INTERNAL_ALLOWED_IPS', ['127.0.0.1', '::1', '::ffff:127.0.0.1']),
      lookupDeadlineMs: int(env, 'LOOKUP_DEADLINE_MS', 250, 10, 10_000),
    },
    encryption: { active, all },
    security: loadSecurityConfig(env, production, dataDir),
    events: loadObservabilityConfig(env, mode),
    kamailio: { rpcUrl: url(env, 'KAMAILIO_RPC_URL', ['http', 'https']) ?? 'http://127.0.0.1:5071/RPC' },
    rtpengine: { ng: rtpengineNg, httpUrl: url(env, 'RTPENGINE_HTTP_URL', ['http', 'https']) },
    media: loadMediaConfig(env, dataDir, rtpengineNg),
    readyRequires: readyRequires as Config['readyRequires'],
    instanceId: str(env, 'INSTANCE_ID', `${process.pid}`),
  })
}
