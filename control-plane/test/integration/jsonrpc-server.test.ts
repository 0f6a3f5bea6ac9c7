// The JSON-RPC 2.0 / netstring listener, driven by a real TCP client the way janssonrpcc uses it.
import net from 'node:net'
import t from 'tap'
import { createJsonRpcServer, encodeNetstring, NetstringDecoder, RpcError, type JsonRpcServer } from '../../src/modules/kamailio/jsonrpc-server.ts'

interface Reply { jsonrpc: string; id: unknown; result?: unknown; error?: { code: number; message: string } }

const logs: Array<{ level: string; obj: object; msg?: string }> = []
const logger = {
  debug: (obj: object, msg?: string) => logs.push({ level: 'debug', obj, msg }),
  warn: (obj: object, msg?: string) => logs.push({ level: 'warn', obj, msg }),
  error: (obj: object, msg?: string) => logs.push({ level: 'error', obj, msg }),
}
const notifications: Array<[string, unknown]> = []

async function start(): Promise<JsonRpcServer> {
  const server = createJsonRpcServer({
    host: '127.0.0.1',
    port: 0,
    deadlineMs: 100,
    logger,
    onNotification: (m, p) => notifications.push([m, p]),
    handlers: {
      echo: async (p) => p,
      route: async () => { throw new RpcError(404, 'no route') },
      crash: async () => { throw new Error('db password is hunter2') },
      // a handler that is not async and throws before returning a promise
      sync: (() => { throw new RpcError(480, 'sync reject') }) as unknown as (p: unknown) => Promise<unknown>,
      slow: async () => new Promise((r) => setTimeout(() => r('late'), 400)),
      delayed: async (p) => new Promise((r) => setTimeout(() => r(p), (p as { ms: number }).ms)),
    },
  })
  await server.listen()
  return server
}

class Client {
  private decoder = new NetstringDecoder(1 << 20)
  private waiting: Array<(r: Reply) => void> = []
  private queue: Reply[] = []
  closed: Promise<void>
  constructor(readonly sock: net.Socket) {
    sock.on('data', (c: Buffer) => {
      for (const f of this.decoder.push(c)) {
        const r = JSON.parse(f) as Reply
        const w = this.waiting.shift()
        if (w) w(r); else this.queue.push(r)
      }
    })
    this.closed = new Promise((resolve) => sock.on('close', () => resolve()))
  }
  static async connect(port: number): Promise<Client> {
    const sock = net.connect({ host: '127.0.0.1', port })
    await new Promise((r) => sock.once('connect', r))
    return new Client(sock)
  }
  send(obj: unknown): void { this.sock.write(encodeNetstring(JSON.stringify(obj))) }
  next(): Promise<Reply> {
    const r = this.queue.shift()
    return r ? Promise.resolve(r) : new Promise((resolve) => this.waiting.push(resolve))
  }
}

