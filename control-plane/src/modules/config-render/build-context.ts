// Builds the render context from environment-style settings (the same variables the control
// plane reads, plus KAMAILIO_*/RTPENGINE_* ones), with development defaults that keep everything on
// loopback: SIP 127.0.0.1:5060 udp+tcp, RPC/metrics 127.0.0.1:5071, control plane 127.0.0.1:8089,
// rtpengine ng 127.0.0.1:22222. The result is validated before it is returned.
import path from 'node:path'
import { ConfigError, bool, hostPort, int, list, optional, port, str } from '../../config/env.ts'
import { type RenderContext, type SipListen, type SipProto, validateRenderContext } from './context.ts'

type Env = Record<string, string | undefined>

function parseListen(raw: string, key: string, advertiseHost: string | undefined): SipListen {
  const m = /^(udp|tcp|tls):(\[[0-9a-fA-F:]+\]|[^:]+):(\d{1,5})$/.exec(raw.trim())
  if (!m) throw new ConfigError(`${key}: "${raw}" must look like udp:IP:PORT, tcp:IP:PORT or tls:IP:PORT`)
  const p = Number(m[3])
  return { proto: m[1] as SipProto, address: m[2].replace(/^\[|\]$/g, ''), port: p, advertise: advertiseHost ? `${advertiseHost}:${p}` : null }
}

/** Deep-merge plain objects (arrays and scalars from `over` replace those of `base`). */
export function mergeContext<T>(base: T, over: unknown): T {
  if (over === undefined) return base
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof over !== 'object' || over === null || Array.isArray(over)) {
    return over as T
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) }
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    if (!(k in out)) throw new ConfigError(`context override: unknown field "${k}"`)
    out[k] = mergeContext(out[k], v)
  }
  return out as T
}

export interface BuildOptions {
  /** base directory for relative paths (runtime dir, recordings); default process.cwd() */
  cwd?: string
  /** a partial context (e.g. from --context FILE.json) merged over the env-derived one */
  overrides?: unknown
}

