// The typed render context for kamailio.cfg and rtpengine.conf. It is the only input of the
// templates: every value a rendered file depends on is here, validated once, so a template never
// guesses. Secrets never live in a template; the optional auth nonce secret comes from config.
import fs from 'node:fs'
import net from 'node:net'

export type SipProto = 'udp' | 'tcp' | 'tls'

export interface SipListen {
  proto: SipProto
  address: string
  port: number
  /** address:port written into Via/Record-Route instead of the bound one (NAT, load balancer) */
  advertise: string | null
}

export interface RenderContext {
  sip: {
    listen: SipListen[]
    /** names Kamailio treats as itself (uri==myself) besides the listen addresses */
    aliases: string[]
    children: number
    tcpChildren: number
    /** core async workers: they apply the control plane's answers (janssonrpcc resumes them all in one process) */
    asyncWorkers: number
    logLevel: number
  }
  /** jsonrpcs + xhttp_prom on their own TCP listener, loopback only */
  rpc: { address: string; port: number }
  /** host/port: the first (active) instance; servers: every instance, in failover order (janssonrpcc
   *  sends to the lowest priority number that is connected, so the next one takes over when it drops) */
  controlPlane: { host: string; port: number; lookupTimeoutMs: number; servers: { host: string; port: number; priority: number }[] }
  auth: {
    /** seconds an HA1 stays in htable `auth` (survives a control-plane outage) */
    cacheTtlSeconds: number
    nonceExpireSeconds: number
    /** null: Kamailio draws a random one at start (fine for a single instance) */
    nonceSecret: string | null
  }
  /** registrations: dbUrl '' keeps them in memory only (lost on restart); redis://HOST:PORT/DB writes
   *  them through to Redis (db_redis, usrloc db_mode 1) so they survive a Kamailio restart */
  usrloc: { dbUrl: string; schemaPath: string }
  /** platform defaults; the auth answer may narrow them per domain */
  registrar: { minExpires: number; maxExpires: number; defaultExpires: number }
  rtpengine: {
    enabled: boolean
    /** Kamailio rtpengine_sock entries, e.g. "udp:127.0.0.1:22222" */
    sockets: string[]
    /** flags used when the route answer carries none (and for emergency calls) */
    defaultOfferFlags: string
    defaultAnswerFlags: string
    daemon: {
      interface: string
      ng: { address: string; port: number }
      http: { address: string; port: number }
      cli: { address: string; port: number }
      portMin: number
      portMax: number
      recordingDir: string
      pidFile: string
      logLevel: number
    }
  }
  tls: { enabled: boolean; certFile: string; keyFile: string; caFile: string }
  emergency: { numbers: string[]; trunkUri: string }
  security: {
    pike: { enabled: boolean; samplingTimeUnit: number; reqsDensityPerUnit: number }
    ratelimit: { enabled: boolean; invitesPerSecond: number; registersPerSecond: number }
    /** `failures` digest failures from one IP within `windowSeconds` ban it for `banSeconds` (htable ipban); htable trusted is exempt */
    bans: { enabled: boolean; failures: number; windowSeconds: number; banSeconds: number }
  }
  tm: { frTimerMs: number; frInvTimerMs: number }
  /** answered with Retry-After (RFC 3261 §20.33) when the control plane is unreachable */
  retryAfterSeconds: number
  runtimeDir: string
}

export class RenderContextError extends Error {
  override name = 'RenderContextError'
  constructor(readonly problems: string[]) {
    super(`invalid render context:\n  - ${problems.join('\n  - ')}`)
  }
}

