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
  t.ok(dead instanceof Error, 'connect rejects')
})
