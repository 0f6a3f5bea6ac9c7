// Call recording rules. A call is recorded only if its routing decision allows it (always, or
// on_demand through the API; never means never) and only with consent: either an announcement
// played to both parties through rtpengine (play media) before recording starts, or a consent flag
// (asserted by the API caller, or by configuration for `always` calls). Files are collected from
// rtpengine's spool when the recording stops or the call ends, converted to WAV for G.711, sealed
// at rest, and every read of a recording is journaled (recording.accessed).
import fs from 'node:fs'
import path from 'node:path'
import type { PrismaClient, Recording } from '../../generated/prisma/client.ts'
import type { FastifyBaseLogger } from 'fastify'
import type { MediaConfig } from '../../config/media.ts'
import type { RecordingMode } from '../routing/engine/types.ts'
import { recordAudit, type Actor } from '../audit/audit.ts'
import { withDbErrors } from '../../lib/prisma-errors.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../lib/errors.ts'
import type { MediaClient } from './media-client.ts'
import { RtpengineError } from './rtpengine.ts'
import { RecordingStore, type RecordingFileKind } from './recording-store.ts'
import { recordingRepository as repo } from './recording.repository.ts'
import { batchLoader } from '../../lib/batch-loader.ts'
import { collectSpool, removeSpool } from './recording-spool.ts'
import { codecOfPayloadType, g711PcapToWav, readRtpFromPcap, wavHeader } from './pcap-wav.ts'

export interface RecordingDeps {
  prisma: PrismaClient
  media: MediaClient
  store: RecordingStore
  config: MediaConfig['recording']
  log: FastifyBaseLogger
}

export type Consent = 'announcement' | 'flag'
const SYSTEM: Actor = { type: 'system' }
const MAX_MODES = 100_000

/** A short beep pattern rtpengine can play (8 kHz 16-bit mono WAV) when no file is configured. */
export function ensureAnnouncement(file: string): string {
  if (fs.existsSync(file)) return file
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const pcm = Buffer.alloc(8000 * 2) // 1 s: two 200 ms 1400 Hz beeps
  for (let i = 0; i < 8000; i++) {
    const on = i < 1600 || (i >= 4000 && i < 5600)
    pcm.writeInt16LE(on ? Math.round(6000 * Math.sin((2 * Math.PI * 1400 * i) / 8000)) : 0, i * 2)
  }
  fs.writeFileSync(file, Buffer.concat([wavHeader(pcm.length, 1, 8000), pcm]), { mode: 0o644 })
  return file
}

