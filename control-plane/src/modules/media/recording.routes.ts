// POST /calls/:callId/recording (start/stop on a live call), GET /recordings, GET /recordings/:id,
// GET /recordings/:id/audio?format=wav|pcap. Validation here, rules in recording.service.ts; every
// read of a recording (metadata or audio) is journaled as recording.accessed by the service.
import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@fastify/type-provider-typebox'
import type { Recording } from '../../generated/prisma/client.ts'
import { ErrorBody, IdParams } from '../provisioning/resource-routes.ts'
import { requestCtx } from '../provisioning/context.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 503: ErrorBody }

const RecordingItem = Type.Object({
  id: Type.String(),
  callId: Type.String(),
  domainId: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  trigger: Type.String(),
  consent: Type.String(),
  startedAt: Type.String(),
  stoppedAt: Type.Union([Type.String(), Type.Null()]),
  codecs: Type.Array(Type.String()),
  durationSec: Type.Integer(),
  packets: Type.Integer(),
  formats: Type.Array(Type.String()),
  sizes: Type.Object({ pcap: Type.Union([Type.Integer(), Type.Null()]), wav: Type.Union([Type.Integer(), Type.Null()]) }),
  sha256: Type.Object({ pcap: Type.Union([Type.String(), Type.Null()]), wav: Type.Union([Type.String(), Type.Null()]) }),
  keyId: Type.Union([Type.String(), Type.Null()]),
  retainUntil: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
})

/** Metadata only: where the sealed files live is nobody's business outside the service. */
export const recordingView = (r: Recording) => ({
  id: r.id, callId: r.callId, domainId: r.domainId, status: r.status, trigger: r.trigger, consent: r.consent,
  startedAt: r.startedAt.toISOString(), stoppedAt: r.stoppedAt?.toISOString() ?? null,
  codecs: r.codecs, durationSec: r.durationSec, packets: r.packets,
  formats: [r.pcapFile ? 'pcap' : null, r.wavFile ? 'wav' : null].filter((f): f is string => f !== null),
  sizes: { pcap: r.pcapBytes, wav: r.wavBytes }, sha256: { pcap: r.pcapSha256, wav: r.wavSha256 },
  keyId: r.keyId, retainUntil: r.retainUntil?.toISOString() ?? null, error: r.error,
})

const StartStop = Type.Object({
  action: Type.Union([Type.Literal('start'), Type.Literal('stop')]),
  /** announcement: both parties hear it before recording; flag: consent obtained otherwise (consentFlag must be true) */
  consent: Type.Optional(Type.Union([Type.Literal('announcement'), Type.Literal('flag')])),
  consentFlag: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })

const recordingRoutes: FastifyPluginAsync = async (app) => {
  const svc = app.media.recordings
  const CallParams = Type.Object({ callId: Type.String({ minLength: 1, maxLength: 256, pattern: '^[\\x21-\\x7e]+$' }) })

  app.post('/calls/:callId/recording', {
    config: { permission: 'recordings:write' },
    schema: { tags: ['recordings'], params: CallParams, body: StartStop, response: { 200: Type.Object({ items: Type.Array(RecordingItem) }), 202: RecordingItem, ...errors } },
  }, async (req, reply) => {
    const { callId } = req.params as { callId: string }
    const body = req.body as { action: 'start' | 'stop'; consent?: 'announcement' | 'flag'; consentFlag?: boolean }
    const ctx = requestCtx(req)
    if (body.action === 'stop') return { items: (await svc.stopOnDemand(callId, { actor: ctx.actor, domainScope: ctx.domainScope })).map(recordingView) }
    const consent = body.consent ?? app.config.media.recording.consent
    const r = await svc.startOnDemand(callId, { consent, consentFlag: body.consentFlag === true, actor: ctx.actor, domainScope: ctx.domainScope })
    return reply.status(202).send(recordingView(r))
  })

  app.get('/recordings', {
    config: { permission: 'recordings:read' },
    schema: {
      tags: ['recordings'],
      querystring: Type.Object({ callId: Type.Optional(Type.String({ maxLength: 256 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })) }),
      response: { 200: Type.Object({ items: Type.Array(RecordingItem), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }), ...errors },
    },
  }, async (req) => {
    const { callId, limit = 50, offset = 0 } = req.query as { callId?: string; limit?: number; offset?: number }
    const scope = requestCtx(req).domainScope
    const [rows, total] = await svc.list({ callId, ...(scope ? { domainId: scope } : {}) }, offset, limit)
    return { items: rows.map(recordingView), total, limit, offset }
  })

  app.get('/recordings/:id', { config: { permission: 'recordings:read' }, schema: { tags: ['recordings'], params: IdParams, response: { 200: RecordingItem, ...errors } } }, async (req) => {
    const ctx = requestCtx(req)
    return recordingView(await svc.get((req.params as { id: string }).id, { actor: ctx.actor, domainScope: ctx.domainScope }))
  })

  app.get('/recordings/:id/audio', {
    config: { permission: 'recordings:read' },
    schema: { tags: ['recordings'], params: IdParams, querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('wav'), Type.Literal('pcap')])) }), response: errors },
  }, async (req, reply) => {
    const ctx = requestCtx(req)
    const { format = 'wav' } = req.query as { format?: 'wav' | 'pcap' }
    const { recording, data } = await svc.content((req.params as { id: string }).id, format, { actor: ctx.actor, domainScope: ctx.domainScope })
    reply.header('content-type', format === 'wav' ? 'audio/wav' : 'application/vnd.tcpdump.pcap')
    reply.header('content-disposition', `attachment; filename="${recording.id}.${format}"`)
    reply.header('cache-control', 'no-store')
    return reply.send(data)
  })
}

export default recordingRoutes
