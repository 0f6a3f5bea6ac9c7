// Client for Kamailio's own JSON-RPC (jsonrpcs served over xhttp): stats, usrloc, dialogs, htable.
import axios, { type AxiosInstance } from 'axios'
import { Unavailable } from '../../lib/errors.ts'

export class KamailioRpcError extends Error {
  constructor(readonly rpcCode: number, message: string) {
    super(message)
  }
}

export class KamailioRpc {
  private readonly http: AxiosInstance
  private seq = 0

  constructor(url: string, timeoutMs = 2000) {
    this.http = axios.create({ baseURL: url, timeout: timeoutMs, headers: { 'content-type': 'application/json' }, validateStatus: () => true })
  }

  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    let res
    try {
      res = await this.http.post('', { jsonrpc: '2.0', id: ++this.seq, method, params })
    } catch (err) {
      throw Unavailable('kamailio_unreachable', `Kamailio RPC ${method} failed: ${(err as Error).message}`)
    }
    const body = res.data as { result?: T; error?: { code: number; message: string } }
    if (body?.error) throw new KamailioRpcError(body.error.code, `Kamailio RPC ${method}: ${body.error.message}`)
    if (res.status !== 200) throw Unavailable('kamailio_unreachable', `Kamailio RPC ${method}: HTTP ${res.status}`)
    return body.result as T
  }

  version() {
    return this.call<string[] | string>('core.version')
  }
}
