// `switchboard route explain --from 1001 --to 0033123456789 [--domain d] [--src-ip ip] [--at iso]`:
// asks a running control plane (POST /api/v1/routing/explain, the code Kamailio's lookup runs)
// and prints the decision and the trace.
import { parseArgs } from 'node:util'
import axios from 'axios'

export async function explainCommand(argv: string[], env = process.env): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { from: { type: 'string' }, to: { type: 'string' }, domain: { type: 'string' }, 'src-ip': { type: 'string' }, at: { type: 'string' }, url: { type: 'string' }, 'api-key': { type: 'string' }, json: { type: 'boolean' } },
  })
  const key = values['api-key'] ?? env.SWITCHBOARD_API_KEY
  if (!values.from || !values.to || !key) {
    process.stderr.write('usage: switchboard route explain --from <caller> --to <number> [--domain <d>] [--src-ip <ip>] [--at <iso time>] [--url http://127.0.0.1:8080] [--api-key <key> | SWITCHBOARD_API_KEY]\n')
    return 2
  }
  const url = values.url ?? env.SWITCHBOARD_URL ?? 'http://127.0.0.1:8080'
  const body = { from: values.from, to: values.to, domain: values.domain, srcIp: values['src-ip'], at: values.at }
  const res = await axios.post(`${url}/api/v1/routing/explain`, body, { headers: { authorization: `Bearer ${key}` }, validateStatus: () => true, timeout: 5000 })
  if (res.status !== 200) {
    process.stderr.write(`explain failed: HTTP ${res.status} ${JSON.stringify(res.data?.error ?? res.data)}\n`)
    return 1
  }
  if (values.json) {
    process.stdout.write(JSON.stringify(res.data, null, 2) + '\n')
    return 0
  }
  const d = res.data.decision
  for (const s of res.data.trace as Array<{ step: string; detail: string }>) process.stdout.write(`  ${s.step.padEnd(12)} ${s.detail}\n`)
  process.stdout.write(d.outcome === 'route' ? `→ ${d.kind} via ${d.label}: ${d.rtjson.routes.map((r: { uri: string }) => r.uri).join(', ')}\n` : `→ reject ${d.sipCode} ${d.reason} (${d.code})\n`)
  return 0
}
