// Runs the trusted-set push (trusted-sync.ts): once the app is ready, after each provisioning
// change (routing.changed, which every trunk write publishes) and every SIP_TRUSTED_SYNC_SECONDS.
// Runs are serialised; a change arriving during a run schedules one more.
import type { FastifyInstance } from 'fastify'
import { KamailioRpc } from '../kamailio/kamailio-rpc.ts'
import { ROUTING_CHANNEL } from '../provisioning/change.ts'
import { syncTrusted, type SyncStatus } from './trusted-sync.ts'

export interface TrustedSyncer {
  rpc: KamailioRpc
  last?: SyncStatus
  run(): Promise<SyncStatus>
}

export async function startTrustedSync(app: FastifyInstance): Promise<TrustedSyncer> {
  const rpc = new KamailioRpc(app.config.kamailio.rpcUrl, 2000)
  let running: Promise<SyncStatus> | undefined
  let again = false
  const syncer: TrustedSyncer = {
    rpc,
    run() {
      if (running) {
        again = true
        return running
      }
      running = syncTrusted(app.database.prisma, rpc).then((s) => {
        if (!s.ok && syncer.last?.ok !== false) app.log.warn({ error: s.error }, 'trusted IPs not pushed to Kamailio; retrying at the next change or period')
        syncer.last = s
        running = undefined
        if (again) {
          again = false
          void syncer.run()
        }
        return s
      })
      return running
    },
  }
  const timer = setInterval(() => void syncer.run(), app.config.security.trustedSyncSeconds * 1000)
  timer.unref()
  const unsubscribe = await app.state.subscribe(ROUTING_CHANNEL, () => void syncer.run())
  app.addHook('onReady', async () => {
    void syncer.run()
  })
  app.addHook('onClose', async () => {
    clearInterval(timer)
    await unsubscribe()
    await running
  })
  return syncer
}
