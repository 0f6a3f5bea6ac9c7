// Kamailio caches each subscriber's HA1 in htable `auth` (key user@realm) so phones re-register
// through a control-plane outage. When credentials change or a user goes away, the entry is
// dropped at once; otherwise the old password would keep working until the entry's TTL.
// Best effort: if Kamailio is unreachable the entry expires by TTL, and a restart empties it.
import type { FastifyBaseLogger } from 'fastify'
import { KamailioRpcError, type KamailioRpc } from './kamailio-rpc.ts'

export async function flushAuthCache(rpc: KamailioRpc, log: FastifyBaseLogger, user: string, realm: string): Promise<boolean> {
  try {
    await rpc.call('htable.delete', ['auth', `${user}@${realm}`])
    return true
  } catch (err) {
    // nothing cached (the user never registered, or the entry expired): the goal is reached
    if (err instanceof KamailioRpcError && /key not found/i.test(err.message)) return true
    log.warn({ user, realm, err: (err as Error).message }, 'could not drop the cached HA1 in Kamailio; it expires with its TTL')
    return false
  }
}
