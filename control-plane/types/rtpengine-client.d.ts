// rtpengine-client 0.4.12 ships no typings. Only what we use: the UDP client. (Its TcpClient
// loses replies under concurrency; we never use it.)
declare module 'rtpengine-client' {
  import { EventEmitter } from 'node:events'
  export interface NgReply {
    result: string
    'error-reason'?: string
    warning?: string
    [key: string]: unknown
  }
  type Command = (port: number, host: string, params?: Record<string, unknown>) => Promise<NgReply>
  export class Client extends EventEmitter {
    constructor(opts?: { localPort?: number; localAddress?: string; timeout?: number })
    ping: Command
    offer: Command
    answer: Command
    delete: Command
    query: Command
    list: Command
    statistics: Command
    startRecording: Command
    stopRecording: Command
    playMedia: Command
    stopMedia: Command
    close(): void
  }
}