export function recordingService(deps: RecordingDeps & { announcementFile: string }) {
  const { prisma, media, store, config, log } = deps
  // Call-ID → recording mode of its decision (set at dialog.start; a call we never routed has none)
  const modes = new Map<string, { mode: RecordingMode; domainId: string | null }>()
  const timers = new Set<NodeJS.Timeout>()
  // every call's end asks for its active recordings (almost always none): one query for the calls
  // that end together rather than one per call
  const activeAtEnd = batchLoader((callIds: string[]) => repo.activeForCalls(prisma, callIds), (): Recording[] => [])

  const audit = (actor: Actor, action: Parameters<typeof recordAudit>[2]['action'], r: Recording, after?: unknown) =>
    withDbErrors('recording', () => prisma.$transaction((tx) => recordAudit(tx, actor, { action, entityType: 'recording', entityId: r.id, domainId: r.domainId, after })))

  async function beginCapture(r: Recording): Promise<Recording> {
    try {
      await media.startRecording(r.callId)
      return await repo.update(prisma, r.id, { status: 'RECORDING', startedAt: new Date() })
    } catch (err) {
      return repo.update(prisma, r.id, { status: 'FAILED', error: (err as Error).message.slice(0, 500) })
    }
  }

  async function start(o: { callId: string; trigger: 'policy' | 'api'; consent: Consent; consentFlag: boolean; actor: Actor; domainId: string | null }): Promise<Recording> {
    if (o.consent === 'flag' && !o.consentFlag) throw Invalid('consent_required', 'recording needs the consent flag (consentFlag: true) or an announcement (consent: "announcement")')
    if ((await repo.activeForCall(prisma, o.callId)).length > 0) throw Conflict('recording_active', `call ${o.callId} is already being recorded`)
    let row = await repo.create(prisma, {
      callId: o.callId, domainId: o.domainId, trigger: o.trigger, consent: o.consent,
      status: o.consent === 'announcement' ? 'ANNOUNCING' : 'RECORDING', startedBy: o.actor.id ?? null,
    })
    await audit(o.actor, 'recording.created', row, { callId: o.callId, trigger: o.trigger, consent: o.consent })
    if (o.consent === 'flag') return beginCapture(row)
    // Consent by announcement: both parties hear it before a single packet is recorded.
    let durationMs: number
    try {
      const played = await media.playMedia(o.callId, deps.announcementFile)
      durationMs = Math.max(0, Number(played.duration ?? 0))
    } catch (err) {
      row = await repo.update(prisma, row.id, { status: 'FAILED', error: `announcement not played: ${(err as Error).message}`.slice(0, 500) })
      return row
    }
    const timer = setTimeout(() => {
      timers.delete(timer)
      void repo.findById(prisma, row.id).then((cur) => (cur?.status === 'ANNOUNCING' ? beginCapture(cur) : undefined)).catch((err) => log.warn({ err: (err as Error).message, callId: o.callId }, 'recording not started after the announcement'))
    }, durationMs + 100)
    timers.add(timer)
    return row
  }

  /** Seal rtpengine's files for this recording; a recording with nothing captured ends FAILED. */
  async function collect(r: Recording): Promise<Recording> {
    const files = await collectSpool(config.spoolDir, r.callId, config.collectTimeoutMs)
    if (files.pcaps.length === 0) return repo.update(prisma, r.id, { status: 'FAILED', stoppedAt: new Date(), error: 'rtpengine left no pcap for the call' })
    const parts = await Promise.all(files.pcaps.map((p) => fs.promises.readFile(p)))
    const pcap = Buffer.concat([parts[0], ...parts.slice(1).map((b) => b.subarray(24))])
    const packets = readRtpFromPcap(pcap)
    const wav = g711PcapToWav(packets)
    const sealedPcap = await store.put(r.id, 'pcap', pcap)
    const sealedWav = wav ? await store.put(r.id, 'wav', wav.wav) : null
    await removeSpool(files)
    const span = packets.length > 1 ? packets[packets.length - 1].ts - packets[0].ts : 0
    const updated = await repo.update(prisma, r.id, {
      status: 'STORED', stoppedAt: new Date(), packets: packets.length,
      codecs: [...new Set(packets.map((p) => codecOfPayloadType(p.payloadType)))],
      durationSec: Math.round(wav?.durationSec ?? span),
      keyId: sealedPcap.keyId, pcapFile: sealedPcap.file, pcapBytes: sealedPcap.bytes, pcapSha256: sealedPcap.sha256,
      wavFile: sealedWav?.file ?? null, wavBytes: sealedWav?.bytes ?? null, wavSha256: sealedWav?.sha256 ?? null,
      retainUntil: new Date(Date.now() + config.retentionDays * 86_400_000),
    })
    await repo.linkCdr(prisma, r.callId, r.id)
    return updated
  }

  async function finish(r: Recording, actor: Actor): Promise<Recording> {
    if (r.status === 'ANNOUNCING') {
      // stopped (or hung up) during the announcement: nothing was recorded
      const done = await repo.update(prisma, r.id, { status: 'FAILED', stoppedAt: new Date(), error: 'stopped before recording started' })
      await audit(actor, 'recording.updated', done, { status: done.status })
      return done
    }
    // rtpengine closes the files on stop recording; a call already deleted closes them itself
    await media.stopRecording(r.callId).catch((err) => {
      if (!(err instanceof RtpengineError)) throw err
    })
    const done = await collect(r).catch((err) => repo.update(prisma, r.id, { status: 'FAILED', stoppedAt: new Date(), error: (err as Error).message.slice(0, 500) }))
    await audit(actor, 'recording.updated', done, { status: done.status, durationSec: done.durationSec, wav: done.wavFile !== null })
    return done
  }

  return {
    /** the decision of a new call (dialog.start) */
    callStarted(callId: string, mode: RecordingMode | undefined, domainId: string | null) {
      if (!mode) return
      if (modes.size >= MAX_MODES) modes.delete(modes.keys().next().value as string)
      modes.set(callId, { mode, domainId })
    },

    /** answered: an `always` call starts recording with the configured consent */
    async callAnswered(callId: string): Promise<Recording | undefined> {
      const m = modes.get(callId)
      if (m?.mode !== 'always') return undefined
      return start({ callId, trigger: 'policy', consent: config.consent, consentFlag: config.consent === 'flag', actor: SYSTEM, domainId: m.domainId })
    },

    async callEnded(callId: string): Promise<void> {
      modes.delete(callId)
      for (const r of await activeAtEnd.load(callId)) await finish(r, SYSTEM)
    },

    /** POST /calls/:id/recording {action: start} */
    async startOnDemand(callId: string, o: { consent: Consent; consentFlag: boolean; actor: Actor; domainScope: string | null }) {
      const m = modes.get(callId)
      const cdr = await repo.cdrOf(prisma, callId)
      const domainId = m?.domainId ?? cdr?.domainId ?? null
      if ((!m && !cdr) || cdr?.endedAt || (o.domainScope !== null && o.domainScope !== domainId)) throw NotFound('call', callId)
      if (m?.mode === 'never' || !m) throw Forbidden('recording_not_allowed', `the recording policy of call ${callId} does not allow recording`)
      return start({ callId, trigger: 'api', consent: o.consent, consentFlag: o.consentFlag, actor: o.actor, domainId })
    },

    async stopOnDemand(callId: string, o: { actor: Actor; domainScope: string | null }) {
      const active = (await repo.activeForCall(prisma, callId)).filter((r) => o.domainScope === null || r.domainId === o.domainScope)
      if (active.length === 0) throw NotFound('recording', callId)
      const out: Recording[] = []
      for (const r of active) out.push(await finish(r, o.actor))
      return out
    },

    /** metadata; reading it is an access */
    async get(id: string, o: { actor: Actor; domainScope: string | null }) {
      const r = await repo.findById(prisma, id)
      if (!r || (o.domainScope !== null && r.domainId !== o.domainScope)) throw NotFound('recording', id)
      await audit(o.actor, 'recording.accessed', r, { what: 'metadata' })
      return r
    },

    /** the decrypted file; journaled before it leaves */
    async content(id: string, kind: RecordingFileKind, o: { actor: Actor; domainScope: string | null }) {
      const r = await repo.findById(prisma, id)
      if (!r || (o.domainScope !== null && r.domainId !== o.domainScope)) throw NotFound('recording', id)
      const file = kind === 'wav' ? r.wavFile : r.pcapFile
      if (r.status !== 'STORED' || !file) throw NotFound('recording_file', `${id}.${kind}`)
      await audit(o.actor, 'recording.accessed', r, { what: kind })
      return { recording: r, data: await store.get(r.id, kind, file) }
    },

    list: (w: { domainId?: string; callId?: string }, skip: number, take: number) => repo.list(prisma, w, skip, take),

    /** retention: files deleted, the row kept as PURGED (the journal still refers to it) */
    async purgeExpired(now = new Date()): Promise<number> {
      const rows = await repo.expired(prisma, now)
      for (const r of rows) {
        for (const f of [r.pcapFile, r.wavFile]) if (f) await store.remove(f)
        const done = await repo.update(prisma, r.id, { status: 'PURGED', pcapFile: null, wavFile: null })
        await audit(SYSTEM, 'recording.deleted', done, { reason: 'retention', retainUntil: r.retainUntil })
      }
      return rows.length
    },

    close() {
      for (const t of timers) clearTimeout(t)
      timers.clear()
    },
  }
}

export type RecordingService = ReturnType<typeof recordingService>
