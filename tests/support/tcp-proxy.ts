// A TCP proxy the fault tests put between the control plane and a shared dependency (PostgreSQL,
// Redis) so they can cut it without stopping the machine's daemon: cut() drops every connection and
// refuses new ones; restore() accepts again.
import net from 'node:net'

export interface TcpProxy {
  port: number
  cut(): Promise<void>
  restore(): Promise<void>
  close(): Promise<void>
}

export async function startTcpProxy(listenPort: number, target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>()
  let server: net.Server | undefined
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host)
        for (const x of [client, upstream]) {
          sockets.add(x)
          x.on('close', () => sockets.delete(x))
          x.on('error', () => { client.destroy(); upstream.destroy() })
        }
        client.pipe(upstream)
        upstream.pipe(client)
      })
      s.once('error', reject)
      s.listen(listenPort, '127.0.0.1', () => resolve())
      server = s
    })
  const stop = async () => {
    const s = server
    server = undefined
    for (const x of sockets) x.destroy()
    sockets.clear()
    if (s) await new Promise<void>((r) => s.close(() => r()))
  }
  await listen()
  return { port: listenPort, cut: stop, restore: listen, close: stop }
}
