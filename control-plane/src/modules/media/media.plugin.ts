// The media side of the control plane as one plugin: the rtpengine client (nodes, weights,
// health checks), per-call quality for CDRs, and call recording with its retention sweep.
// The Kamailio event loop calls the hooks (event-sink.ts); the API routes use app.media.
import fp from 'fastify-plugin'
import path from 'node:path'
import { Gauge } from 'prom-client'
import { MediaClient } from './media-client.ts'
import { mediaQualityFromQuery, type MediaQuality } from './media-quality.ts'
import { RecordingStore } from './recording-store.ts'
import { ensureAnnouncement, recordingService, type RecordingService } from './recording.service.ts'

export interface MediaHooks {
  client: MediaClient
  recordings: RecordingService
  /** final statistics of a call (rtpengine keeps a deleted call for its delete-delay); null if unknown */
  quality(callId: string): Promise<MediaQuality | null>
}

declare module 'fastify' {
  interface FastifyInstance {
    media: MediaHooks
  }
}

const RETENTION_SWEEP_MS = 3600_000

export default fp(
  async (app) => {
    const cfg = app.config.media
    const nodeUp = new Gauge({ name: 'sb_rtpengine_node_up', help: 'rtpengine node answering ng pings (1) or not (0), as seen by the control plane', labelNames: ['node'], registers: [app.metrics] })
    const client = new MediaClient(cfg.nodes, {
      timeoutMs: cfg.timeoutMs,
      healthIntervalMs: cfg.healthIntervalMs,
      onHealthChange: (h) => app.log[h.up ? 'info' : 'warn']({ node: h.node, error: h.lastError }, h.up ? 'rtpengine node up' : 'rtpengine node down'),
    })
    for (const h of client.health()) nodeUp.set({ node: h.node }, 1)
    const refreshGauge = () => { for (const h of client.health()) nodeUp.set({ node: h.node }, h.up ? 1 : 0) }
    const gaugeTimer = setInterval(refreshGauge, Math.max(1000, cfg.healthIntervalMs || 5000))
    gaugeTimer.unref()
    client.start()

    const announcementFile = cfg.recording.announcementFile ?? ensureAnnouncement(path.join(app.config.dataDir, 'recording-consent.wav'))
    const recordings = recordingService({
      prisma: app.database.prisma,
      media: client,
      store: new RecordingStore(cfg.recording.storeDir, app.config.encryption),
      config: cfg.recording,
      log: app.log,
      announcementFile,
    })
    const sweep = setInterval(() => void recordings.purgeExpired().catch((err) => app.log.warn({ err: (err as Error).message }, 'recording retention sweep failed')), RETENTION_SWEEP_MS)
    sweep.unref()

    app.decorate('media', {
      client,
      recordings,
      async quality(callId: string) {
        try {
          return mediaQualityFromQuery(await client.query(callId))
        } catch {
          return null
        } finally {
          client.forget(callId)
        }
      },
    } satisfies MediaHooks)

    app.addHook('onClose', async () => {
      clearInterval(gaugeTimer)
      clearInterval(sweep)
      recordings.close()
      client.close()
    })
  },
  { name: 'media', dependencies: ['database', 'metrics'] },
)
