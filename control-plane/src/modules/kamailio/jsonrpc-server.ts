// JSON-RPC 2.0 over TCP with netstring framing: the listener Kamailio's janssonrpcc module talks to
// ("len:payload," per frame, see the janssonrpcc README, "TCP/Netstrings"). Kamailio keeps a few
// long-lived connections and multiplexes requests on them by id, so requests on one connection are
// handled concurrently and answered in completion order.
//
// Guarantees:
//   - every request gets exactly one reply, within deadlineMs: a slow handler is answered with an
//     error (-32000) so a suspended SIP transaction never waits on us forever;
//   - a handler error carrying { rpcCode, message } becomes that JSON-RPC error; anything else is
//     -32603 "internal error" (internals are logged, never sent);
//   - a malformed frame closes that connection only.
import net from 'node:net'

export type JsonRpcHandler = (params: unknown) => Promise<unknown>

export interface JsonRpcLogger {
  debug(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export interface JsonRpcServerOptions {
  host: string
  port: number
  handlers: Record<string, JsonRpcHandler>
  /**
   * requests without an id (Kamailio's janssonrpc_notification); never answered. They yield to
   * requests: handled after the frames already read, at most `notificationConcurrency` at a time
   * when the handler returns a promise (a burst of events must not delay the lookups behind it).
   */
  onNotification?: (method: string, params: unknown) => unknown
  /** notifications whose promise is still pending at once (default 4) */
  notificationConcurrency?: number
  /** notifications waiting beyond this are dropped with a warning (default 100,000) */
  maxQueuedNotifications?: number
  deadlineMs: number
  logger: JsonRpcLogger
  /** the largest payload accepted in one frame (default 1 MiB) */
  maxFrameBytes?: number
}

export interface JsonRpcServer {
  listen(): Promise<void>
  close(): Promise<void>
  address(): net.AddressInfo
}

/** An error a handler may throw to choose the JSON-RPC error code (e.g. a SIP code for `route`). */
export class RpcError extends Error {
  constructor(readonly rpcCode: number, message: string) {
    // an answer, not a fault: no stack trace (capturing one per 404/407 reject showed in profiles)
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(message)
    Error.stackTraceLimit = limit
    this.name = 'RpcError'
  }
}

export const RPC_PARSE_ERROR = -32700
export const RPC_INVALID_REQUEST = -32600
export const RPC_METHOD_NOT_FOUND = -32601
export const RPC_INTERNAL_ERROR = -32603
export const RPC_DEADLINE_EXCEEDED = -32000

type Id = string | number | null

export function encodeNetstring(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8')
  return Buffer.concat([Buffer.from(`${body.length}:`, 'ascii'), body, Buffer.from(',', 'ascii')])
}

/**
 * Incremental netstring decoder. push() returns the complete payloads so far; it throws on a
 * malformed frame (non-digit length, leading zeros, oversize, missing trailing comma).
 */
export class NetstringDecoder {
  private buf: Buffer = Buffer.alloc(0)
  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): string[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk])
    const out: string[] = []
    for (;;) {
      const colon = this.buf.indexOf(0x3a)
      const maxDigits = String(this.maxBytes).length
      if (colon < 0) {
        if (this.buf.length > maxDigits || !/^\d*$/.test(this.buf.toString('latin1'))) throw new Error('bad netstring length')
        return out
      }
      const lenText = this.buf.subarray(0, colon).toString('latin1')
      if (!/^(0|[1-9]\d*)$/.test(lenText) || lenText.length > maxDigits) throw new Error('bad netstring length')
      const len = Number(lenText)
      if (len > this.maxBytes) throw new Error(`netstring of ${len} bytes exceeds ${this.maxBytes}`)
      const end = colon + 1 + len
      if (this.buf.length < end + 1) return out
      if (this.buf[end] !== 0x2c) throw new Error('netstring without trailing comma')
      out.push(this.buf.subarray(colon + 1, end).toString('utf8'))
      this.buf = this.buf.subarray(end + 1)
    }
  }
}

function isRpcCoded(e: unknown): e is { rpcCode: number; message: string } {
  return typeof e === 'object' && e !== null && Number.isInteger((e as { rpcCode?: unknown }).rpcCode) && typeof (e as { message?: unknown }).message === 'string'
}