t.test('json-rpc over netstrings', async (t) => {
  const server = await start()
  t.teardown(() => server.close())
  const port = server.address().port

  t.test('a request gets its result with the same id', async (t) => {
    const c = await Client.connect(port)
    c.send({ jsonrpc: '2.0', id: 7, method: 'echo', params: { a: 'é' } })
    t.same(await c.next(), { jsonrpc: '2.0', id: 7, result: { a: 'é' } })
    c.sock.destroy()
  })

  t.test('frames split across TCP writes and several frames in one write', async (t) => {
    const c = await Client.connect(port)
    const f = encodeNetstring(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'echo', params: 1 }))
    c.sock.write(f.subarray(0, 3))
    await new Promise((r) => setTimeout(r, 20))
    c.sock.write(Buffer.concat([f.subarray(3), encodeNetstring(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'echo', params: 2 }))]))
    t.same([(await c.next()).result, (await c.next()).result], [1, 2])
    c.sock.destroy()
  })

  t.test('replies come in completion order, matched by id', async (t) => {
    const c = await Client.connect(port)
    c.send({ jsonrpc: '2.0', id: 'a', method: 'delayed', params: { ms: 60 } })
    c.send({ jsonrpc: '2.0', id: 'b', method: 'delayed', params: { ms: 5 } })
    t.same([(await c.next()).id, (await c.next()).id], ['b', 'a'])
    c.sock.destroy()
  })

  t.test('errors: coded, internal (no leak), unknown method, deadline', async (t) => {
    const c = await Client.connect(port)
    c.send({ jsonrpc: '2.0', id: 1, method: 'route', params: {} })
    t.same((await c.next()).error, { code: 404, message: 'no route' })
    c.send({ jsonrpc: '2.0', id: 2, method: 'crash', params: {} })
    const crash = await c.next()
    t.same(crash.error, { code: -32603, message: 'internal error' })
    t.notMatch(JSON.stringify(crash), /hunter2/)
    t.ok(logs.some((l) => l.level === 'error'), 'the real error is logged')
    c.send({ jsonrpc: '2.0', id: 3, method: 'nope' })
    t.same((await c.next()).error, { code: -32601, message: 'method not found' })
    c.send({ jsonrpc: '2.0', id: 4, method: '__proto__' })
    t.equal((await c.next()).error?.code, -32601)
    const t0 = Date.now()
    c.send({ jsonrpc: '2.0', id: 5, method: 'slow' })
    const slow = await c.next()
    t.same(slow.error, { code: -32000, message: 'deadline exceeded' })
    t.ok(Date.now() - t0 < 300, 'answered at the deadline, not when the handler finishes')
    c.sock.destroy()
  })

  t.test('one reply per request: a result after the deadline is dropped; many deadlines at once', async (t) => {
    const c = await Client.connect(port)
    c.send({ jsonrpc: '2.0', id: 'late', method: 'slow' })
    t.same(await c.next(), { jsonrpc: '2.0', id: 'late', error: { code: -32000, message: 'deadline exceeded' } })
    await new Promise((r) => setTimeout(r, 450)) // the handler has finished meanwhile
    c.send({ jsonrpc: '2.0', id: 'next', method: 'echo', params: 1 })
    t.same(await c.next(), { jsonrpc: '2.0', id: 'next', result: 1 }, 'the late result never went out')
    c.send({ jsonrpc: '2.0', id: 's', method: 'sync' })
    t.same((await c.next()).error, { code: 480, message: 'sync reject' }, 'a handler throwing synchronously is answered too')
    const t0 = Date.now()
    for (let i = 0; i < 50; i++) c.send({ jsonrpc: '2.0', id: i, method: i % 2 ? 'slow' : 'echo', params: i })
    const replies = []
    for (let i = 0; i < 50; i++) replies.push(await c.next())
    t.ok(Date.now() - t0 < 350, 'the 25 slow ones are all answered at their deadline')
    t.same(replies.filter((r) => r.error).map((r) => r.id).sort((a, b) => Number(a) - Number(b)), Array.from({ length: 25 }, (_, i) => 2 * i + 1))
    t.same(replies.filter((r) => !r.error).map((r) => r.result).sort((a, b) => Number(a) - Number(b)), Array.from({ length: 25 }, (_, i) => 2 * i))
    c.sock.destroy()
  })

  t.test('notifications are delivered and never answered', async (t) => {
    const c = await Client.connect(port)
    c.send({ jsonrpc: '2.0', method: 'event', params: { type: 'registration' } })
    c.send({ jsonrpc: '2.0', id: 9, method: 'echo', params: 'after' })
    t.same(await c.next(), { jsonrpc: '2.0', id: 9, result: 'after' }, 'the next reply is the request, not the notification')
    t.same(notifications.at(-1), ['event', { type: 'registration' }])
    c.sock.destroy()
  })

  t.test('invalid JSON and invalid requests get JSON-RPC errors on an open connection', async (t) => {
    const c = await Client.connect(port)
    c.sock.write(encodeNetstring('{not json'))
    t.same((await c.next()).error?.code, -32700)
    c.send({ id: 1, method: 'echo' })
    t.same(await c.next(), { jsonrpc: '2.0', id: 1, error: { code: -32600, message: 'invalid request' } })
    c.send([1, 2])
    t.equal((await c.next()).error?.code, -32600)
    c.send({ jsonrpc: '2.0', id: 2, method: 'echo', params: 'still open' })
    t.equal((await c.next()).result, 'still open')
    c.sock.destroy()
  })

  t.test('a malformed frame closes that connection only', async (t) => {
    const bad = await Client.connect(port)
    const good = await Client.connect(port)
    bad.sock.write('12x:{"a":1},')
    await bad.closed
    t.pass('bad connection closed')
    const bad2 = await Client.connect(port)
    bad2.sock.write('2:{}X')
    await bad2.closed
    const huge = await Client.connect(port)
    huge.sock.write('99999999:')
    await huge.closed
    good.send({ jsonrpc: '2.0', id: 1, method: 'echo', params: 'alive' })
    t.equal((await good.next()).result, 'alive')
    good.sock.destroy()
  })

  t.test('close() ends open connections', async (t) => {
    const s2 = await start()
    const c = await Client.connect(s2.address().port)
    await s2.close()
    await c.closed
    t.pass('client saw the close')
  })
})

t.test('notifications yield to requests and run a few at a time', async (t) => {
  const started: number[] = []
  const release: Array<() => void> = []
  let maxInFlight = 0
  let inFlight = 0
  const s = createJsonRpcServer({
    host: '127.0.0.1', port: 0, deadlineMs: 1000, logger, notificationConcurrency: 2,
    handlers: { echo: async (p) => p },
    onNotification: (_m, p) => {
      started.push((p as { n: number }).n)
      maxInFlight = Math.max(maxInFlight, ++inFlight)
      return new Promise<void>((r) => release.push(() => { inFlight--; r() }))
    },
  })
  await s.listen()
  const c = await Client.connect(s.address().port)
  // a burst of events and a lookup in one TCP segment, the lookup last
  c.sock.write(Buffer.concat([...Array.from({ length: 10 }, (_, n) => encodeNetstring(JSON.stringify({ jsonrpc: '2.0', method: 'event', params: { n } }))), encodeNetstring(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'echo', params: 'lookup' }))]))
  t.same(await c.next(), { jsonrpc: '2.0', id: 1, result: 'lookup' }, 'the request is answered')
  t.ok(started.length <= 2, `no more than 2 notifications started before the reply (${started.length})`)
  while (started.length < 10) {
    await new Promise((r) => setTimeout(r, 5))
    release.shift()?.()
  }
  release.splice(0).forEach((f) => f())
  t.same(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'all delivered, in arrival order')
  t.equal(maxInFlight, 2, 'at most notificationConcurrency pending at once')
  c.sock.destroy()
  await s.close()
})

t.test('listen() rejects when the port is taken', async (t) => {
  const a = await start()
  const b = createJsonRpcServer({ host: '127.0.0.1', port: a.address().port, deadlineMs: 100, logger, handlers: {} })
  await t.rejects(b.listen(), /EADDRINUSE/)
  await a.close()
  t.throws(() => b.address(), /not listening/)
})
