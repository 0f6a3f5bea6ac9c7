// The control plane's media client: several rtpengine nodes, each with a weight and a health state
// kept by periodic ng pings. Kamailio picks the node of a call (its rtpengine module balances by
// weight), so a call-bound command (query, recording, play media) goes to the node known to hold
// the call, else to every healthy node at once, and the node that knows the Call-ID is remembered.
// Every command has a timeout; failures are RtpengineError exceptions, never hangs.
import { RtpengineError, RtpengineNg, type NgCommand, type NgPeer } from './rtpengine.ts'

export interface MediaNodeSpec extends NgPeer {
  /** relative share of new work (statistics, non call-bound commands); 0 = standby */
  weight: number
}

export interface NodeHealth {
  node: string
  weight: number
  up: boolean
  consecutiveFailures: number
  lastCheckedAt: Date | null
  lastError: string | null
  /** round trip of the last successful ping */
  rttMs: number | null
}

export interface MediaClientOptions {
  timeoutMs?: number
  /** ms between health checks; 0 disables the timer (tests drive checkHealth()) */
  healthIntervalMs?: number
  /** consecutive failed pings before a node is marked down (one success brings it back) */
  downAfter?: number
  /** [0, 1); injected so weighted choice is testable */
  rng?: () => number
  /** a node object per spec; injected in tests */
  connect?: (spec: MediaNodeSpec, timeoutMs: number) => Pick<RtpengineNg, 'command' | 'close' | 'name'>
  onHealthChange?: (h: NodeHealth) => void
}

type Node = { spec: MediaNodeSpec; ng: Pick<RtpengineNg, 'command' | 'close' | 'name'>; health: NodeHealth }

const MAX_CALLS_REMEMBERED = 50_000

/** "host:port[:weight]" entries, comma separated (RTPENGINE_NODES). */
export function parseMediaNodes(raw: string): MediaNodeSpec[] {
  return raw.split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})(?::(\d{1,3}))?$/.exec(entry)
    if (!m) throw new Error(`rtpengine node must be host:port[:weight], got "${entry}"`)
    const port = Number(m[2])
    if (port < 1 || port > 65535) throw new Error(`rtpengine node port out of range: "${entry}"`)
    return { host: m[1].replace(/^\[|\]$/g, ''), port, weight: m[3] === undefined ? 1 : Number(m[3]) }
  })
}

export class MediaClient {
  private readonly nodes: Node[]
  private readonly owner = new Map<string, Node>()
  private timer?: NodeJS.Timeout
  private readonly o: Required<Omit<MediaClientOptions, 'onHealthChange' | 'connect'>> & Pick<MediaClientOptions, 'onHealthChange'>

  constructor(specs: MediaNodeSpec[], opts: MediaClientOptions = {}) {
    if (specs.length === 0) throw new Error('the media client needs at least one rtpengine node')
    this.o = { timeoutMs: opts.timeoutMs ?? 1000, healthIntervalMs: opts.healthIntervalMs ?? 5000, downAfter: opts.downAfter ?? 2, rng: opts.rng ?? Math.random, onHealthChange: opts.onHealthChange }
    const connect = opts.connect ?? ((s, t) => new RtpengineNg(s, t))
    this.nodes = specs.map((spec) => {
      const ng = connect(spec, this.o.timeoutMs)
      // optimistic until the first check says otherwise: Kamailio may already be using it
      return { spec, ng, health: { node: ng.name, weight: spec.weight, up: true, consecutiveFailures: 0, lastCheckedAt: null, lastError: null, rttMs: null } }
    })
  }