export function createJsonRpcServer(opts: JsonRpcServerOptions): JsonRpcServer {
  const { handlers, logger, deadlineMs } = opts
  const maxFrameBytes = opts.maxFrameBytes ?? 1024 * 1024
  const sockets = new Set<net.Socket>()

  // Notifications (Kamailio's events: CDR and outbox writes, ~1 ms of CPU each) wait behind
  // requests (route/auth lookups, which suspend a SIP transaction): queued, started from
  // setImmediate (after the I/O of this loop turn), a few at a time.
  const maxInFlight = Math.max(1, opts.notificationConcurrency ?? 4)
  const maxQueued = opts.maxQueuedNotifications ?? 100_000
  const queued: Array<{ method: string; params: unknown }> = []
  let inFlight = 0
  let pumping = false
  let dropped = 0
  const settle = () => {
    inFlight--
    schedulePump()
  }
  function schedulePump(): void {
    if (pumping || queued.length === 0 || inFlight >= maxInFlight) return
    pumping = true
    setImmediate(pump)
  }
  function pump(): void {
    pumping = false
    while (inFlight < maxInFlight && queued.length > 0) {
      const { method, params } = queued.shift()!
      let pending: unknown
      try {
        pending = opts.onNotification?.(method, params)
      } catch (err) {
        logger.error({ err, method }, 'json-rpc notification handler failed')
        continue
      }
      if (pending instanceof Promise) {
        inFlight++
        pending.then(settle, (err: unknown) => {
          logger.error({ err, method }, 'json-rpc notification handler failed')
          settle()
        })
      }
    }
  }
  function notify(method: string, params: unknown): void {
    if (!opts.onNotification) return
    if (queued.length >= maxQueued) {
      if (dropped++ % 1000 === 0) logger.warn({ method, queued: queued.length, dropped }, 'json-rpc notifications dropped: the queue is full')
      return
    }
    queued.push({ method, params })
    schedulePump()
  }

  type Reply = { result: unknown } | { error: { code: number; message: string } }
  const outcome = (method: string, err: unknown): Reply => {
    if (isRpcCoded(err)) return { error: { code: err.rpcCode, message: err.message } }
    logger.error({ err, method }, 'json-rpc handler failed')
    return { error: { code: RPC_INTERNAL_ERROR, message: 'internal error' } }
  }

  // Deadlines: one sweep timer for all requests in flight rather than a timer and a Promise.race per
  // request (those were a good part of what each lookup allocated). A request still unanswered at
  // its deadline is answered -32000 by the sweep; its late result is then dropped. The sweep runs
  // every deadlineMs/10, so a deadline fires up to 10 % late.
  interface Pending { sock: net.Socket; id: Id; method: string; due: number }
  const pending = new Set<Pending>()
  let sweeper: NodeJS.Timeout | undefined
  const sweepEvery = Math.max(5, Math.floor(deadlineMs / 10))
  function sweep(): void {
    const now = performance.now()
    for (const p of pending) {
      if (p.due > now) continue
      pending.delete(p)
      logger.warn({ method: p.method, deadlineMs }, 'json-rpc handler missed its deadline')
      reply(p.sock, p.id, { error: { code: RPC_DEADLINE_EXCEEDED, message: 'deadline exceeded' } })
    }
    if (pending.size === 0 && sweeper) {
      clearInterval(sweeper)
      sweeper = undefined
    }
  }
  function call(sock: net.Socket, id: Id, method: string, params: unknown): void {
    const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined
    if (!handler) return reply(sock, id, { error: { code: RPC_METHOD_NOT_FOUND, message: 'method not found' } })
    const p: Pending = { sock, id, method, due: performance.now() + deadlineMs }
    pending.add(p)
    sweeper ??= setInterval(sweep, sweepEvery)
    const settle = (body: Reply) => {
      if (!pending.delete(p)) return // answered at the deadline already
      reply(sock, id, body)
    }
    let promise: Promise<unknown>
    try {
      promise = handler(params)
    } catch (err) {
      return settle(outcome(method, err))
    }
    promise.then((result) => settle({ result }), (err: unknown) => settle(outcome(method, err)))
  }

  // Replies that complete in the same tick go out in one writev: under load Kamailio pipelines many
  // requests per connection, and one syscall per reply was the listener's largest cost
  // (scripts/bench/lookup.ts, docs/benchmarks.md).
  const corked = new WeakSet<net.Socket>()
  function reply(sock: net.Socket, id: Id, body: object): void {
    if (!sock.writable) return
    if (!corked.has(sock)) {
      corked.add(sock)
      sock.cork()
      process.nextTick(() => {
        corked.delete(sock)
        sock.uncork()
      })
    }
    const payload = JSON.stringify({ jsonrpc: '2.0', id, ...body })
    sock.write(`${Buffer.byteLength(payload)}:${payload},`)
  }

  function onFrame(sock: net.Socket, payload: string): void {
    let msg: unknown
    try {
      msg = JSON.parse(payload)
    } catch {
      reply(sock, null, { error: { code: RPC_PARSE_ERROR, message: 'parse error' } })
      return
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      reply(sock, null, { error: { code: RPC_INVALID_REQUEST, message: 'invalid request' } })
      return
    }
    const m = msg as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown }
    const hasId = Object.hasOwn(m, 'id')
    const idOk = m.id === null || typeof m.id === 'string' || typeof m.id === 'number'
    if (m.jsonrpc !== '2.0' || typeof m.method !== 'string' || (hasId && !idOk)) {
      reply(sock, idOk ? (m.id as Id) ?? null : null, { error: { code: RPC_INVALID_REQUEST, message: 'invalid request' } })
      return
    }
    const method = m.method
    if (!hasId) {
      notify(method, m.params)
      return
    }
    call(sock, m.id as Id, method, m.params)
  }

  const server = net.createServer((sock) => {
    sockets.add(sock)
    sock.setNoDelay(true)
    const decoder = new NetstringDecoder(maxFrameBytes)
    sock.on('data', (chunk: Buffer) => {
      let frames: string[]
      try {
        frames = decoder.push(chunk)
      } catch (err) {
        logger.warn({ remote: `${sock.remoteAddress}:${sock.remotePort}`, reason: (err as Error).message }, 'malformed json-rpc frame; closing the connection')
        sock.destroy()
        return
      }
      for (const f of frames) onFrame(sock, f)
    })
    sock.on('error', (err) => logger.debug({ err }, 'json-rpc connection error'))
    sock.on('close', () => sockets.delete(sock))
  })

  return {
    listen: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(opts.port, opts.host, () => {
          server.off('error', reject)
          resolve()
        })
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (sweeper) clearInterval(sweeper)
        sweeper = undefined
        pending.clear()
        for (const s of sockets) s.destroy()
        if (!server.listening) return resolve()
        server.close(() => resolve())
      }),
    address: () => {
      const a = server.address()
      if (a === null || typeof a === 'string') throw new Error('json-rpc server is not listening')
      return a
    },
  }
}
