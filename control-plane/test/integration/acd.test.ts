import t from 'tap'
import { randomUUID } from 'node:crypto'
import { buildTestApp } from '../support/app.ts'
import { api, expectError } from '../support/provisioning.ts'
import { sharedAgentStateStore } from '../../src/modules/acd/agent-state.ts'

const h = await buildTestApp()
t.teardown(h.close)
const fx = api(h)
const dom = await fx.domain('acd.example')
const [a, b, outsider] = [await fx.user(dom.id, '801'), await fx.user(dom.id, '802'), await fx.user(dom.id, '803')]
const q = await fx.create('queues', { domainId: dom.id, name: 'Support', members: [{ userId: a.id }, { userId: b.id }] })
const agents = `/queues/${q.id}/agents`

t.test('login, pause, unpause, logout; state lives in shared state', async (t) => {
  const start = await fx.call('GET', agents, undefined, {}, 'AUDITOR')
  t.same(start.body.items.map((x: { loggedIn: boolean }) => x.loggedIn), [false, false], 'members start logged out')
  expectError(t, await fx.call('POST', `${agents}/${a.id}/pause`, undefined, {}, 'OPERATOR'), 409, 'agent_not_logged_in')
  const login = await fx.call('POST', `${agents}/${a.id}/login`, undefined, {}, 'OPERATOR')
  t.same(login.body, { userId: a.id, loggedIn: true, paused: false, busy: false, idleSince: null })
  t.equal((await fx.call('POST', `${agents}/${a.id}/pause`)).body.paused, true)
  t.same(await h.app.state.hgetall(`acd:${q.id}:${a.id}`), { loggedIn: '1', paused: '1', busy: '0', idleSince: '' }, 'stored under acd:<queueId>:<userId>')
  const store = sharedAgentStateStore(h.app.state)
  t.same((await store.list(q.id)).map((x) => [x.userId, x.paused]), [[a.id, true]], 'the routing side can list the queue without a key scan')
  await store.set(q.id, a.id, { busy: true, idleSince: Date.UTC(2026, 0, 1) })
  const list = await fx.call('GET', agents)
  t.same(list.body.items.find((x: { userId: string }) => x.userId === a.id), { userId: a.id, loggedIn: true, paused: true, busy: true, idleSince: '2026-01-01T00:00:00.000Z' })
  t.equal((await fx.call('POST', `${agents}/${a.id}/unpause`)).body.paused, false)
  t.equal((await fx.call('POST', `${agents}/${a.id}/logout`)).body.loggedIn, false)
  const audit = await h.database.prisma.auditEntry.findMany({ where: { entityType: 'agent' }, orderBy: { id: 'asc' } })
  t.same(audit.map((e) => (e.after as { action: string }).action), ['login', 'pause', 'unpause', 'logout'], 'every change journaled')
})

t.test('unknown queue, non-member, roles, tenant isolation', async (t) => {
  expectError(t, await fx.call('GET', `/queues/${randomUUID()}/agents`), 404, 'queue_not_found')
  expectError(t, await fx.call('POST', `${agents}/${outsider.id}/login`), 404, 'queue_member_not_found')
  expectError(t, await fx.call('POST', `${agents}/${a.id}/dance`), 400, 'invalid_request')
  expectError(t, await fx.call('POST', `${agents}/${a.id}/login`, undefined, {}, 'AGENT'), 403, 'permission_denied')
  expectError(t, await fx.call('POST', `${agents}/${a.id}/login`, undefined, {}, 'AUDITOR'), 403, 'permission_denied')
  const other = await fx.domain()
  const key = await h.keyFor('OPERATOR', other.id)
  const r = await h.app.inject({ method: 'POST', url: `/api/v1${agents}/${a.id}/login`, headers: { authorization: `Bearer ${key}` } })
  t.equal(r.statusCode, 404)
  t.equal(r.json().error.code, 'queue_not_found')
})

t.test("the routing engine's view of the agents follows a change at once (acd.changed), not at the next periodic refresh", async (t) => {
  await h.app.routingSnapshot.rebuild() // the queue is in the snapshot
  t.notOk(h.app.routingSnapshot.agentView.state(q.id, b.id)?.loggedIn, 'b is logged out in the engine view')
  const t0 = Date.now()
  t.equal((await fx.call('POST', `${agents}/${b.id}/login`, undefined, {}, 'OPERATOR')).status, 200)
  let seen = false
  while (!seen && Date.now() - t0 < 1000) {
    seen = h.app.routingSnapshot.agentView.state(q.id, b.id)?.loggedIn === true
    if (!seen) await new Promise((r) => setTimeout(r, 20))
  }
  t.ok(seen, `the engine sees b logged in after ${Date.now() - t0} ms (the periodic refresh runs every 5 s)`)
  await fx.call('POST', `${agents}/${b.id}/logout`, undefined, {}, 'OPERATOR')
})