  start(): void {
    if (this.o.healthIntervalMs <= 0 || this.timer) return
    void this.checkHealth()
    this.timer = setInterval(() => void this.checkHealth(), this.o.healthIntervalMs)
    this.timer.unref()
  }

  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    for (const n of this.nodes) n.ng.close()
  }

  health(): NodeHealth[] {
    return this.nodes.map((n) => ({ ...n.health }))
  }

  /** Ping every node once, update their state; resolves when all have answered or timed out. */
  async checkHealth(): Promise<NodeHealth[]> {
    await Promise.all(this.nodes.map(async (n) => {
      const t0 = performance.now()
      const wasUp = n.health.up
      try {
        const r = await n.ng.command('ping')
        if (r.result !== 'pong') throw new Error(`ping answered ${r.result}`)
        Object.assign(n.health, { up: true, consecutiveFailures: 0, lastError: null, rttMs: Math.round((performance.now() - t0) * 10) / 10 })
      } catch (err) {
        n.health.consecutiveFailures++
        n.health.lastError = (err as Error).message
        if (n.health.consecutiveFailures >= this.o.downAfter) n.health.up = false
      }
      n.health.lastCheckedAt = new Date()
      if (wasUp !== n.health.up) this.o.onHealthChange?.({ ...n.health })
    }))
    return this.health()
  }

  /** A healthy node drawn by weight (nodes of weight 0 only when nothing else is up). */
  pick(): Node {
    const up = this.nodes.filter((n) => n.health.up)
    if (up.length === 0) throw new RtpengineError('rtpengine_unreachable', 'no rtpengine node is up', this.nodes.map((n) => n.ng.name).join(','))
    const weighted = up.filter((n) => n.spec.weight > 0)
    if (weighted.length === 0) return up[0]
    const total = weighted.reduce((s, n) => s + n.spec.weight, 0)
    let x = this.o.rng() * total
    for (const n of weighted) {
      x -= n.spec.weight
      if (x < 0) return n
    }
    return weighted[weighted.length - 1]
  }

  /** A command that is not about one call, on a node drawn by weight. */
  async any(name: NgCommand, params: Record<string, unknown> = {}) {
    return this.pick().ng.command(name, params)
  }

  /**
   * A command about one call: on the node remembered for it, else asked of every healthy node
   * in parallel (the first that knows the Call-ID wins and is remembered).
   */
  async forCall(callId: string, name: NgCommand, params: Record<string, unknown> = {}) {
    const full = { ...params, 'call-id': callId }
    const known = this.owner.get(callId)
    if (known) {
      try {
        return await known.ng.command(name, full)
      } catch (err) {
        if (!(err instanceof RtpengineError) || err.code !== 'rtpengine_unknown_call') throw err
        this.owner.delete(callId)
      }
    }
    const candidates = this.nodes.filter((n) => n.health.up)
    if (candidates.length === 0) throw new RtpengineError('rtpengine_unreachable', 'no rtpengine node is up', this.nodes.map((n) => n.ng.name).join(','))
    const attempts = candidates.map(async (n) => ({ n, reply: await n.ng.command(name, full) }))
    try {
      const { n, reply } = await Promise.any(attempts)
      this.remember(callId, n)
      return reply
    } catch (agg) {
      const errors = (agg as AggregateError).errors as Error[]
      // a node that refused for another reason than "unknown call" says more than the others
      const telling = errors.find((e) => e instanceof RtpengineError && e.code !== 'rtpengine_unknown_call') ?? errors[0]
      throw telling
    }
  }

  /** Forget a call (after it ended): bounded memory whatever happens. */
  forget(callId: string): void {
    this.owner.delete(callId)
  }

  private remember(callId: string, n: Node) {
    if (this.owner.size >= MAX_CALLS_REMEMBERED) this.owner.delete(this.owner.keys().next().value as string)
    this.owner.set(callId, n)
  }

  query = (callId: string) => this.forCall(callId, 'query')
  startRecording = (callId: string) => this.forCall(callId, 'startRecording')
  stopRecording = (callId: string) => this.forCall(callId, 'stopRecording')
  /** Play a file to every party of the call (the consent announcement before recording). */
  playMedia = (callId: string, file: string, fromTag?: string) =>
    this.forCall(callId, 'playMedia', fromTag ? { file, 'from-tag': fromTag } : { file, flags: ['all'] })
}
