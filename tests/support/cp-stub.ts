// A throw-away control plane that speaks the Kamailio contract (docs/kamailio-contract.md) over the
// real JSON-RPC transport, with a fixed directory. It proves the cfg without the real routing
// engine. R-URI users it understands:
//   <subscriber>   a registered user: sb.lookup (usrloc), 480 when not registered
//   uas            route to the UAS at uas
//   fo503          route to uas503 (answers 503), failover on 5xx to uas
//   needauth       407 until the caller authenticated, then like "uas"
//   nosuch         error 404
//   slow           like "uas" after slowMs (for CANCEL during a suspended lookup)
//   deadline       never answers (the server's deadline answers)
import { createHash } from 'node:crypto'
import { RpcError, createJsonRpcServer, type JsonRpcServer } from '../../control-plane/src/modules/kamailio/jsonrpc-server.ts'

export interface StubOptions {
  port: number
  domain: string
  /** user -> password */
  users: Record<string, string>
  uas: string
  uas503?: string
  slowMs?: number
  deadlineMs?: number
  expires?: { min: number; max: number; default: number }
  media?: { offer: string; answer: string }
}

export interface StubEvent { method: string; params: Record<string, unknown> }

export interface StubControlPlane {
  server: JsonRpcServer
  events: StubEvent[]
  calls: Array<{ method: string; params: Record<string, unknown> }>
  close(): Promise<void>
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex')
const silent = { debug() {}, warn() {}, error() {} }

export async function startStubControlPlane(o: StubOptions): Promise<StubControlPlane> {
  const events: StubEvent[] = []
  const calls: StubControlPlane['calls'] = []
  const sb = (extra: object = {}) => ({ kind: 'test', lookup: false, failover: [] as string[], media: o.media ?? { offer: 'replace-origin replace-session-connection', answer: 'replace-origin replace-session-connection' }, record: 'never', decision: 'stub', ...extra })
  const toUas = (user: string, hostport: string) => ({ uri: `sip:${user}@${hostport}`, dst_uri: `sip:${hostport}` })

  const server = createJsonRpcServer({
    host: '127.0.0.1',
    port: o.port,
    deadlineMs: o.deadlineMs ?? 500,
    logger: silent,
    onNotification: (method, params) => { events.push({ method, params: params as Record<string, unknown> }) },
    handlers: {
      auth: async (p) => {
        const q = p as { user: string; domain: string }
        calls.push({ method: 'auth', params: q })
        const pw = o.users[q.user]
        if (pw === undefined || q.domain !== o.domain) throw new RpcError(404, 'unknown user')
        return { ha1: md5(`${q.user}:${q.domain}:${pw}`), ha1b: md5(`${q.user}@${q.domain}:${q.domain}:${pw}`), expires: o.expires ?? { min: 60, max: 3600, default: 600 } }
      },
      route: async (p) => {
        const q = p as Record<string, string>
        calls.push({ method: 'route', params: q })
        const user = q.ruri_user
        const doc = (routes: object[], extra: object = {}) => ({ version: '1.0', routing: 'serial', routes, sb: sb(extra) })
        switch (user) {
          case 'nosuch': throw new RpcError(404, 'Not Found')
          case 'deadline': return new Promise(() => {})
          case 'needauth':
            if (!q.auth_user) throw new RpcError(407, 'authenticate')
            return doc([toUas(user, o.uas)])
          case 'slow':
            await new Promise((r) => setTimeout(r, o.slowMs ?? 1500))
            return doc([toUas(user, o.uas)])
          case 'uas': return doc([toUas(user, o.uas)])
          case 'fo503': return doc([toUas(user, o.uas503 ?? o.uas), toUas(user, o.uas)], { failover: ['5[0-9][0-9]'] })
        }
        if (o.users[user] !== undefined) return doc([{ uri: `sip:${user}@${o.domain}` }], { lookup: true })
        throw new RpcError(404, 'Not Found')
      },
    },
  })
  await server.listen()
  return { server, events, calls, close: () => server.close() }
}
