// The media client against fake rtpengine nodes over real UDP: weights, health checks, call-bound
// commands finding the node that holds the call, errors as exceptions, and timeouts everywhere.
import t from 'tap'
import { MediaClient, parseMediaNodes } from '../../../src/modules/media/media-client.ts'
import { RtpengineError } from '../../../src/modules/media/rtpengine.ts'
import { startFakeRtpengine, type FakeRtpengine } from '../../support/fake-rtpengine.ts'

t.test('RTPENGINE_NODES parsing', async (t) => {
  t.same(parseMediaNodes('127.0.0.1:22222, rtp2.example:2223:3,[::1]:22222:0'), [
    { host: '127.0.0.1', port: 22222, weight: 1 },
    { host: 'rtp2.example', port: 2223, weight: 3 },
    { host: '::1', port: 22222, weight: 0 },
  ])
  t.throws(() => parseMediaNodes('nohost'), /host:port/)
  t.throws(() => parseMediaNodes('a:70000'), /out of range/)
  t.throws(() => new MediaClient([]), /at least one/)
})

t.test('several nodes', async (t) => {
  const a: FakeRtpengine = await startFakeRtpengine()
  const b: FakeRtpengine = await startFakeRtpengine()
  t.teardown(() => Promise.all([a.close(), b.close()]).then(() => undefined))
  let r = 0
  const changes: string[] = []
  const client = new MediaClient([{ host: '127.0.0.1', port: a.port, weight: 1 }, { host: '127.0.0.1', port: b.port, weight: 3 }], {
    timeoutMs: 150, healthIntervalMs: 0, rng: () => r, onHealthChange: (h) => changes.push(`${h.node}:${h.up ? 'up' : 'down'}`),
  })
  t.teardown(() => client.close())

  t.test('weighted choice among healthy nodes', async (t) => {
    r = 0.1
    t.equal(client.pick().health.node, `127.0.0.1:${a.port}`, 'first quarter → weight-1 node')
    r = 0.5
    t.equal(client.pick().health.node, `127.0.0.1:${b.port}`, 'the rest → weight-3 node')
    const st = await client.any('statistics')
    t.equal(st.result, 'ok')
  })

  t.test('a call-bound command finds the node holding the call, then sticks to it', async (t) => {
    b.calls.set('call-1', { totals: { RTP: { packets: 10 } } })
    const q = await client.query('call-1')
    t.same(q.totals, { RTP: { packets: 10 } })
    a.received.length = 0
    b.received.length = 0
    await client.query('call-1')
    t.equal(a.received.length, 0, 'the other node is not asked again')
    t.equal(b.received.length, 1)
  })

  t.test('rtpengine errors become exceptions with a stable code', async (t) => {
    await t.rejects(client.query('nobody'), { code: 'rtpengine_unknown_call' })
    b.calls.delete('call-1')
    await t.rejects(client.query('call-1'), { code: 'rtpengine_unknown_call' }, 'a remembered call that ended: asked everywhere, then refused')
  })

  t.test('health: a silent node goes down after 2 failed pings, comes back after one answer', async (t) => {
    a.silent = true
    const t0 = Date.now()
    await client.checkHealth()
    t.ok(Date.now() - t0 < 1000, 'a check never waits longer than the timeout')
    t.equal(client.health()[0].up, true, 'one failure is not enough')
    await client.checkHealth()
    const [ha, hb] = client.health()
    t.equal(ha.up, false)
    t.equal(ha.consecutiveFailures, 2)
    t.match(ha.lastError, /did not answer ping within 150 ms/)
    t.equal(hb.up, true)
    t.ok(hb.rttMs !== null && hb.rttMs >= 0)
    r = 0.01
    t.equal(client.pick().health.node, `127.0.0.1:${b.port}`, 'a down node is never picked')
    a.silent = false
    await client.checkHealth()
    t.equal(client.health()[0].up, true, 'back up')
    t.same(changes, [`127.0.0.1:${a.port}:down`, `127.0.0.1:${a.port}:up`])
  })

  t.test('timeouts on every call: nothing hangs when every node is silent', async (t) => {
    a.silent = true
    b.silent = true
    const t0 = Date.now()
    const err = await client.query('call-x').catch((e: unknown) => e)
    t.ok(err instanceof RtpengineError, 'an RtpengineError')
    t.equal((err as RtpengineError).code, 'rtpengine_unreachable')
    t.equal((err as RtpengineError).status, 503, 'an API caller gets 503')
    await t.rejects(client.any('statistics'), { code: 'rtpengine_unreachable' })
    t.ok(Date.now() - t0 < 1000, `failed within the timeouts (${Date.now() - t0} ms)`)
    await client.checkHealth()
    await client.checkHealth()
    await t.rejects(client.query('call-x'), { code: 'rtpengine_unreachable', message: /no rtpengine node is up/ }, 'no node up: refused at once')
    t.throws(() => client.pick(), { code: 'rtpengine_unreachable' })
    a.silent = false
    b.silent = false
  })
})
