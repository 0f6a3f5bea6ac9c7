// How the benchmark and soak scripts start the control plane the way production runs it: the
// compiled server (dist/, `npm run build`), the node flags `npm start` passes, NODE_ENV=production
// with throw-away secrets. One place, so the scripts measure what `npm start` runs.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

export const ROOT = path.resolve(import.meta.dirname, '../..')
export const SERVER_ENTRY = path.join(ROOT, 'dist/control-plane/src/server.js')

export function buildServer(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
}

/** The node flags of package.json "start" (node <flags> dist/…/server.js). */
export function npmStartNodeFlags(): string[] {
  const start: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start
  return start.split(/\s+/).filter((a) => a.startsWith('--'))
}

/** KEY=VALUE words (a value may itself contain '=') as an environment object. */
export function envAssignments(words: string[]): Record<string, string> {
  return Object.fromEntries(words.map((w) => w.split(/=(.*)/s).slice(0, 2)))
}

/** The environment assignments of package.json "start" (VAR=value … node …). */
export function npmStartEnv(): Record<string, string> {
  const start: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start
  const words = start.split(/\s+/)
  return envAssignments(words.slice(0, words.indexOf('node')).filter((w) => /^[A-Z_]+=/.test(w)))
}

export interface ServerEnvOptions {
  databaseUrl: string
  dataDir: string
  httpPort: number
  rpcPort: number
  logLevel: string
  /** what the run adds or overrides (Kamailio RPC URL, rtpengine, bootstrap key file, …) */
  extra?: Record<string, string>
}

/** A production environment with throw-away secrets. */
export function productionEnv(o: ServerEnvOptions): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: o.logLevel,
    DATABASE_URL: o.databaseUrl,
    DATA_DIR: o.dataDir,
    ENCRYPTION_KEYS: 'k1:' + randomBytes(32).toString('base64'),
    INTERNAL_TOKEN: 'internal-' + randomBytes(12).toString('hex'),
    AUTH_TOKEN_KEY: randomBytes(32).toString('base64'),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(o.httpPort),
    CP_JSONRPC_ENABLED: 'true',
    CP_JSONRPC_HOST: '127.0.0.1',
    CP_JSONRPC_PORT: String(o.rpcPort),
    KAMAILIO_RPC_URL: 'http://127.0.0.1:1/RPC',
    RTPENGINE_NG: '127.0.0.1:9',
    ...o.extra,
  }
}

/** A `ready` check for startServer: the server has logged its first routing snapshot (its log is
 *  written in blocks, so the line can land a moment after /health/live answers). */
export const snapshotLogged = (logFile: string) => () => fs.readFileSync(logFile, 'utf8').includes('routing snapshot rebuilt')

/** Stops a child process: SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves
 *  once it is gone (at once if it already was). */
export async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  const gone = () => child.exitCode !== null || child.signalCode !== null
  if (gone()) return
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  child.kill('SIGTERM')
  await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs).unref())])
  if (gone()) return
  child.kill('SIGKILL')
  await exited
}

export interface StartedServer {
  child: ChildProcess
  pid: number
  /** the server's output so far (stdout and stderr, in logFile) */
  log(): string
}

/** Spawns `node <nodeArgs> <entry>` with its output in `logFile` and waits until GET /health/live
 *  answers (and `ready()`, when given, holds), at most `timeoutMs`. A server that exits or is not up
 *  in time is killed and the error carries the end of its log. */
export async function startServer(o: { entry?: string; nodeArgs: string[]; env: NodeJS.ProcessEnv; logFile: string; httpPort: number; ready?: () => boolean; timeoutMs?: number }): Promise<StartedServer> {
  const out = fs.openSync(o.logFile, 'w')
  const child = spawn(process.execPath, [...o.nodeArgs, o.entry ?? SERVER_ENTRY], { cwd: ROOT, stdio: ['ignore', out, out], env: o.env })
  fs.closeSync(out)
  const log = () => fs.readFileSync(o.logFile, 'utf8')
  const until = Date.now() + (o.timeoutMs ?? 60_000)
  for (;;) {
    const exited = child.exitCode !== null || child.signalCode !== null
    if (!exited && (await fetch(`http://127.0.0.1:${o.httpPort}/health/live`).then((r) => r.ok).catch(() => false)) && (o.ready?.() ?? true)) break
    if (exited || Date.now() > until) {
      if (!exited) child.kill('SIGKILL')
      throw new Error(`control plane not up (${exited ? `exited ${child.exitCode ?? child.signalCode}` : `after ${o.timeoutMs ?? 60_000} ms`}):\n${log().slice(-3000)}`)
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  return { child, pid: child.pid!, log }
}
