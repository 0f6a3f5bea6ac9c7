// The real control plane as its own OS process (control-plane/src/server.ts under tsx), for the
// fault tests that must kill it (SIGKILL) or hang it (SIGSTOP): an in-process app cannot be
// killed without killing the test. Everything it logs goes to a file in its private temp dir.
// stop() ends exactly this process, by pid (SIGCONT first, in case a test left it stopped).
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export interface ControlPlaneProcess {
  pid: number
  httpPort: number
  /** the value of a metric (counter, gauge, histogram _count) summed over series matching labels */
  metric(name: string, labels?: Record<string, string>): Promise<number>
  signal(sig: NodeJS.Signals): void
  /** resolves when the process has exited */
  exited: Promise<void>
  log(): string
  stop(): Promise<void>
}

export interface ControlPlaneProcessOptions {
  httpPort: number
  jsonRpcPort: number
  databaseUrl: string
  env?: Record<string, string>
  readyTimeoutMs?: number
}

/** Parse Prometheus text: sum of the samples named `name` whose labels include `labels`. */
export function sumMetric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})?\s+(\S+)/.exec(line)
    if (!m || m[1] !== name) continue
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]))
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3])
  }
  return sum
}

export async function startControlPlaneProcess(o: ControlPlaneProcessOptions): Promise<ControlPlaneProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cp-'))
  const logFile = path.join(dir, 'control-plane.log')
  const out = fs.openSync(logFile, 'w')
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'control-plane/src/server.ts')], {
    cwd: ROOT,
    stdio: ['ignore', out, out],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATA_DIR: path.join(dir, 'data'),
      DATABASE_URL: o.databaseUrl,
      ENCRYPTION_KEYS: 'test1:' + Buffer.alloc(32, 7).toString('base64'),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(o.httpPort),
      CP_JSONRPC_ENABLED: 'true',
      CP_LOOKUP_WORKER: 'true', // as production runs it
      CP_JSONRPC_HOST: '127.0.0.1',
      CP_JSONRPC_PORT: String(o.jsonRpcPort),
      KAMAILIO_RPC_URL: 'http://127.0.0.1:1/RPC',
      RTPENGINE_NG: '127.0.0.1:9',
      ...o.env,
    },
  })
  fs.closeSync(out)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const gone = () => child.exitCode !== null || child.signalCode !== null
  const log = () => fs.readFileSync(logFile, 'utf8')
  const base = `http://127.0.0.1:${o.httpPort}`
  const proc: ControlPlaneProcess = {
    pid: child.pid ?? -1,
    httpPort: o.httpPort,
    async metric(name, labels = {}) {
      const text = await (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(1000) })).text()
      return sumMetric(text, name, labels)
    },
    signal(sig) {
      if (!gone()) child.kill(sig)
    },
    exited,
    log,
    async stop() {
      if (!gone()) {
        child.kill('SIGCONT')
        child.kill('SIGTERM')
        if (!(await Promise.race([exited.then(() => true), sleep(12_000).then(() => false)]))) {
          child.kill('SIGKILL')
          await exited
        }
      }
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
  const until = Date.now() + (o.readyTimeoutMs ?? 60_000)
  for (;;) {
    if (gone()) throw new Error(`control plane on :${o.httpPort} exited with ${child.exitCode ?? child.signalCode}:\n${log().slice(-3000)}`)
    const ready = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false)
    if (ready) return proc
    if (Date.now() > until) {
      await proc.stop()
      throw new Error(`control plane on :${o.httpPort} not ready after ${o.readyTimeoutMs ?? 60_000} ms`)
    }
    await sleep(200)
  }
}
