// Dropping a cached HA1: "Key not found" means nothing was cached (the goal is reached, no warning);
// Kamailio unreachable or another error is reported (the entry then expires with its TTL).
import t from 'tap'
import { flushAuthCache } from '../../src/modules/kamailio/auth-cache.ts'
import { KamailioRpcError, type KamailioRpc } from '../../src/modules/kamailio/kamailio-rpc.ts'

function harness(fail?: Error) {
  const calls: unknown[][] = []
  const warnings: string[] = []
  const rpc = { call: async (method: string, params: unknown[]) => { calls.push([method, ...params]); if (fail) throw fail; return 'ok' } } as unknown as KamailioRpc
  const log = { warn: (_o: object, msg: string) => warnings.push(msg) } as never
  return { rpc, log, calls, warnings }
}

t.test('an entry is deleted by user@realm', async (t) => {
  const h = harness()
  t.equal(await flushAuthCache(h.rpc, h.log, '1001', 'example.com'), true)
  t.same(h.calls, [['htable.delete', 'auth', '1001@example.com']])
  t.same(h.warnings, [])
})

t.test('nothing cached: success, no warning', async (t) => {
  const h = harness(new KamailioRpcError(500, 'Kamailio RPC htable.delete: Key not found'))
  t.equal(await flushAuthCache(h.rpc, h.log, '1001', 'example.com'), true)
  t.same(h.warnings, [])
})

t.test('Kamailio unreachable or another error: reported', async (t) => {
  for (const err of [new Error('Kamailio RPC htable.delete failed: connect ECONNREFUSED'), new KamailioRpcError(500, 'Kamailio RPC htable.delete: No such htable')]) {
    const h = harness(err)
    t.equal(await flushAuthCache(h.rpc, h.log, '1001', 'example.com'), false)
    t.equal(h.warnings.length, 1)
  }
})
