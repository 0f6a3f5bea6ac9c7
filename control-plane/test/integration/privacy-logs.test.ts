// GDPR export and erasure of a SIP user, then the whole run's logs (every stream, at trace level)
// are searched for each secret the run handled: passwords, TOTP seed and codes, recovery codes,
// access and refresh tokens, API keys, SIP and trunk secrets, and the personal data of the user.
import t from 'tap'
import { Writable } from 'node:stream'
import { buildTestApp } from '../support/app.ts'
import { adminWithMfa, createAccount, login } from '../support/accounts.ts'

const lines: string[] = []
const sink = new Writable({ write(chunk, _enc, cb) { lines.push(chunk.toString()); cb() } })
const h = await buildTestApp({ logDestination: sink as never, env: { LOG_LEVEL: 'trace' } })
t.teardown(h.close)
const prisma = h.database.prisma
const secrets: string[] = []
const call = async (method: string, url: string, payload?: unknown, headers: Record<string, string> = h.auth()) => {
  const r = await h.app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers, payload: payload as object })
  return { status: r.statusCode, body: r.body ? r.json() : undefined }
}

const ADMIN_PASSWORD = 'Admin-Secret-Passphrase-42'
const SIP_PASSWORD = 'Sip-Secret-Password-77'
const TRUNK_SECRET = 'Trunk-Secret-Credential-99'
const EMAIL = 'dora.private@example.org'
const CALLER_ID = '+33612345678'

t.test('a full run: admin with MFA, keys, user, trunk, calls, export, erasure', async (t) => {
  const { secret, recoveryCodes, session } = await adminWithMfa(h, 'root@example.org', ADMIN_PASSWORD)
  secrets.push(ADMIN_PASSWORD, secret, ...recoveryCodes, session.accessToken, session.refreshToken)
  const refreshed = (await call('POST', '/auth/refresh', { refreshToken: session.refreshToken }, {})).body
  secrets.push(refreshed.accessToken, refreshed.refreshToken)
  const admin = { authorization: `Bearer ${refreshed.accessToken}` }
  await login(h, { email: 'root@example.org', password: 'Wrong-Guess-Password-13' })
  secrets.push('Wrong-Guess-Password-13')

  const key = (await call('POST', '/api-keys', { name: 'ci', role: 'OPERATOR' }, admin)).body.key
  secrets.push(key, ...Object.values(h.keys))
  const dom = (await call('POST', '/domains', { name: 'gdpr.example' }, { authorization: `Bearer ${key}` })).body
  const user = (await call('POST', '/users', { domainId: dom.id, extension: '1001', password: SIP_PASSWORD, email: EMAIL, displayName: 'Dora Private', callerId: CALLER_ID })).body
  secrets.push(SIP_PASSWORD, EMAIL, 'Dora Private')
  const trunk = (await call('POST', '/trunks', { domainId: dom.id, name: 'carrier', host: 'sip.carrier.example', authMode: 'CREDENTIALS', username: 'acct', secret: TRUNK_SECRET })).body
  secrets.push(TRUNK_SECRET)
  const agentPw = 'Agent-Secret-Passphrase-5'
  await createAccount(h, { email: 'agent.dora@example.org', password: agentPw, role: 'AGENT', userId: user.id })
  secrets.push(agentPw)

  const start = new Date('2026-01-05T10:00:00Z')
  await prisma.cdr.createMany({
    data: [
      { callId: 'c1', domainId: dom.id, direction: 'outbound', caller: '1001', callerE164: CALLER_ID, callee: '0140000000', calleeE164: '+33140000000', startedAt: start, answeredAt: start, endedAt: new Date(start.getTime() + 60_000), durationSec: 60, billableSec: 60, trunkId: trunk.id, hangupCause: 200 },
      { callId: 'c2', domainId: dom.id, direction: 'internal', caller: '1002', callee: '1001', startedAt: start, durationSec: 5, billableSec: 0, hangupCause: 486 },
      { callId: 'c3', domainId: dom.id, direction: 'internal', caller: '1002', callee: '1003', startedAt: start },
    ],
  })

  const exp = await call('GET', `/users/${user.id}/personal-data`)
  t.equal(exp.status, 200)
  t.equal(exp.body.user.email, EMAIL)
  t.same(exp.body.cdrs.map((c: { callId: string }) => c.callId).sort(), ['c1', 'c2'])
  t.equal(exp.body.accounts.length, 1)
  const row = await prisma.user.findUniqueOrThrow({ where: { id: user.id } })
  t.notOk(JSON.stringify(exp.body).includes(row.ha1) || JSON.stringify(exp.body).includes(row.ha1b), 'no digest in the export')
  t.equal((await call('GET', `/users/${user.id}/personal-data`, undefined, h.auth('AUDITOR'))).status, 403)

  const er = await call('POST', `/users/${user.id}/erase`)
  t.equal(er.status, 200)
  t.match(er.body, { pseudonym: /^erased-[0-9a-f]{16}$/, cdrsPseudonymised: 3, accountsDeleted: 1 })
  t.equal(await prisma.user.count({ where: { id: user.id } }), 0)
  const c1 = await prisma.cdr.findUniqueOrThrow({ where: { callId: 'c1' } })
  t.match(c1, { caller: er.body.pseudonym, callerE164: null, callee: '0140000000', durationSec: 60, billableSec: 60, trunkId: trunk.id, hangupCause: 200 }, 'billing fields kept, identity pseudonymised')
  t.equal((await prisma.cdr.findUniqueOrThrow({ where: { callId: 'c2' } })).callee, er.body.pseudonym)
  t.equal((await prisma.cdr.findUniqueOrThrow({ where: { callId: 'c3' } })).callee, '1003', 'other users untouched')
  t.equal((await call('POST', `/users/${user.id}/erase`)).status, 404)
})

t.test('no secret and no personal data in the logs of the run', async (t) => {
  await new Promise((r) => setImmediate(r))
  const all = lines.join('')
  t.ok(lines.length > 20, `${lines.length} log lines captured`)
  for (const s of secrets) t.notOk(all.includes(s), `not in the logs: ${s.slice(0, 4)}…`)
})
