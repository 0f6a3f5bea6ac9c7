import t from 'tap'
import { randomUUID } from 'node:crypto'
import { buildTestApp } from '../support/app.ts'
import { api, expectError } from '../support/provisioning.ts'

const h = await buildTestApp()
t.teardown(h.close)
const fx = api(h)
const prisma = h.database.prisma
const dom = await fx.domain('plans.example')
const t1 = await fx.trunk(dom.id, 'primary')
const t2 = await fx.trunk(dom.id, 'backup')

t.test('CRUD; rules are an ordered array that keeps ids when sent back', async (t) => {
  const c = await fx.call('POST', '/dialplans', {
    domainId: dom.id, name: 'France',
    rules: [
      { name: 'mobile', pattern: '0[67][0-9]{8}', numberClass: 'MOBILE', trunkIds: [t1.id, t2.id] },
      { name: 'national', pattern: '0[1-59][0-9]{8}', trunkIds: [t1.id] },
      { name: 'intl', pattern: '00[1-9][0-9]{6,14}', numberClass: 'INTERNATIONAL', trunkIds: [t2.id] },
    ],
  })
  t.equal(c.status, 201, JSON.stringify(c.body))
  t.same(c.body.rules.map((r: { position: number }) => r.position), [10, 20, 30])
  t.same(c.body.rules[0].trunkIds.sort(), [t1.id, t2.id].sort())
  t.equal(c.body.countryCode, '33')
  const [mobile, national] = c.body.rules
  // swap the two first rules, drop the third, add a new one
  const p = await fx.call('PATCH', `/dialplans/${c.body.id}`, {
    rules: [
      { ...national, position: 10, trunkIds: [t2.id] },
      { ...mobile, position: 20 },
      { pattern: '1[5-8]', name: 'services', numberClass: 'INTERNAL', toE164: false },
    ].map(({ trunkIds = [], id, position, name, pattern, numberClass, toE164 }) => ({ id, position, name, pattern, numberClass, toE164, trunkIds })),
  }, { 'if-match': c.headers.etag as string })
  t.equal(p.status, 200, JSON.stringify(p.body))
  t.same(p.body.rules.map((r: { id: string }) => r.id).slice(0, 2), [national.id, mobile.id], 'ids kept, order swapped')
  t.same(p.body.rules[0].trunkIds, [t2.id])
  t.equal(p.body.rules[2].position, 30)
  t.equal(await prisma.dialPlanRule.count({ where: { dialPlanId: c.body.id } }), 3)
  expectError(t, await fx.call('PATCH', `/dialplans/${c.body.id}`, { description: 'x' }, { 'if-match': c.headers.etag as string }), 412, 'version_mismatch')
  t.equal((await fx.call('DELETE', `/dialplans/${c.body.id}`)).status, 204)
  t.equal(await prisma.dialPlanRule.count({ where: { dialPlanId: c.body.id } }), 0)
})

t.test('bad input: stable codes, nothing written', async (t) => {
  const other = await fx.domain()
  const foreignTrunk = await fx.trunk(other.id, 'foreign')
  const before = [await prisma.dialPlan.count(), await prisma.dialPlanRule.count()]
  const base = { domainId: dom.id, name: 'Bad' }
  const cases: Array<[object, number, string]> = [
    [{ ...base, rules: [{ pattern: '0[1-9' }] }, 422, 'invalid_pattern'],
    [{ ...base, rules: [{ pattern: '(?<x>1)(?<x>2)' }] }, 422, 'invalid_pattern'],
    [{ ...base, rules: [{ pattern: '1', position: 5 }, { pattern: '2', position: 5 }] }, 422, 'duplicate_position'],
    [{ ...base, rules: [{ pattern: '1', trunkIds: [randomUUID()] }] }, 422, 'trunk_not_found'],
    [{ ...base, rules: [{ pattern: '1', trunkIds: [foreignTrunk.id] }] }, 422, 'trunk_not_found'],
    [{ ...base, rules: [{ pattern: '1', prefix: 'abc' }] }, 422, 'invalid_prefix'],
    [{ ...base, rules: [{ id: randomUUID(), pattern: '1' }] }, 422, 'rule_not_found'],
    [{ ...base, countryCode: '+33' }, 422, 'invalid_country_code'],
    [{ ...base, nationalPrefix: 'x' }, 422, 'invalid_prefix'],
    [{ ...base, rules: [{ pattern: '' }] }, 400, 'invalid_request'],
  ]
  for (const [payload, status, code] of cases) expectError(t, await fx.call('POST', '/dialplans', payload), status, code, JSON.stringify(payload))
  const bad = await fx.call('POST', '/dialplans', { ...base, rules: [{ pattern: '0[1-9' }] })
  t.match(bad.body.error.message, /rules\[0\]\.pattern: Invalid regular expression/, "the compiler's message is passed on")
  t.same([await prisma.dialPlan.count(), await prisma.dialPlanRule.count()], before)
})

t.test('duplicates, unknown ids, users of a plan', async (t) => {
  const p = await fx.create('dialplans', { domainId: dom.id, name: 'Used' })
  expectError(t, await fx.call('POST', '/dialplans', { domainId: dom.id, name: 'Used' }), 409, 'dial_plan_exists')
  expectError(t, await fx.call('GET', `/dialplans/${randomUUID()}`), 404, 'dial_plan_not_found')
  await fx.user(dom.id, '300', { dialPlanId: p.id })
  const r = await fx.call('DELETE', `/dialplans/${p.id}`)
  expectError(t, r, 409, 'dial_plan_in_use')
  t.match(r.body.error.message, /user 300/)
})