const isPort = (n: unknown): boolean => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65535
const isHostname = (s: string): boolean => /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(s)
// a cfg string is written between double quotes: refuse anything that could break out of them
const cfgSafe = (s: string): boolean => !/["\\\r\n]/.test(s)

/** Validate every field; throws RenderContextError listing all problems at once. */
export function validateRenderContext(ctx: RenderContext): RenderContext {
  const p: string[] = []
  const port = (v: unknown, where: string) => { if (!isPort(v)) p.push(`${where} must be a port 1-65535, got ${JSON.stringify(v)}`) }
  const ip = (v: string, where: string) => { if (net.isIP(v) === 0) p.push(`${where} must be an IP address, got "${v}"`) }
  const int = (v: unknown, where: string, min: number, max: number) => {
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) p.push(`${where} must be an integer ${min}-${max}, got ${JSON.stringify(v)}`)
  }
  const safe = (v: string, where: string) => { if (!cfgSafe(v)) p.push(`${where} must not contain quotes, backslashes or newlines`) }

  if (ctx.sip.listen.length === 0) p.push('sip.listen must name at least one socket')
  const seen = new Set<string>()
  ctx.sip.listen.forEach((l, i) => {
    if (!['udp', 'tcp', 'tls'].includes(l.proto)) p.push(`sip.listen[${i}].proto must be udp, tcp or tls`)
    ip(l.address, `sip.listen[${i}].address`)
    port(l.port, `sip.listen[${i}].port`)
    if (l.advertise !== null && !/^[A-Za-z0-9.\-:[\]]+:\d{1,5}$/.test(l.advertise)) p.push(`sip.listen[${i}].advertise must be host:port, got "${l.advertise}"`)
    const key = `${l.proto}:${l.address}:${l.port}`
    if (seen.has(key)) p.push(`sip.listen has ${key} twice`)
    seen.add(key)
    if (l.proto === 'tls' && !ctx.tls.enabled) p.push(`sip.listen[${i}] is TLS but tls.enabled is false`)
    if (l.proto !== 'udp' && l.address === ctx.rpc.address && l.port === ctx.rpc.port) p.push(`sip.listen[${i}] collides with the RPC port ${ctx.rpc.port}`)
  })
  if (ctx.tls.enabled && !ctx.sip.listen.some((l) => l.proto === 'tls')) p.push('tls.enabled is true but sip.listen has no tls socket')
  ctx.sip.aliases.forEach((a, i) => { if (!isHostname(a) && net.isIP(a) === 0) p.push(`sip.aliases[${i}] is not a host name: "${a}"`) })
  int(ctx.sip.children, 'sip.children', 1, 64)
  int(ctx.sip.tcpChildren, 'sip.tcpChildren', 1, 64)
  int(ctx.sip.asyncWorkers, 'sip.asyncWorkers', 1, 64)
  int(ctx.sip.logLevel, 'sip.logLevel', -5, 3)

  ip(ctx.rpc.address, 'rpc.address')
  if (ctx.rpc.address !== '127.0.0.1' && ctx.rpc.address !== '::1') p.push('rpc.address must be loopback (127.0.0.1 or ::1): the RPC has no authentication')
  port(ctx.rpc.port, 'rpc.port')

  if (!isHostname(ctx.controlPlane.host) && net.isIP(ctx.controlPlane.host) === 0) p.push(`controlPlane.host is not a host: "${ctx.controlPlane.host}"`)
  port(ctx.controlPlane.port, 'controlPlane.port')
  if (ctx.controlPlane.servers.length === 0) p.push('controlPlane.servers must name at least one control plane')
  const seenCp = new Set<string>()
  ctx.controlPlane.servers.forEach((sv, i) => {
    if (!isHostname(sv.host) && net.isIP(sv.host) === 0) p.push(`controlPlane.servers[${i}].host is not a host: "${sv.host}"`)
    port(sv.port, `controlPlane.servers[${i}].port`)
    int(sv.priority, `controlPlane.servers[${i}].priority`, 0, 1000)
    if (seenCp.has(`${sv.host}:${sv.port}`)) p.push(`controlPlane.servers has ${sv.host}:${sv.port} twice`)
    seenCp.add(`${sv.host}:${sv.port}`)
  })
  int(ctx.controlPlane.lookupTimeoutMs, 'controlPlane.lookupTimeoutMs', 50, 30_000)

  if (ctx.usrloc.dbUrl && !/^redis:\/\/[A-Za-z0-9.\-[\]:]+:\d{1,5}\/\d{1,2}$/.test(ctx.usrloc.dbUrl)) p.push(`usrloc.dbUrl must look like redis://HOST:PORT/DB, got "${ctx.usrloc.dbUrl}"`)
  if (ctx.usrloc.dbUrl && !ctx.usrloc.schemaPath.startsWith('/')) p.push('usrloc.schemaPath must be an absolute path')
  safe(ctx.usrloc.schemaPath, 'usrloc.schemaPath')

  int(ctx.auth.cacheTtlSeconds, 'auth.cacheTtlSeconds', 0, 30 * 86400)
  int(ctx.auth.nonceExpireSeconds, 'auth.nonceExpireSeconds', 10, 3600)
  if (ctx.auth.nonceSecret !== null) {
    if (ctx.auth.nonceSecret.length < 16) p.push('auth.nonceSecret must be at least 16 characters')
    safe(ctx.auth.nonceSecret, 'auth.nonceSecret')
  }

  const r = ctx.registrar
  int(r.minExpires, 'registrar.minExpires', 1, 86400)
  int(r.maxExpires, 'registrar.maxExpires', 1, 7 * 86400)
  int(r.defaultExpires, 'registrar.defaultExpires', 1, 7 * 86400)
  if (r.minExpires > r.defaultExpires || r.defaultExpires > r.maxExpires) p.push('registrar needs minExpires <= defaultExpires <= maxExpires')

  const rt = ctx.rtpengine
  if (rt.enabled && rt.sockets.length === 0) p.push('rtpengine.enabled needs at least one rtpengine.sockets entry')
  rt.sockets.forEach((s, i) => {
    const m = /^udp6?:(.+):(\d+)$/.exec(s)
    if (!m) p.push(`rtpengine.sockets[${i}] must look like udp:HOST:PORT, got "${s}"`)
    else port(Number(m[2]), `rtpengine.sockets[${i}] port`)
  })
  safe(rt.defaultOfferFlags, 'rtpengine.defaultOfferFlags')
  safe(rt.defaultAnswerFlags, 'rtpengine.defaultAnswerFlags')
  const d = rt.daemon
  ip(d.interface, 'rtpengine.daemon.interface')
  for (const k of ['ng', 'http', 'cli'] as const) { ip(d[k].address, `rtpengine.daemon.${k}.address`); port(d[k].port, `rtpengine.daemon.${k}.port`) }
  port(d.portMin, 'rtpengine.daemon.portMin')
  port(d.portMax, 'rtpengine.daemon.portMax')
  if (d.portMax - d.portMin < 3) p.push('rtpengine.daemon port range must hold at least 4 ports (one call)')
  int(d.logLevel, 'rtpengine.daemon.logLevel', 0, 7)
  if (!d.recordingDir.startsWith('/')) p.push('rtpengine.daemon.recordingDir must be an absolute path')
  if (!d.pidFile.startsWith('/')) p.push('rtpengine.daemon.pidFile must be an absolute path')

  if (ctx.tls.enabled) {
    for (const k of ['certFile', 'keyFile'] as const) {
      const f = ctx.tls[k]
      if (!f) p.push(`tls.${k} is required when TLS is on`)
      else if (!fs.existsSync(f)) p.push(`tls.${k} does not exist: ${f}`)
      else safe(f, `tls.${k}`)
    }
    if (ctx.tls.caFile && !fs.existsSync(ctx.tls.caFile)) p.push(`tls.caFile does not exist: ${ctx.tls.caFile}`)
  }

  ctx.emergency.numbers.forEach((n, i) => { if (!/^\+?[0-9]{2,15}$/.test(n)) p.push(`emergency.numbers[${i}] must be digits (optional +), got "${n}"`) })
  if (ctx.emergency.numbers.length > 0 && !/^sips?:[A-Za-z0-9.\-[\]:]+(;[A-Za-z0-9=._-]+)*$/.test(ctx.emergency.trunkUri)) {
    p.push(`emergency.trunkUri must be a SIP URI like sip:host:port, got "${ctx.emergency.trunkUri}"`)
  }

  int(ctx.security.pike.samplingTimeUnit, 'security.pike.samplingTimeUnit', 1, 60)
  int(ctx.security.pike.reqsDensityPerUnit, 'security.pike.reqsDensityPerUnit', 1, 100_000)
  int(ctx.security.ratelimit.invitesPerSecond, 'security.ratelimit.invitesPerSecond', 1, 100_000)
  int(ctx.security.ratelimit.registersPerSecond, 'security.ratelimit.registersPerSecond', 1, 100_000)
  int(ctx.security.bans.failures, 'security.bans.failures', 1, 10_000)
  int(ctx.security.bans.windowSeconds, 'security.bans.windowSeconds', 1, 86_400)
  int(ctx.security.bans.banSeconds, 'security.bans.banSeconds', 1, 30 * 86_400)
  int(ctx.tm.frTimerMs, 'tm.frTimerMs', 500, 60_000)
  int(ctx.tm.frInvTimerMs, 'tm.frInvTimerMs', 1000, 600_000)
  int(ctx.retryAfterSeconds, 'retryAfterSeconds', 1, 3600)
  if (!ctx.runtimeDir.startsWith('/')) p.push('runtimeDir must be an absolute path')
  safe(ctx.runtimeDir, 'runtimeDir')

  if (p.length > 0) throw new RenderContextError(p)
  return ctx
}
