// The CRM connector during routing: a VIP caller into a queue goes to the priority queue; a CRM
// that takes 2 s costs a call no more than its budget and never fails it; a CRM that keeps failing
// trips the breaker and is not asked at all; answers are cached. Run twice: lookups in this thread,
// and in the lookup worker (production's arrangement: the worker asks the main thread for the profile).
import t from 'tap'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildTestApp } from '../support/app.ts'
import { api, expectError } from '../support/provisioning.ts'

for (const worker of [false, true]) t.test(`CRM lookup during routing (lookup worker ${worker ? 'on' : 'off'})`, async (t) => {
  const asked: string[] = []
  const crm = http.createServer((req, res) => {
    const caller = new URL(req.url!, 'http://x').searchParams.get('caller')!
    asked.push(caller)
    const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ vip: caller === '1001', owner: 'alice.sales' }))
    if (caller.startsWith('9')) setTimeout(answer, 2000)
    else answer()
  })
  await new Promise<void>((r) => crm.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise<void>((r) => { crm.closeAllConnections(); crm.close(() => r()) }))
  const crmUrl = `http://127.0.0.1:${(crm.address() as AddressInfo).port}/vip`

  const h = await buildTestApp({ env: { CRM_BREAKER_FAILURES: '2', CRM_BREAKER_COOLDOWN_MS: '60000', CP_LOOKUP_WORKER: String(worker) } })
  t.teardown(h.close)
  const fx = api(h)
  const D = 'crm.example'
  const domain = await fx.domain(D)
  const users: Record<string, any> = {}
  for (const ext of ['1001', '1002', '1003', 'slow1', 'slow2', 'slow3']) users[ext] = await fx.user(domain.id, ext.startsWith('slow') ? `9${ext.at(-1)}` : ext)
  const support = await fx.create('queues', { domainId: domain.id, name: 'support', extension: '500', members: [{ userId: users['1002'].id }] })
  const vip = await fx.create('queues', { domainId: domain.id, name: 'vip', members: [{ userId: users['1003'].id }] })
  for (const [q, u] of [[support, '1002'], [vip, '1003']]) t.equal((await fx.call('POST', `/queues/${q.id}/agents/${users[u].id}/login`)).status, 200)

  let n = 0
  const route = async (caller: string) => {
    await h.app.routingSnapshot.rebuild()
    const t0 = performance.now()
    const r = (await h.app.lookups.route({ method: 'INVITE', callid: `crm-${++n}@test`, from_user: caller, from_domain: D, to_user: '500', ruri_user: '500', ruri_domain: D, src_ip: '127.0.0.1', auth_user: caller, auth_domain: D })) as any
    return { ms: performance.now() - t0, uris: r.routes.map((x: any) => x.uri).join(' ') }
  }

  t.test('no connector: the normal queue', async (t) => {
    t.match((await route('1001')).uris, /sip:1002@/)
    t.same(asked, [])
  })

  t.test('connector API: validated, journaled', async (t) => {
    expectError(t, await fx.call('PUT', `/domains/${domain.id}/crm`, { url: 'ftp://x/y' }), 422, 'invalid_url')
    expectError(t, await fx.call('PUT', `/domains/${domain.id}/crm`, { url: crmUrl, vipQueueId: '00000000-0000-4000-8000-000000000000' }), 422, 'target_not_found')
    const r = await fx.call('PUT', `/domains/${domain.id}/crm`, { url: crmUrl, timeoutMs: 150, cacheTtlSec: 300, vipQueueId: vip.id })
    t.equal(r.status, 200, JSON.stringify(r.body))
    t.equal((await fx.call('GET', `/domains/${domain.id}/crm`, undefined, {}, 'AGENT')).status, 403)
    t.ok(await h.database.prisma.auditEntry.findFirst({ where: { action: 'crm_connector.created' } }))
  })

  t.test('a VIP caller goes to the priority queue; the answer is cached', async (t) => {
    const d = await h.app.lookups.report({ method: 'INVITE', callId: 'x', fromUser: '1001', fromDomain: D, toUser: '500', ruriUser: '500', ruriDomain: D, srcIp: '127.0.0.1', srcPort: '', proto: '', authUser: '1001', authDomain: D, pai: '' }, new Date(), { vip: true, vipQueueId: vip.id })
    t.ok(d.trace.some((s) => s.step === 'crm'), 'the decision trace says why')
    t.match((await route('1001')).uris, /sip:1003@/, 'VIP → vip queue agent')
    t.match((await route('1001')).uris, /sip:1003@/)
    t.equal(asked.filter((c) => c === '1001').length, 1, 'asked once, then from the cache')
    t.match((await route('1003')).uris, /sip:1002@/, 'not a VIP → the normal queue')
  })

  t.test('a 2 s CRM: the call waits at most its budget and is still routed', async (t) => {
    const r = await route('91')
    t.ok(r.ms < 400, `routed in ${r.ms.toFixed(0)} ms (budget 150 ms)`)
    t.match(r.uris, /sip:1002@/, 'as if there were no CRM')
    const r2 = await route('92')
    t.ok(r2.ms < 400, `again ${r2.ms.toFixed(0)} ms`)
    const before = asked.length
    const r3 = await route('93')
    t.ok(r3.ms < 50, `breaker open after 2 failures: ${r3.ms.toFixed(1)} ms`)
    t.equal(asked.length, before, 'the failing CRM is not asked')
    t.match(r3.uris, /sip:1002@/)
    const metrics = await h.app.metrics.getSingleMetricAsString('sb_crm_lookups_total')
    t.match(metrics, /result="timeout"[^}]*} 2/)
    t.match(metrics, /result="open"[^}]*} 1/)
  })
})
