// /health/live: the process answers. /health/ready: the dependencies this instance needs answer.
// Each check is reported; only those in READY_REQUIRES decide the status (Kamailio being down is
// not a reason to restart the control plane, but an ops dashboard wants to see it). `lookups` (the
// lookup worker answers, with a snapshot) is always required: without it the instance routes nothing.
import type { FastifyPluginAsync } from 'fastify'
import { KamailioRpc } from '../kamailio/kamailio-rpc.ts'
import { RtpengineNg } from '../media/rtpengine.ts'

type CheckName = 'db' | 'redis' | 'kamailio' | 'rtpengine' | 'lookups'
interface CheckResult {
  status: 'up' | 'down' | 'disabled'
  required: boolean
  latencyMs?: number
  error?: string
}

const TIMEOUT_MS = 1500

async function timed(fn: () => Promise<unknown>): Promise<Omit<CheckResult, 'required'>> {
  const t0 = performance.now()
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS)))])
    return { status: 'up', latencyMs: Math.round((performance.now() - t0) * 10) / 10 }
  } catch (err) {
    return { status: 'down', error: (err as Error).message }
  } finally {
    clearTimeout(timer)
  }
}

const healthRoutes: FastifyPluginAsync = async (app) => {
  const kamailio = new KamailioRpc(app.config.kamailio.rpcUrl, TIMEOUT_MS)
  const rtpengine = new RtpengineNg(app.config.rtpengine.ng, TIMEOUT_MS)
  app.addHook('onClose', async () => rtpengine.close())

  app.get('/health/live', { schema: { tags: ['health'] } }, async () => ({ status: 'up' }))

  app.get('/health/ready', { schema: { tags: ['health'] } }, async (_req, reply) => {
    const required = new Set<CheckName>([...app.config.readyRequires, 'lookups'])
    const probes: Record<CheckName, () => Promise<Omit<CheckResult, 'required'>>> = {
      db: () => timed(() => app.database.ping()),
      redis: async () => (app.state.kind === 'redis' ? timed(() => app.state.ping()) : { status: 'disabled' }),
      kamailio: () => timed(() => kamailio.version()),
      rtpengine: () => timed(() => rtpengine.ping()),
      lookups: () => timed(() => app.lookups.ping()),
    }
    const names = Object.keys(probes) as CheckName[]
    const results = await Promise.all(names.map((n) => probes[n]()))
    const checks = Object.fromEntries(names.map((n, i) => [n, { ...results[i], required: required.has(n) }])) as Record<CheckName, CheckResult>
    const ready = names.every((n) => !checks[n].required || checks[n].status === 'up')
    reply.status(ready ? 200 : 503)
    return { status: ready ? 'ready' : 'not_ready', database: app.database.kind, sharedState: app.state.kind, checks }
  })
}

export default healthRoutes