export function buildRenderContext(env: Env = process.env, opts: BuildOptions = {}): RenderContext {
  const cwd = opts.cwd ?? process.cwd()
  const abs = (p: string) => path.resolve(cwd, p)
  const advertise = optional(env, 'SIP_ADVERTISE_ADDRESS')
  const tlsEnabled = bool(env, 'SIP_TLS_ENABLED', false)

  const listen = list(env, 'SIP_LISTEN', ['udp:127.0.0.1:5060', 'tcp:127.0.0.1:5060']).map((l) => parseListen(l, 'SIP_LISTEN', advertise))
  if (tlsEnabled) listen.push(parseListen(str(env, 'SIP_TLS_LISTEN', 'tls:127.0.0.1:5061'), 'SIP_TLS_LISTEN', advertise))

  const rpc = hostPort(env, 'KAMAILIO_RPC_LISTEN', '127.0.0.1:5071')
  const ng = hostPort(env, 'RTPENGINE_NG', '127.0.0.1:22222')
  const http = hostPort(env, 'RTPENGINE_HTTP_LISTEN', `${ng.host}:${ng.port + 2}`)
  const cli = hostPort(env, 'RTPENGINE_CLI_LISTEN', `${ng.host}:${ng.port + 3}`)
  // CP_JSONRPC_PEERS=host:port,host:port lists every control plane (active first, then the standby);
  // without it, the single CP_JSONRPC_HOST:CP_JSONRPC_PORT
  const cpHost = str(env, 'CP_JSONRPC_HOST', '127.0.0.1')
  const cpPort = port(env, 'CP_JSONRPC_PORT', 8089)
  const cpServers = list(env, 'CP_JSONRPC_PEERS', []).map((raw, i) => {
    const m = /^([^:\s]+):(\d{1,5})$/.exec(raw.trim())
    if (!m) throw new ConfigError(`CP_JSONRPC_PEERS: "${raw}" must look like host:port`)
    return { host: m[1], port: Number(m[2]), priority: 10 * (i + 1) }
  })
  if (cpServers.length === 0) cpServers.push({ host: cpHost, port: cpPort, priority: 10 })
  const runtimeDir = abs(str(env, 'KAMAILIO_RUNTIME_DIR', 'var/run/kamailio'))
  const mediaFlags = 'replace-origin replace-session-connection ICE=remove'

  const ctx: RenderContext = {
    sip: {
      listen,
      aliases: list(env, 'SIP_ALIASES', []),
      children: int(env, 'KAMAILIO_CHILDREN', 4, 1, 64),
      tcpChildren: int(env, 'KAMAILIO_TCP_CHILDREN', 2, 1, 64),
      asyncWorkers: int(env, 'KAMAILIO_ASYNC_WORKERS', 4, 1, 64),
      logLevel: int(env, 'KAMAILIO_LOG_LEVEL', 2, -5, 3),
    },
    rpc: { address: rpc.host, port: rpc.port },
    controlPlane: {
      host: cpServers[0].host,
      port: cpServers[0].port,
      lookupTimeoutMs: int(env, 'KAMAILIO_LOOKUP_TIMEOUT_MS', 1000, 50, 30_000),
      servers: cpServers,
    },
    auth: {
      cacheTtlSeconds: int(env, 'KAMAILIO_AUTH_CACHE_TTL', 3600, 0, 30 * 86400),
      nonceExpireSeconds: int(env, 'KAMAILIO_NONCE_EXPIRE', 300, 10, 3600),
      nonceSecret: optional(env, 'KAMAILIO_AUTH_SECRET') ?? null,
    },
    usrloc: {
      dbUrl: str(env, 'KAMAILIO_USRLOC_DB_URL', ''),
      schemaPath: str(env, 'KAMAILIO_DB_REDIS_SCHEMA', '/usr/share/kamailio/db_redis/kamailio'),
    },
    registrar: {
      minExpires: int(env, 'REGISTRAR_MIN_EXPIRES', 60, 1, 86400),
      maxExpires: int(env, 'REGISTRAR_MAX_EXPIRES', 3600, 1, 7 * 86400),
      defaultExpires: int(env, 'REGISTRAR_DEFAULT_EXPIRES', 600, 1, 7 * 86400),
    },
    rtpengine: {
      enabled: bool(env, 'RTPENGINE_ENABLED', true),
      sockets: [`udp:${ng.host}:${ng.port}`],
      defaultOfferFlags: str(env, 'RTPENGINE_OFFER_FLAGS', mediaFlags),
      defaultAnswerFlags: str(env, 'RTPENGINE_ANSWER_FLAGS', mediaFlags),
      daemon: {
        interface: str(env, 'RTPENGINE_INTERFACE', ng.host),
        ng: { address: ng.host, port: ng.port },
        http: { address: http.host, port: http.port },
        cli: { address: cli.host, port: cli.port },
        portMin: port(env, 'RTP_PORT_MIN', 30000),
        portMax: port(env, 'RTP_PORT_MAX', 39999),
        recordingDir: abs(str(env, 'RTPENGINE_RECORDING_DIR', 'var/recordings')),
        pidFile: abs(str(env, 'RTPENGINE_PIDFILE', 'var/run/rtpengine/rtpengine.pid')),
        logLevel: int(env, 'RTPENGINE_LOG_LEVEL', 6, 0, 7),
      },
    },
    tls: {
      enabled: tlsEnabled,
      certFile: tlsEnabled ? abs(str(env, 'SIP_TLS_CERT')) : '',
      keyFile: tlsEnabled ? abs(str(env, 'SIP_TLS_KEY')) : '',
      caFile: tlsEnabled && optional(env, 'SIP_TLS_CA') ? abs(str(env, 'SIP_TLS_CA')) : '',
    },
    emergency: {
      numbers: list(env, 'EMERGENCY_NUMBERS', []),
      trunkUri: str(env, 'EMERGENCY_TRUNK_URI', ''),
    },
    security: {
      pike: {
        enabled: bool(env, 'KAMAILIO_PIKE_ENABLED', false),
        samplingTimeUnit: int(env, 'KAMAILIO_PIKE_SAMPLING', 2, 1, 60),
        reqsDensityPerUnit: int(env, 'KAMAILIO_PIKE_DENSITY', 60, 1, 100_000),
      },
      ratelimit: {
        enabled: bool(env, 'KAMAILIO_RATELIMIT_ENABLED', false),
        invitesPerSecond: int(env, 'KAMAILIO_RATELIMIT_INVITE', 500, 1, 100_000),
        registersPerSecond: int(env, 'KAMAILIO_RATELIMIT_REGISTER', 2000, 1, 100_000),
      },
      bans: {
        enabled: bool(env, 'SIP_BAN_ENABLED', true),
        failures: int(env, 'SIP_BAN_FAILURES', 10, 1, 10_000),
        windowSeconds: int(env, 'SIP_BAN_WINDOW_SECONDS', 300, 1, 86_400),
        banSeconds: int(env, 'SIP_BAN_SECONDS', 3600, 1, 30 * 86_400),
      },
    },
    tm: { frTimerMs: int(env, 'KAMAILIO_FR_TIMER_MS', 5000, 500, 60_000), frInvTimerMs: int(env, 'KAMAILIO_FR_INV_TIMER_MS', 60_000, 1000, 600_000) },
    retryAfterSeconds: int(env, 'KAMAILIO_RETRY_AFTER', 30, 1, 3600),
    runtimeDir,
  }
  if (ctx.emergency.numbers.length > 0 && !ctx.emergency.trunkUri) throw new ConfigError('EMERGENCY_NUMBERS needs EMERGENCY_TRUNK_URI (sip:host:port)')
  return validateRenderContext(mergeContext(ctx, opts.overrides))
}
