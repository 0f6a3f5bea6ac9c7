// Run one SIPp scenario and report its exit code and statistics. SIPp exit codes: 0 every call
// succeeded, 1 at least one failed, 97 stopped by an internal command, 99 normal exit without
// calls, 255/-1 fatal error.
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const SCENARIO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../sipp/scenarios')

export interface SippOptions {
  /** scenario file: absolute, or a name in tests/sipp/scenarios (".xml" optional) */
  scenario: string
  /** host:port of the proxy; omit for a UAS that only listens */
  remote?: string
  localPort: number
  localIp?: string
  transport?: 'u1' | 'un' | 't1' | 'tn'
  /** -s: the [service] keyword (R-URI user) */
  service?: string
  /** -inf: CSV injection file (absolute, or a name in the scenario dir) */
  inject?: string
  /** -m: stop after this many calls (UAC) or calls handled (UAS) */
  calls?: number
  /** -r: calls per second */
  rate?: number
  /** -d: pause length in ms for <pause/> */
  pauseMs?: number
  /** digest credentials for the [authentication] keyword (-au/-ap) */
  auth?: { user: string; password: string }
  /** -key name value pairs, available as [name] in the scenario */
  keys?: Record<string, string>
  /** media port base (-mp); default: mediaPortFor(localPort) */
  mediaPort?: number
  /** kill SIPp after this long (SIPp -timeout plus a margin) */
  timeoutMs?: number
  extraArgs?: string[]
}

export interface SippStats {
  successful: number
  failed: number
  /** last row of the -trace_stat CSV, by column name */
  row: Record<string, string>
}

export interface SippResult {
  code: number
  stats: SippStats | null
  /** contents of the -trace_err file: unexpected messages, timeouts */
  errors: string
  output: string
}

export interface SippRun {
  pid: number
  done: Promise<SippResult>
  stop(): void
}

function resolveIn(file: string, ext: string): string {
  if (path.isAbsolute(file)) return file
  return path.join(SCENARIO_DIR, file.endsWith(ext) ? file : file + ext)
}

function parseStats(file: string): SippStats | null {
  if (!fs.existsSync(file)) return null
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n')
  if (lines.length < 2) return null
  const head = lines[0].split(';')
  const last = lines[lines.length - 1].split(';')
  const row: Record<string, string> = {}
  head.forEach((h, i) => { row[h] = last[i] ?? '' })
  return { successful: Number(row['SuccessfulCall(C)'] ?? 0), failed: Number(row['FailedCall(C)'] ?? 0), row }
}

/** A SIPp injection file (-inf) in `dir`: one "user;domain" line per user, read in order. */
export function sippUsersCsv(dir: string, domain: string, ...users: string[]): string {
  const file = path.join(dir, `users-${users.join('-')}.csv`)
  fs.writeFileSync(file, `SEQUENTIAL\n${users.map((u) => `${u};${domain}`).join('\n')}\n`)
  return file
}

/**
 * SIPp binds its media sockets (-mp, and -mp + 2 for video) even for scenarios without RTP, and
 * its default -mp is 6000: a SIPp run with no media port took UDP 6000, which is a test SIP port
 * (the e2e registration suite's Kamailio failed to bind it when the files ran in parallel). The
 * default is derived from the signalling port instead: 24000 + (port - 5000) * 4 for ports
 * 5000-6999, i.e. 24000-31996, below the ephemeral range and away from the RTP ranges.
 */
export function mediaPortFor(localPort: number): number | undefined {
  return localPort >= 5000 && localPort <= 6999 ? 24000 + (localPort - 5000) * 4 : undefined
}

/** Start SIPp in the background (a UAS started before the UAC that calls it). */
export function startSipp(o: SippOptions): SippRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-sipp-'))
  const statFile = path.join(dir, 'stat.csv')
  const errFile = path.join(dir, 'errors.log')
  const timeoutMs = o.timeoutMs ?? 30_000
  const args = [
    '-sf', resolveIn(o.scenario, '.xml'),
    '-i', o.localIp ?? '127.0.0.1', '-p', String(o.localPort),
    '-t', o.transport ?? 'u1',
    '-m', String(o.calls ?? 1),
    '-r', String(o.rate ?? 10),
    '-timeout', `${Math.ceil(timeoutMs / 1000)}s`, '-timeout_error',
    '-trace_stat', '-stf', statFile, '-fd', '1',
    '-trace_err', '-error_file', errFile,
    '-nostdin',
  ]
  if (o.service) args.push('-s', o.service)
  if (o.inject) args.push('-inf', resolveIn(o.inject, '.csv'))
  if (o.auth) args.push('-au', o.auth.user, '-ap', o.auth.password)
  if (o.pauseMs !== undefined) args.push('-d', String(o.pauseMs))
  const mediaPort = o.mediaPort ?? mediaPortFor(o.localPort)
  if (mediaPort !== undefined) args.push('-mp', String(mediaPort))
  for (const [k, v] of Object.entries(o.keys ?? {})) args.push('-key', k, v)
  args.push(...(o.extraArgs ?? []))
  if (o.remote) args.push(o.remote)

  const child: ChildProcess = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (b: Buffer) => { output = (output + b.toString()).slice(-200_000) })
  child.stderr?.on('data', (b: Buffer) => { output = (output + b.toString()).slice(-200_000) })
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 5000)
  const done = new Promise<SippResult>((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(killer)
      resolve({
        code: code ?? (signal ? 255 : -1),
        stats: parseStats(statFile),
        errors: fs.existsSync(errFile) ? fs.readFileSync(errFile, 'utf8') : '',
        output,
      })
    })
  })
  return { pid: child.pid ?? -1, done, stop: () => { if (child.exitCode === null) child.kill('SIGTERM') } }
}

/** Run SIPp to completion. */
export function runSipp(o: SippOptions): Promise<SippResult> {
  return startSipp(o).done
}
