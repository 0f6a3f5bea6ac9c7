// The Redis SharedState against a real Redis: the same contract as the in-process one, and
// messages published by one instance reach another.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { connectRedisState } from '../../src/shared-state/redis-state.ts'

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const prefix = `sbtest:${randomBytes(4).toString('hex')}:`
const a = await connectRedisState(url, prefix)
const b = await connectRedisState(url, prefix)
t.teardown(async () => {
  await a.close()
  await b.close()
})

t.test('values, TTL, counters, hashes, locks', async (t) => {
  await a.set('k', 'v', 30)
  t.equal(await b.get('k'), 'v', 'visible from the other instance')
  await a.del('k')
  t.equal(await b.get('k'), null)
  t.equal(await a.incr('n'), 1)
  t.equal(await b.incr('n'), 2)
  await a.hset('h', { loggedIn: '1' })
  t.same(await b.hgetall('h'), { loggedIn: '1' })
  t.equal(await a.setIfAbsent('lock', 'a', 30), true)
  t.equal(await b.setIfAbsent('lock', 'b', 30), false, 'one writer wins')
  await a.ping()
  await a.del('n')
  await a.del('h')
  await a.del('lock')
})

t.test('pub/sub crosses instances', async (t) => {
  const got: string[] = []
  const off = await b.subscribe('routing.changed', (m) => got.push(m))
  await a.publish('routing.changed', '42')
  for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20))
  t.same(got, ['42'])
  await off()
})

t.test('a Redis that is down fails fast instead of queueing', async (t) => {
  const dead = await connectRedisState('redis://127.0.0.1:1').catch((e: Error) => e)
  t.ok(dead instanceof Error, 'connect rejects (no onUnreachable: the caller asked to fail)')
})

// A proxy in front of the real Redis that can stop forwarding (a hung Redis: the connection stays
// open, nothing comes back) or drop every connection and refuse new ones (Redis gone).
async function faultyRedis(target: URL) {
  const net = await import('node:net')
  const sockets = new Set<import('node:net').Socket>()
  let mode: 'up' | 'hung' | 'down' = 'up'
  const server = net.createServer((c) => {
    if (mode === 'down') return void c.destroy()
    const up = net.connect(Number(target.port || 6379), target.hostname)
    for (const s of [c, up]) { sockets.add(s); s.on('error', () => {}); s.on('close', () => sockets.delete(s)) }
    c.on('data', (d) => { if (mode === 'up') up.write(d) })
    up.on('data', (d) => { if (mode === 'up') c.write(d) })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as import('node:net').AddressInfo).port
  return {
    url: `redis://127.0.0.1:${port}`,
    set(m: typeof mode) {
      mode = m
      if (m === 'down') for (const s of sockets) s.destroy()
    },
    close: () => { for (const s of sockets) s.destroy(); return new Promise<void>((r) => server.close(() => r())) },
  }
}

t.test('a hung or unreachable Redis: every call is bounded and answers 503 shared_state_unavailable', async (t) => {
  const proxy = await faultyRedis(new URL(url))
  t.teardown(() => proxy.close())
  const s = await connectRedisState(proxy.url, { prefix, commandTimeoutMs: 300 })
  t.teardown(() => s.close())
  const got: string[] = []
  const off = await s.subscribe('routing.changed', (m) => got.push(m))
  t.equal(await s.get('nothing'), null, 'works through the proxy')

  proxy.set('hung')
  let t0 = Date.now()
  const hung = await s.get('nothing').catch((e) => e)
  t.match(hung, { status: 503, code: 'shared_state_unavailable' }, 'a hung Redis: the command fails with 503 shared_state_unavailable')
  t.ok(Date.now() - t0 < 1500, `after the command timeout (${Date.now() - t0} ms), not never`)

  proxy.set('down')
  await new Promise((r) => setTimeout(r, 100))
  for (const [what, call] of [['get', () => s.get('k')], ['hgetall', () => s.hgetall('h')], ['publish', () => s.publish('routing.changed', '1')], ['ping', () => s.ping()]] as const) {
    t0 = Date.now()
    const e = await (call as () => Promise<unknown>)().catch((err) => err)
    t.match(e, { status: 503, code: 'shared_state_unavailable' }, `${what} while Redis is down: 503 shared_state_unavailable`)
    t.ok(Date.now() - t0 < 500, `${what} fails fast (${Date.now() - t0} ms)`)
  }
  t0 = Date.now()
  await off()
  t.ok(Date.now() - t0 < 500, `unsubscribing while Redis is down does not wait for it (${Date.now() - t0} ms): a graceful shutdown is not held up`)

  // back: commands work again and a new subscription (and ioredis' re-subscription) delivers
  proxy.set('up')
  const back = await (async () => {
    for (let i = 0; i < 100; i++) {
      if (await s.ping().then(() => true, () => false)) return true
      await new Promise((r) => setTimeout(r, 50))
    }
    return false
  })()
  t.ok(back, 'commands work again once Redis is back')
  // a subscription is accepted at once; it takes effect when the subscriber connection is ready,
  // which reconnects on its own schedule (ioredis' backoff, up to 2 s) a moment after the command
  // one: what is published before that is not delivered (the snapshot's epoch check covers it)
  const off2 = await s.subscribe('routing.changed', (m) => got.push(m))
  t.pass('a new subscription is accepted once Redis is back')
  for (let i = 0; i < 100 && !got.includes('43'); i++) {
    await s.publish('routing.changed', '43').catch(() => {})
    await new Promise((r) => setTimeout(r, 50))
  }
  t.ok(got.includes('43'), 'pub/sub works again')
  await off2()
})

t.test('started while Redis is away (onUnreachable): degraded at once, whole once Redis is back', async (t) => {
  const proxy = await faultyRedis(new URL(url))
  t.teardown(() => proxy.close())
  proxy.set('down')
  const reasons: string[] = []
  const t0 = Date.now()
  const s = await connectRedisState(proxy.url, { prefix, commandTimeoutMs: 300, onUnreachable: (e) => reasons.push(e.message) })
  t.teardown(() => s.close())
  t.equal(reasons.length, 1, `onUnreachable was told why (${reasons[0]})`)
  t.ok(Date.now() - t0 < 3000, `connect returned in ${Date.now() - t0} ms instead of waiting for Redis`)
  const got: string[] = []
  const off = await s.subscribe('routing.changed', (m) => got.push(m))
  t.pass('a subscription made while Redis is away is accepted')
  t.match(await s.get('k').catch((e) => e), { status: 503, code: 'shared_state_unavailable' }, 'commands answer 503 shared_state_unavailable meanwhile')

  proxy.set('up')
  let back = false
  for (let i = 0; i < 200 && !back; i++) {
    back = await s.ping().then(() => true, () => false)
    if (!back) await new Promise((r) => setTimeout(r, 50))
  }
  t.ok(back, 'commands work once Redis is reachable (ioredis kept reconnecting)')
  // the boot-time subscription takes effect when the subscriber connection is ready
  for (let i = 0; i < 200 && !got.includes('44'); i++) {
    await s.publish('routing.changed', '44').catch(() => {})
    await new Promise((r) => setTimeout(r, 50))
  }
  t.ok(got.includes('44'), 'the subscription made while Redis was away delivers')
  await off()
})
