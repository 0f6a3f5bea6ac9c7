// Brute-force defence end to end: SIPp sends REGISTERs with a wrong password from 127.0.0.2 (the
// attacker) and the same traffic from 127.0.0.3, the inbound address of a provisioned trunk. The
// attacker is banned in Kamailio's htable after SIP_BAN_FAILURES digest failures and then dropped;
// the trunk address, pushed by the control plane into htable `trusted`, never is. The ban API
// lists the ban with its reason and expiry, lifts it, and refuses to ban a trusted address.
import t from 'tap'
import { runSipp } from '../support/sipp.ts'
import { eventually, sippOk, skipE2e, startStack } from '../support/e2e.ts'

// ports owned by this file: 6700-6799 SIP/RPC/JSON-RPC/SIPp, ng 23700-23703, RTP 17400-17599
const PORTS = { sip: 6700, rpc: 6701, cp: 6702, ng: 23700, rtpMin: 17400, rtpMax: 17599 }
const DOMAIN = 'bans.e2e.test'
const ATTACKER = '127.0.0.2'
const TRUNK_IP = '127.0.0.3'

t.test('brute force: the attacker is banned, the trusted trunk IP is not', { skip: skipE2e, timeout: 90_000 }, async (t) => {
  const s = await startStack(t, PORTS, { domain: DOMAIN, kamailioEnv: { SIP_BAN_FAILURES: '3', SIP_BAN_WINDOW_SECONDS: '60', SIP_BAN_SECONDS: '600' } })
  const domain = await s.create('domains', { name: DOMAIN })
  await s.create('users', { domainId: domain.id, extension: '1001', password: 'alice-bans-secret' })
  await s.create('trunks', { domainId: domain.id, name: 'carrier', host: '127.0.0.1', port: 6799, inboundIps: [TRUNK_IP] })
  await s.rebuild()

  const pushed = await eventually(async () => JSON.stringify(await s.kamRpc('htable.dump', ['trusted']).catch(() => '')).includes(TRUNK_IP), 5000)
  t.ok(pushed, 'the trunk address reached htable trusted')
  const trusted = await s.api('GET', '/security/trusted')
  t.match(trusted.body, { items: [{ ip: TRUNK_IP, source: 'trunk:carrier' }], lastSync: { ok: true } })

  const bruteForce = (ip: string, localPort: number, calls: number) =>
    runSipp({ scenario: 'register_bad_password', remote: s.target, localIp: ip, localPort, inject: s.csv('1001'), auth: { user: '1001', password: 'guess-123456' }, calls, rate: 20, timeoutMs: 6000 })

  const trunk = await bruteForce(TRUNK_IP, 6711, 6)
  sippOk(t, trunk, 'trusted source: every wrong password is answered 403, none is dropped', 6)

  const attack = await bruteForce(ATTACKER, 6710, 6)
  t.equal(attack.stats?.successful, 3, 'the attacker got its 3 answers (403) before the ban', { output: attack.output.slice(-1500) })
  t.not(attack.code, 0, 'then its requests went unanswered (dropped): SIPp ran into its timeout')

  const bans = (await s.api('GET', '/security/bans')).body.items as Array<{ ip: string; reason: string; expiresAt: string }>
  t.same(bans.map((b) => b.ip), [ATTACKER], 'only the attacker is banned')
  t.equal(bans[0].reason, 'digest_failures')
  const left = (new Date(bans[0].expiresAt).getTime() - Date.now()) / 1000
  t.ok(left > 500 && left <= 600, `expires in about 600 s (${left})`)

  const refuse = await s.api('POST', '/security/bans', { ip: TRUNK_IP, seconds: 60 })
  t.equal(refuse.status, 409)
  t.equal(refuse.body.error.code, 'ip_trusted')

  t.equal((await s.api('DELETE', `/security/bans/${ATTACKER}`)).status, 204)
  t.same((await s.api('GET', '/security/bans')).body.items, [], 'unbanned')
  sippOk(t, await bruteForce(ATTACKER, 6712, 1), 'after the unban the source is answered again')
  t.equal((await s.api('DELETE', `/security/bans/${ATTACKER}`)).status, 404)

  const manual = await s.api('POST', '/security/bans', { ip: '192.0.2.77', seconds: 120, reason: 'scanner' })
  t.equal(manual.status, 201)
  t.match(manual.body, { ip: '192.0.2.77', reason: 'manual scanner' })
  const actions = (await s.api('GET', '/audit?action=sip.')).body.items.map((e: { action: string }) => e.action)
  t.same(actions, ['sip.banned', 'sip.unbanned'], 'ban changes made through the API are journaled')
})
