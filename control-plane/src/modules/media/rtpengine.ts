// A typed, fail-fast wrapper over rtpengine-client's UDP ng client, for one rtpengine node. UDP
// has no retransmission in that library, so every command carries a timeout; an ng
// `result: error` becomes an exception (the library resolves it). Several nodes, weights and
// health are media-client.ts's job.
import rtpengine from 'rtpengine-client'
import { AppError, Unavailable } from '../../lib/errors.ts'

export interface NgPeer {
  host: string
  port: number
}

export type NgCommand =
  | 'ping' | 'offer' | 'answer' | 'query' | 'list' | 'statistics' | 'delete'
  | 'startRecording' | 'stopRecording' | 'playMedia' | 'stopMedia'

/** Kinds callers can tell apart: no answer at all, or a refusal with rtpengine's reason. */
export class RtpengineError extends AppError {
  constructor(code: 'rtpengine_unreachable' | 'rtpengine_error' | 'rtpengine_unknown_call', message: string, readonly node: string) {
    super('unavailable', code, message)
    this.name = 'RtpengineError'
  }
}

export class RtpengineNg {
  private client?: InstanceType<typeof rtpengine.Client>
  readonly name: string

  constructor(private readonly peer: NgPeer, private readonly timeoutMs = 1000) {
    this.name = `${peer.host}:${peer.port}`
  }

  private get ng() {
    if (!this.client) {
      this.client = new rtpengine.Client({ timeout: this.timeoutMs })
      // A reply arriving after its command timed out (a busy rtpengine or host) is emitted as an
      // 'error' event; unlistened, it killed the control plane. The command has already failed
      // with rtpengine_unreachable: nothing is left to do with it.
      this.client.on('error', () => {})
    }
    return this.client
  }

  async command(name: NgCommand, params: Record<string, unknown> = {}) {
    let reply
    try {
      reply = await this.ng[name](this.peer.port, this.peer.host, params)
    } catch (err) {
      throw new RtpengineError('rtpengine_unreachable', `rtpengine ${this.name} did not answer ${name} within ${this.timeoutMs} ms: ${(err as Error).message ?? err}`, this.name)
    }
    if (reply.result === 'error') {
      const reason = String(reply['error-reason'] ?? 'no reason given')
      // rtpengine says "Unknown call-id" (or "Unknown call-ID") for a call it does not hold
      const code = /unknown call/i.test(reason) ? 'rtpengine_unknown_call' : 'rtpengine_error'
      throw new RtpengineError(code, `rtpengine ${this.name} refused ${name}: ${reason}`, this.name)
    }
    return reply
  }

  async ping(): Promise<void> {
    const r = await this.command('ping')
    if (r.result !== 'pong') throw Unavailable('rtpengine_unreachable', `unexpected ping reply ${r.result}`)
  }

  close() {
    this.client?.close()
    this.client = undefined
  }
}
