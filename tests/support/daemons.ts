// Start and stop a real Kamailio and a real RTPengine for tests and `npm run up`. Each daemon runs
// in the foreground as our child, on the ports the caller gives (so tests never collide with a dev
// stack), from a config rendered into a private temp dir. stop() ends exactly the process we
// started, by pid.
import { type ChildProcess, spawn } from 'node:child_process'
import dgram from 'node:dgram'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildRenderContext, renderKamailio, renderRtpengine } from '../../control-plane/src/modules/config-render/render.ts'
import type { RenderContext } from '../../control-plane/src/modules/config-render/context.ts'
import { prepareUsrlocRedis } from '../../control-plane/src/modules/kamailio/usrloc-store.ts'

export interface Daemon {
  pid: number
  dir: string
  /** everything the daemon wrote to stdout/stderr so far */
  log(): string
  stop(): Promise<void>
}

export interface KamailioOptions {
  sipPort: number
  rpcPort: number
  cpPort: number
  /** rtpengine ng port; null renders the cfg without WITH_RTPENGINE */
  rtpengineNgPort: number | null
  host?: string
  /** more environment-style settings for buildRenderContext (EMERGENCY_NUMBERS, …) */
  env?: Record<string, string>
  /** a partial RenderContext merged last */
  overrides?: unknown
  shmMb?: number
  readyTimeoutMs?: number
}

export interface RtpengineOptions {
  ngPort: number
  portMin: number
  portMax: number
  httpPort?: number
  cliPort?: number
  host?: string
  readyTimeoutMs?: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function spawnDaemon(cmd: string, args: string[], dir: string): { child: ChildProcess; daemon: Daemon } {
  const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const keep = (b: Buffer) => {
    out += b.toString()
    if (out.length > 2_000_000) out = out.slice(-1_000_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const daemon: Daemon = {
    pid: child.pid ?? -1,
    dir,
    log: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])
      if (!done) {
        child.kill('SIGKILL')
        await exited
      }
    },
  }
  return { child, daemon }
}

async function waitUntil(what: string, daemon: Daemon, child: ChildProcess, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${daemon.log().slice(-4000)}`)
    if (await probe().catch(() => false)) return
    await sleep(100)
  }
  await daemon.stop()
  throw new Error(`${what} not ready after ${timeoutMs} ms:\n${daemon.log().slice(-4000)}`)
}

export function kamailioContext(o: KamailioOptions, dir: string): RenderContext {
  const host = o.host ?? '127.0.0.1'
  const env: Record<string, string> = {
    SIP_LISTEN: `udp:${host}:${o.sipPort},tcp:${host}:${o.sipPort}`,
    KAMAILIO_RPC_LISTEN: `127.0.0.1:${o.rpcPort}`,
    CP_JSONRPC_HOST: '127.0.0.1',
    CP_JSONRPC_PORT: String(o.cpPort),
    KAMAILIO_RUNTIME_DIR: path.join(dir, 'run'),
    KAMAILIO_CHILDREN: '2',
    KAMAILIO_TCP_CHILDREN: '2',
    RTPENGINE_ENABLED: o.rtpengineNgPort === null ? 'false' : 'true',
    RTPENGINE_NG: `127.0.0.1:${o.rtpengineNgPort ?? 22222}`,
    ...o.env,
  }
  return buildRenderContext(env, { cwd: dir, overrides: o.overrides })
}

/** POST one JSON-RPC call to Kamailio's jsonrpcs (xhttp) endpoint. */
export async function kamailioRpc(rpcPort: number, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${rpcPort}/RPC`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }),
    signal: AbortSignal.timeout(2000),
  })
  const body = (await res.json()) as { result?: unknown; error?: { message: string } }
  if (body.error) throw new Error(`kamailio rpc ${method}: ${body.error.message}`)
  return body.result
}

export async function startKamailio(o: KamailioOptions): Promise<Daemon & { cfgFile: string; ctx: RenderContext }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-kamailio-'))
  const ctx = kamailioContext(o, dir)
  fs.mkdirSync(ctx.runtimeDir, { recursive: true })
  const cfgFile = path.join(dir, 'kamailio.cfg')
  fs.writeFileSync(cfgFile, renderKamailio(ctx), { mode: 0o640 })
  if (ctx.usrloc.dbUrl) await prepareUsrlocRedis(ctx.usrloc.dbUrl)
  const args = ['-DD', '-E', '-f', cfgFile, '-Y', ctx.runtimeDir, '-m', String(o.shmMb ?? 256), '-M', '32']
  const { child, daemon } = spawnDaemon('kamailio', args, dir)
  await waitUntil('kamailio', daemon, child, o.readyTimeoutMs ?? 10_000, async () => (await kamailioRpc(o.rpcPort, 'core.uptime')) !== undefined)
  return { ...daemon, cfgFile, ctx }
}

/** rtpengine ng "ping" over UDP (bencode: d7:command4:pinge); resolves true on "pong". */
export function rtpenginePing(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4')
    const cookie = `p${process.pid}${Date.now()}`
    const t = setTimeout(() => { sock.close(); resolve(false) }, timeoutMs)
    sock.on('message', (m) => {
      clearTimeout(t)
      sock.close()
      resolve(m.toString().startsWith(cookie) && m.toString().includes('pong'))
    })
    sock.on('error', () => { clearTimeout(t); sock.close(); resolve(false) })
    sock.send(`${cookie} d7:command4:pinge`, port, host)
  })
}

/** rtpengine from the rendered rtpengine.conf (userspace, table = -1). */
export async function startRtpengine(o: RtpengineOptions): Promise<Daemon & { confFile: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-rtpengine-'))
  const host = o.host ?? '127.0.0.1'
  const ctx = buildRenderContext({
    RTPENGINE_NG: `${host}:${o.ngPort}`,
    RTPENGINE_HTTP_LISTEN: `${host}:${o.httpPort ?? o.ngPort + 2}`,
    RTPENGINE_CLI_LISTEN: `${host}:${o.cliPort ?? o.ngPort + 3}`,
    RTP_PORT_MIN: String(o.portMin),
    RTP_PORT_MAX: String(o.portMax),
    RTPENGINE_RECORDING_DIR: path.join(dir, 'recordings'),
    RTPENGINE_PIDFILE: path.join(dir, 'rtpengine.pid'),
  }, { cwd: dir })
  fs.mkdirSync(ctx.rtpengine.daemon.recordingDir, { recursive: true })
  const confFile = path.join(dir, 'rtpengine.conf')
  fs.writeFileSync(confFile, renderRtpengine(ctx), { mode: 0o640 })
  // --config-file names our file only, so /etc/rtpengine/rtpengine.conf is never read
  const { child, daemon } = spawnDaemon('rtpengine', [`--config-file=${confFile}`, '--foreground'], dir)
  await waitUntil('rtpengine', daemon, child, o.readyTimeoutMs ?? 10_000, () => rtpenginePing(o.ngPort, host))
  return { ...daemon, confFile }
}
