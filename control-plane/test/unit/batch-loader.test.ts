// batchLoader: keys asked together share one fetch, keys asked while a fetch is in flight go into
// the next one, a missing key gets the default, a failed fetch rejects only its own keys.
import t from 'tap'
import { batchLoader } from '../../src/lib/batch-loader.ts'

t.test('coalesces keys into few fetches', async (t) => {
  const calls: string[][] = []
  let fail = false
  const loader = batchLoader(async (keys: string[]) => {
    calls.push(keys)
    await new Promise((r) => setTimeout(r, 5))
    if (fail) throw new Error('down')
    return new Map(keys.filter((k) => k !== 'none').map((k) => [k, [k.toUpperCase()]]))
  }, (): string[] => [])

  const first = await Promise.all([loader.load('a'), loader.load('b'), loader.load('a'), loader.load('none')])
  t.same(first, [['A'], ['B'], ['A'], []], 'each waiter gets its key’s value, the default when absent')
  t.same(calls, [['a', 'b', 'none']], 'one fetch, each key once')

  calls.length = 0
  const p1 = loader.load('c')
  await new Promise((r) => setImmediate(r)) // the fetch for c is in flight
  const p2 = loader.load('d')
  const p3 = loader.load('e')
  t.same(await Promise.all([p1, p2, p3]), [['C'], ['D'], ['E']])
  t.same(calls, [['c'], ['d', 'e']], 'keys asked during a fetch wait for the next one, together')

  fail = true
  await t.rejects(loader.load('x'), /down/, 'a failed fetch rejects its waiters')
  fail = false
  t.same(await loader.load('y'), ['Y'], 'and the loader keeps working')
})
