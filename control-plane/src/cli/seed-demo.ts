// `switchboard seed-demo`: provisions the local demo through the public API (so it is audited and
// validated like any change): domain 127.0.0.1 (softphones register to the server address),
// extensions 1001 and 1002, a carrier trunk on 127.0.0.1:5090 (inbound from 127.0.0.2), an
// emergency trunk on 127.0.0.1:5091, a French dial plan, emergency numbers and one DID.
// Idempotent: an existing demo domain is left as it is.
import { parseArgs } from 'node:util'
import axios, { type AxiosInstance } from 'axios'

export const DEMO = {
  domain: '127.0.0.1',
  users: [
    { extension: '1001', password: 'alice-demo-pass', displayName: 'Alice (demo)', callerId: '+33100000001' },
    { extension: '1002', password: 'bob-demo-pass', displayName: 'Bob (demo)', callerId: '+33100000002' },
  ],
  emergencyNumbers: ['112', '15', '17', '18'],
  carrier: { host: '127.0.0.1', port: 5090, inboundIps: ['127.0.0.2'] },
  emergencyTrunk: { host: '127.0.0.1', port: 5091 },
  did: '+33100000001',
}

async function post(api: AxiosInstance, url: string, body: object): Promise<{ id: string }> {
  const r = await api.post(url, body)
  if (r.status !== 201) throw new Error(`POST ${url}: HTTP ${r.status} ${JSON.stringify(r.data?.error ?? r.data)}`)
  return r.data
}

export async function seedDemo(api: AxiosInstance, log: (s: string) => void): Promise<void> {
  const existing = await api.get('/api/v1/domains', { params: { name: DEMO.domain } })
  if (existing.status !== 200) throw new Error(`GET /api/v1/domains: HTTP ${existing.status} ${JSON.stringify(existing.data?.error)}`)
  if (existing.data.items.some((d: { name: string }) => d.name === DEMO.domain)) {
    log(`demo domain ${DEMO.domain} already provisioned`)
    return
  }
  const domain = await post(api, '/api/v1/domains', { name: DEMO.domain, timezone: 'Europe/Paris', description: 'local demo' })
  const domainId = domain.id
  const carrier = await post(api, '/api/v1/trunks', { domainId, name: 'demo-carrier', ...DEMO.carrier, authMode: 'IP', priority: 10 })
  const emergency = await post(api, '/api/v1/trunks', { domainId, name: 'demo-emergency', ...DEMO.emergencyTrunk, authMode: 'IP', inboundIps: ['127.0.0.3'], isEmergency: true, priority: 1 })
  const plan = await post(api, '/api/v1/dialplans', {
    domainId,
    name: 'france',
    countryCode: '33',
    nationalPrefix: '0',
    internationalPrefix: '00',
    rules: [
      { name: 'national', pattern: '0[1-9][0-9]{8}', numberClass: 'NATIONAL', trunkIds: [carrier.id] },
      { name: 'international', pattern: '00[1-9][0-9]{6,14}', numberClass: 'INTERNATIONAL', trunkIds: [carrier.id] },
      { name: 'e164', pattern: '\\+[1-9][0-9]{6,14}', numberClass: 'INTERNATIONAL', trunkIds: [carrier.id] },
    ],
  })
  const r = await api.patch(`/api/v1/domains/${domainId}`, { defaultDialPlanId: plan.id })
  if (r.status !== 200) throw new Error(`PATCH domain: HTTP ${r.status} ${JSON.stringify(r.data?.error)}`)
  let first = ''
  for (const u of DEMO.users) {
    const user = await post(api, '/api/v1/users', { domainId, ...u, classOfService: 'INTERNATIONAL' })
    first ||= user.id
  }
  for (const number of DEMO.emergencyNumbers) await post(api, '/api/v1/emergency-numbers', { domainId, number, trunkId: emergency.id, description: 'demo' })
  await post(api, '/api/v1/numbers', { domainId, e164: DEMO.did, targetType: 'USER', targetId: first, description: 'demo DID' })
  log(`demo domain ${DEMO.domain} provisioned: extensions ${DEMO.users.map((u) => u.extension).join(', ')}, trunks demo-carrier and demo-emergency, DID ${DEMO.did}`)
}

export async function seedDemoCommand(argv: string[], env = process.env): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { url: { type: 'string' }, 'api-key': { type: 'string' } } })
  const key = values['api-key'] ?? env.SWITCHBOARD_API_KEY
  if (!key) {
    process.stderr.write('usage: switchboard seed-demo [--url http://127.0.0.1:8080] --api-key <admin key> (or SWITCHBOARD_API_KEY)\n')
    return 2
  }
  const api = axios.create({ baseURL: values.url ?? env.SWITCHBOARD_URL ?? 'http://127.0.0.1:8080', headers: { authorization: `Bearer ${key}` }, validateStatus: () => true, timeout: 10_000 })
  await seedDemo(api, (s) => process.stdout.write(`${s}\n`))
  return 0
}
