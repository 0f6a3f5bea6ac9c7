// A typed, fail-fast wrapper over rtpengine-client's UDP ng client. UDP has no retransmission in
// that library, so every command carries a timeout; an ng `result: error` becomes an exception.
import rtpengine from 'rtpengine-client'
import { Unavailable } from '../../lib/errors.ts'

export interface NgPeer {
  host: string
  port: number
}

export class RtpengineNg {
  private client?: InstanceType<typeof rtpengine.Client>

  constructor(private readonly peer: NgPeer, private readonly timeoutMs = 1000) {}

  private get ng() {
    this.client ??= new rtpengine.Client({ timeout: this.timeoutMs })
    return this.client
  }

  async command(name: 'ping' | 'query' | 'list' | 'statistics' | 'delete' | 'startRecording' | 'stopRecording' | 'playMedia' | 'stopMedia', params: Record<string, unknown> = {}) {
    let reply
    try {
      reply = await this.ng[name](this.peer.port, this.peer.host, params)
    } catch (err) {
      throw Unavailable('rtpengine_unreachable', `rtpengine ${this.peer.host}:${this.peer.port} did not answer ${name}: ${(err as Error).message}`)
    }
    if (reply.result === 'error') throw Unavailable('rtpengine_error', `rtpengine refused ${name}: ${reply['error-reason'] ?? 'no reason given'}`)
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
