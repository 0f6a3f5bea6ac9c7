// The whole platform for one e2e test file: a real RTPengine, the real control plane (on a
// throw-away PostgreSQL database, its JSON-RPC listener serving Kamailio) and a real Kamailio
// rendered from the templates, on ports the file owns. Provisioning goes through the HTTP API
// only, like an operator's. Everything started here is stopped in t.teardown, by pid.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Test } from 'tap'
import type { DestinationStream } from 'pino'
import { buildTestApp, type TestApp } from '../../control-plane/test/support/app.ts'
import { kamailioRpc, startKamailio, startRtpengine, type Daemon } from './daemons.ts'
import { sippUsersCsv, type SippResult } from './sipp.ts'

const have = (cmd: string, arg = '-v') => spawnSync(cmd, [arg], { encoding: 'utf8' }).error === undefined
/** tap's skip reason when a daemon is missing (false when everything is installed). */
export const skipE2e: false | string = have('kamailio') && have('sipp') && have('rtpengine', '--version') ? false : 'kamailio, rtpengine or sipp missing'

export interface StackPorts {
  sip: number
  /** Kamailio's jsonrpcs (xhttp) port */
  rpc: number
  /** the control plane's JSON-RPC listener */
  cp: number
  /** rtpengine ng (ng+2 and ng+3 are its HTTP and CLI ports) */
  ng: number
  rtpMin: number
  rtpMax: number
}

export interface StackOptions {
  /** the SIP domain (also a Kamailio alias) */
  domain: string
  /** more render-context settings for Kamailio (EMERGENCY_NUMBERS, …) */
  kamailioEnv?: Record<string, string>
  /** more control-plane settings (AMQP_URL, OUTBOX_WORKER_ENABLED, LOG_LEVEL, …) */
  cpEnv?: Record<string, string>
  /** where the control plane's log lines go (tests read them) */
  logDestination?: DestinationStream
}

export interface ApiResult {
  status: number
  body: any
}

export interface Stack {
  h: TestApp
  kam: Daemon & { cfgFile: string }
  rtp: Daemon
  ports: StackPorts
  domain: string
  target: string
  /** one API call as the ADMIN operator */
  api(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object): Promise<ApiResult>
  /** POST that must answer 201; returns the created item */
  create(resource: string, payload: object): Promise<any>
  /** wait until the routing snapshot reflects everything provisioned so far */
  rebuild(): Promise<void>
  /** a SIPp -inf file (absolute path) with these user;domain rows */
  csv(...users: string[]): string
  /** Kamailio's own JSON-RPC */
  kamRpc(method: string, params?: unknown[]): Promise<any>
  /** close the control plane (the outage scenarios); idempotent */
  stopControlPlane(): Promise<void>
  /** the value of a counter/histogram-count of the control plane's metrics, by labels */
  metric(name: string, labels: Record<string, string>): Promise<number>
}

export async function startStack(t: Test, ports: StackPorts, o: StackOptions): Promise<Stack> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-e2e-'))
  t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }))

  const rtp = await startRtpengine({ ngPort: ports.ng, portMin: ports.rtpMin, portMax: ports.rtpMax })
  t.teardown(() => rtp.stop())

  const h = await buildTestApp({
    env: {
      CP_JSONRPC_ENABLED: 'true',
      // production's arrangement: Kamailio's lookups answered by the lookup worker
      CP_LOOKUP_WORKER: 'true',
      CP_JSONRPC_HOST: '127.0.0.1',
      CP_JSONRPC_PORT: String(ports.cp),
      KAMAILIO_RPC_URL: `http://127.0.0.1:${ports.rpc}/RPC`,
      RTPENGINE_NG: `127.0.0.1:${ports.ng}`,
      // rtpengine's recording spool (startRtpengine renders its recording-dir there)
      RTPENGINE_RECORDING_DIR: path.join(rtp.dir, 'recordings'),
      ...o.cpEnv,
    },
    logDestination: o.logDestination,
  })
  let cpClosed: Promise<void> | undefined
  const stopControlPlane = () => (cpClosed ??= h.close())
  t.teardown(stopControlPlane)

  const kam = await startKamailio({
    sipPort: ports.sip,
    rpcPort: ports.rpc,
    cpPort: ports.cp,
    rtpengineNgPort: ports.ng,
    env: { SIP_ALIASES: o.domain, ...o.kamailioEnv },
  })
  t.teardown(async () => {
    await kam.stop()
    // debugging aid: E2E_KAMAILIO_LOG=/some/dir keeps each file's Kamailio log there
    if (process.env.E2E_KAMAILIO_LOG) fs.writeFileSync(path.join(process.env.E2E_KAMAILIO_LOG, `kamailio-${ports.sip}.log`), kam.log())
  })

  const api: Stack['api'] = async (method, url, payload) => {
    const r = await h.app.inject({ method, url: `/api/v1${url}`, headers: h.auth('ADMIN'), ...(payload ? { payload } : {}) })
    return { status: r.statusCode, body: r.body ? r.json() : undefined }
  }
  const stack: Stack = {
    h,
    kam,
    rtp,
    ports,
    domain: o.domain,
    target: `127.0.0.1:${ports.sip}`,
    api,
    async create(resource, payload) {
      const r = await api('POST', `/${resource}`, payload)
      if (r.status !== 201) throw new Error(`POST /${resource} → ${r.status} ${JSON.stringify(r.body)}`)
      return r.body
    },
    rebuild: () => h.app.routingSnapshot.rebuild().then(() => undefined),
    csv: (...users) => sippUsersCsv(tmp, o.domain, ...users),
    kamRpc: (method, params = []) => kamailioRpc(ports.rpc, method, params) as Promise<any>,
    stopControlPlane,
    async metric(name, labels) {
      const m = (await h.app.metrics.getMetricsAsJSON()).find((x) => x.name === name || `${x.name}_count` === name)
      if (!m) return 0
      const wantCount = name.endsWith('_count')
      const matches = (m.values as { value: number; labels: Record<string, unknown>; metricName?: string }[]).filter(
        (v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want) && (!wantCount || v.metricName === name),
      )
      return matches.reduce((s, v) => s + v.value, 0)
    },
  }
  return stack
}

/** The assertion every scenario uses: SIPp exited 0 with the expected number of successful calls. */
export function sippOk(t: Test, r: SippResult, what: string, calls = 1): void {
  const info = { code: r.code, stats: r.stats && { successful: r.stats.successful, failed: r.stats.failed }, errors: r.errors.slice(0, 3000), output: r.code === 0 ? '' : r.output.slice(-3000) }
  t.equal(r.code, 0, `${what}: SIPp exit code`, info)
  t.equal(r.stats?.successful, calls, `${what}: ${calls} successful call(s)`, info)
  t.equal(r.stats?.failed, 0, `${what}: no failed call`, info)
}

/** A direct Redis client that, at the end of the test, deletes the keys under `prefix` (the control
 *  planes' REDIS_KEY_PREFIX) and disconnects. */
export async function cleanRedisKeysOnTeardown(t: Test, url: string, prefix: string): Promise<import('ioredis').Redis> {
  const { Redis } = await import('ioredis')
  const redis = new Redis(url, { lazyConnect: true })
  await redis.connect()
  t.teardown(async () => {
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length) await redis.del(...keys)
    redis.disconnect()
  })
  return redis
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Poll until fn returns a truthy value (events reach the control plane a few ms after SIP). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 3000): Promise<T | undefined> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > until) return undefined
    await sleep(50)
  }
}
