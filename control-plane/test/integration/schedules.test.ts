import t from 'tap'
import { randomUUID } from 'node:crypto'
import { buildTestApp } from '../support/app.ts'
import { api, expectError } from '../support/provisioning.ts'

const h = await buildTestApp()
t.teardown(h.close)
const fx = api(h)
const prisma = h.database.prisma
const dom = await fx.domain('hours.example')
const user = await fx.user(dom.id, '100')
const week = [1, 2, 3, 4, 5].map((d) => ({ dayOfWeek: d, opens: '09:00', closes: '18:00' }))

t.test('CRUD with hours, holidays and targets', async (t) => {
  const c = await fx.call('POST', '/schedules', {
    domainId: dom.id, name: 'Office', timezone: 'Europe/Paris', hours: [...week, { dayOfWeek: 6, opens: '10:00', closes: '24:00' }],
    holidays: [{ date: '12-25', name: 'Christmas' }, { date: '2026-05-14' }],
    openTargetType: 'USER', openTargetId: user.id, closedTargetType: 'EXTERNAL', closedTargetNumber: '+33600000000',
  })
  t.equal(c.status, 201, JSON.stringify(c.body))
  t.equal(c.body.hours.length, 6)
  t.same(c.body.holidays, [{ date: '12-25', name: 'Christmas' }, { date: '2026-05-14', name: null }])
  const p = await fx.call('PATCH', `/schedules/${c.body.id}`, { holidays: [], closedTargetType: 'HANGUP' }, { 'if-match': c.headers.etag as string })
  t.equal(p.status, 200, JSON.stringify(p.body))
  t.same(p.body.holidays, [])
  t.equal(p.body.hours.length, 6, 'hours not sent: kept')
  t.same([p.body.closedTargetType, p.body.closedTargetNumber], ['HANGUP', null])
  expectError(t, await fx.call('PATCH', `/schedules/${c.body.id}`, { openTargetType: 'SCHEDULE', openTargetId: c.body.id }), 422, 'target_is_self')
  expectError(t, await fx.call('PATCH', `/schedules/${c.body.id}`, { name: 'x' }, { 'if-match': c.headers.etag as string }), 412, 'version_mismatch')
  await fx.create('numbers', { domainId: dom.id, e164: '+33177700001', targetType: 'SCHEDULE', targetId: c.body.id })
  expectError(t, await fx.call('DELETE', `/schedules/${c.body.id}`), 409, 'schedule_in_use')
  expectError(t, await fx.call('DELETE', `/users/${user.id}`), 409, 'user_in_use', 'a user targeted by a schedule')
})

t.test('bad input: stable codes, nothing written', async (t) => {
  const before = [await prisma.schedule.count(), await prisma.scheduleHours.count(), await prisma.scheduleHoliday.count()]
  const base = { domainId: dom.id, name: 'Bad', timezone: 'Europe/Paris', openTargetType: 'HANGUP', closedTargetType: 'HANGUP' }
  const cases: Array<[object, number, string]> = [
    [{ ...base, hours: [{ dayOfWeek: 1, opens: '18:00', closes: '09:00' }] }, 422, 'invalid_hours'],
    [{ ...base, hours: [{ dayOfWeek: 1, opens: '09:00', closes: '09:00' }] }, 422, 'invalid_hours'],
    [{ ...base, hours: [{ dayOfWeek: 1, opens: '9h', closes: '18:00' }] }, 422, 'invalid_hours'],
    [{ ...base, hours: [{ dayOfWeek: 1, opens: '24:00', closes: '24:00' }] }, 422, 'invalid_hours'],
    [{ ...base, hours: [{ dayOfWeek: 1, opens: '09:00', closes: '25:00' }] }, 422, 'invalid_hours'],
    [{ ...base, hours: [{ dayOfWeek: 7, opens: '09:00', closes: '18:00' }] }, 400, 'invalid_request'],
    [{ ...base, holidays: [{ date: '2026-02-30' }] }, 422, 'invalid_holiday'],
    [{ ...base, holidays: [{ date: '13-01' }] }, 422, 'invalid_holiday'],
    [{ ...base, holidays: [{ date: '05-01' }, { date: '05-01' }] }, 422, 'invalid_holiday'],
    [{ ...base, timezone: 'Europe/Atlantis' }, 422, 'invalid_timezone'],
    [{ ...base, openTargetType: 'QUEUE', openTargetId: randomUUID() }, 422, 'target_not_found'],
    [{ ...base, closedTargetType: 'EXTERNAL' }, 422, 'target_number_required'],
  ]
  for (const [payload, status, code] of cases) expectError(t, await fx.call('POST', '/schedules', payload), status, code, JSON.stringify(payload))
  t.equal((await fx.call('POST', '/schedules', { ...base, name: 'Leap', holidays: [{ date: '02-29' }] })).status, 201, 'a recurring 02-29 is a date')
  t.same([await prisma.schedule.count(), await prisma.scheduleHours.count(), await prisma.scheduleHoliday.count()], [before[0] + 1, before[1], before[2] + 1])
})

t.test('duplicates and unknown ids', async (t) => {
  await fx.create('schedules', { domainId: dom.id, name: 'Dup', timezone: 'UTC', openTargetType: 'HANGUP', closedTargetType: 'HANGUP' })
  expectError(t, await fx.call('POST', '/schedules', { domainId: dom.id, name: 'Dup', timezone: 'UTC', openTargetType: 'HANGUP', closedTargetType: 'HANGUP' }), 409, 'schedule_exists')
  expectError(t, await fx.call('GET', `/schedules/${randomUUID()}`), 404, 'schedule_not_found')
  expectError(t, await fx.call('DELETE', `/schedules/${randomUUID()}`), 404, 'schedule_not_found')
})
