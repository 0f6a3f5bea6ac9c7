// Settings of the media side (issue 5): the rtpengine nodes the control plane talks to, their
// health checks, and call recording (where rtpengine spools pcaps, where sealed files are kept,
// consent, retention). Same rules as config.ts: validated at boot, one-line errors.
import path from 'node:path'
import { ConfigError, int, oneOf, optional, str } from './env.ts'
import { parseMediaNodes, type MediaNodeSpec } from '../modules/media/media-client.ts'

type Env = Record<string, string | undefined>

export interface MediaConfig {
  /** RTPENGINE_NODES, else the single RTPENGINE_NG node */
  nodes: MediaNodeSpec[]
  timeoutMs: number
  healthIntervalMs: number
  recording: {
    /** rtpengine's recording-dir (its pcaps/ and metadata/ subfolders) */
    spoolDir: string
    /** sealed files (AES-256-GCM) */
    storeDir: string
    retentionDays: number
    /** announcement: played to both parties before recording starts; flag: record only with a consent flag */
    consent: 'announcement' | 'flag'
    /** a WAV file rtpengine can read; generated into DATA_DIR when unset */
    announcementFile?: string
    /** ms to wait for rtpengine's files after stop (they are closed asynchronously) */
    collectTimeoutMs: number
  }
}

export function loadMediaConfig(env: Env, dataDir: string, ng: { host: string; port: number }): MediaConfig {
  let nodes: MediaNodeSpec[]
  try {
    nodes = parseMediaNodes(optional(env, 'RTPENGINE_NODES') ?? `${ng.host.includes(':') ? `[${ng.host}]` : ng.host}:${ng.port}`)
  } catch (err) {
    throw new ConfigError(`RTPENGINE_NODES: ${(err as Error).message}`)
  }
  if (nodes.length === 0) throw new ConfigError('RTPENGINE_NODES names no node')
  const announcementFile = optional(env, 'RECORDING_ANNOUNCEMENT_FILE')
  return {
    nodes,
    timeoutMs: int(env, 'RTPENGINE_TIMEOUT_MS', 1000, 50, 30_000),
    healthIntervalMs: int(env, 'RTPENGINE_HEALTH_INTERVAL_MS', 5000, 0, 3_600_000),
    recording: {
      spoolDir: path.resolve(str(env, 'RTPENGINE_RECORDING_DIR', 'var/recordings')),
      storeDir: path.resolve(str(env, 'RECORDINGS_STORE_DIR', path.join(dataDir, 'recordings'))),
      retentionDays: int(env, 'RECORDING_RETENTION_DAYS', 90, 1, 3650),
      consent: oneOf(env, 'RECORDING_CONSENT', ['announcement', 'flag'] as const, 'announcement'),
      announcementFile: announcementFile ? path.resolve(announcementFile) : undefined,
      collectTimeoutMs: int(env, 'RECORDING_COLLECT_TIMEOUT_MS', 3000, 100, 60_000),
    },
  }
}
