// pino options shared by the server and the CLI. Secrets are redacted by path; personal data in
// SIP identities is not logged by default at info level.
import type { LoggerOptions } from 'pino'

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
