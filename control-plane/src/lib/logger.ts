// pino options shared by the server and the CLI. Secrets are redacted by path; personal data in
// SIP identities is not logged by default at info level.
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino'
import { currentTraceId } from './tracing.ts'

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  '*.password',
  '*.secret',
  '*.ha1',
  '*.ha1b',
  '*.token',
  '*.apiKey',
  // admin sessions and MFA (issue 6), and personal data a handler might log with a body
  '*.accessToken',
  '*.refreshToken',
  '*.totp',
  '*.recoveryCode',
  '*.email',
  '*.displayName',
]

export function loggerOptions(level: string, stream: 'application' | 'audit' | 'diagnostic' = 'application'): LoggerOptions {
  return {
    level,
    base: { stream, service: 'switchboard-control-plane' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  }
}

/**
 * stdout, written in blocks of at least 4 kB, and at least every 200 ms when lines are waiting:
 * with one write(2) per line, at 200-400 calls/s (600-1,200 dialog-event lines a second) those
 * writes took 2-6 % of a core in the server's CPU profiles (docs/benchmarks.md §2).
 * The blocks are written synchronously, and what is left is written when the process exits: with
 * asynchronous writes, a block still in flight when process.exit() ran was lost (~120 of 2,000
 * lines in a test). One writer per process, whatever the number of apps built in it.
 */
let stdout: DestinationStream | undefined
function stdoutInBlocks(): DestinationStream {
  if (stdout) return stdout
  const dest = pino.destination({ fd: 1, sync: true, minLength: 4096 })
  setInterval(() => dest.flush(), 200).unref()
  process.once('exit', () => dest.flushSync())
  stdout = dest
  return dest
}

export type LogStream = 'application' | 'audit' | 'diagnostic'

/**
 * The three log streams of one process, as children of one root logger (so the `stream` field is
 * written once per line): application (requests, lifecycle), audit (committed journal entries),
 * diagnostic (SIP-side detail: registrations, dialog events). Every line carries the active trace
 * id when tracing is on.
 */
export function streamLoggers(level: string, destination?: DestinationStream): Record<LogStream, Logger> {
  const { base: _base, ...opts } = loggerOptions(level)
  const root = pino({ ...opts, base: { service: 'switchboard-control-plane' }, mixin: () => {
    const traceId = currentTraceId()
    return traceId ? { traceId } : {}
  } }, destination ?? (level === 'silent' ? { write: () => undefined } : stdoutInBlocks()))
  return { application: root.child({ stream: 'application' }), audit: root.child({ stream: 'audit' }), diagnostic: root.child({ stream: 'diagnostic' }) }
}
