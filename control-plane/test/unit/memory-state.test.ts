import t from 'tap'
import { MemoryState } from '../../src/shared-state/memory-state.ts'

t.test('values, TTL, counters, hashes, locks', async (t) => {
  let now = 1_000_000
  const s = new MemoryState(() => now)
  await s.set('a', '1', 10)
  t.equal(await s.get('a'), '1')
  now += 10_001
  t.equal(await s.get('a'), null, 'expired')
  t.equal(await s.incr('n'), 1)
  t.equal(await s.incr('n'), 2)
  await s.hset('h', { x: '1' })
  await s.hset('h', { y: '2' })
  t.same(await s.hgetall('h'), { x: '1', y: '2' })
  t.same(await s.hgetall('missing'), {})
  t.equal(await s.get('h'), null, 'a hash is not a string value')
  t.equal(await s.setIfAbsent('lock', 'me', 5), true)
  t.equal(await s.setIfAbsent('lock', 'you', 5), false)
  now += 5_001
  t.equal(await s.setIfAbsent('lock', 'you', 5), true, 'free again after its TTL')
  await s.del('lock')
  t.equal(await s.get('lock'), null)
  await s.ping()
  await s.close()
})

t.test('publish is asynchronous and reaches every subscriber until unsubscribed', async (t) => {
  const s = new MemoryState()
  const got: string[] = []
  const off = await s.subscribe('c', (m) => got.push(m))
  await s.publish('c', 'one')
  t.same(got, [], 'not delivered inside the publisher call')
  await new Promise((r) => setImmediate(r))
  t.same(got, ['one'])
  await off()
  await s.publish('c', 'two')
  await new Promise((r) => setImmediate(r))
  t.same(got, ['one'])
})
