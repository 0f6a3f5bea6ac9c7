// Time-of-day routing: open hours per weekday in the schedule's own time zone (DST handled by the
// engine), holidays that close the whole day, and where calls go when open or closed.
import { Invalid } from '../../lib/errors.ts'
import { assertTimezone } from '../../lib/validation.ts'
import { parseClock } from '../routing/engine/schedule.ts'
import type { ChangeDeps } from '../provisioning/change.ts'
import { assertUnused, checkTarget, referencesRepository as refs } from '../provisioning/references.ts'
import { defined, scopedService, type Tx } from '../provisioning/scoped-service.ts'
import { schedulesRepository as repo, type ScheduleRow, type ScheduleTimes } from './schedules.repository.ts'
import type { ScheduleCreate, ScheduleFilter, ScheduleItem, ScheduleUpdate } from './schedules.schemas.ts'

type HoursInput = NonNullable<ScheduleCreate['hours']>
type HolidaysInput = NonNullable<ScheduleCreate['holidays']>

export function checkHours(hours: HoursInput) {
  hours.forEach((h, i) => {
    const opens = parseClock(h.opens)
    const closes = parseClock(h.closes)
    if (Number.isNaN(opens) || Number.isNaN(closes) || opens >= 24 * 60 || !(opens < closes)) {
      throw Invalid('invalid_hours', `hours[${i}]: need HH:MM opens before HH:MM closes (24:00 for midnight), got ${h.opens}–${h.closes}`, { field: `hours[${i}]` })
    }
  })
}

function validDate(date: string): boolean {
  const full = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  const [y, m, d] = full ? full.slice(1).map(Number) : [2000, ...(/^(\d{2})-(\d{2})$/.exec(date)?.slice(1).map(Number) ?? [0, 0])]
  const probe = new Date(Date.UTC(y, m - 1, d)) // 2000 is a leap year, so 02-29 recurs
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d
}

export function checkHolidays(holidays: HolidaysInput) {
  const seen = new Set<string>()
  holidays.forEach((h, i) => {
    if (!validDate(h.date)) throw Invalid('invalid_holiday', `holidays[${i}]: "${h.date}" is not a YYYY-MM-DD or MM-DD date`, { field: `holidays[${i}]` })
    if (seen.has(h.date)) throw Invalid('invalid_holiday', `holidays[${i}]: ${h.date} is listed twice`, { field: `holidays[${i}]` })
    seen.add(h.date)
  })
}

function times(hours: HoursInput | undefined, holidays: HolidaysInput | undefined) {
  if (hours) checkHours(hours)
  if (holidays) checkHolidays(holidays)
  if (!hours && !holidays) return undefined
  const t: ScheduleTimes = { hours, holidays: holidays?.map((h) => ({ date: h.date, name: h.name ?? null })) }
  return (tx: Tx, id: string) => repo.setTimes(tx, id, t)
}

type TargetFields = Pick<ScheduleRow, 'openTargetType' | 'openTargetId' | 'openTargetNumber' | 'closedTargetType' | 'closedTargetId' | 'closedTargetNumber'>

async function targets(tx: Tx, domainId: string, s: TargetFields, selfId?: string) {
  const self = selfId ? { type: 'SCHEDULE' as const, id: selfId } : undefined
  const open = await checkTarget(tx, domainId, { type: s.openTargetType, id: s.openTargetId, number: s.openTargetNumber }, 'openTarget', self)
  const closed = await checkTarget(tx, domainId, { type: s.closedTargetType, id: s.closedTargetId, number: s.closedTargetNumber }, 'closedTarget', self)
  return {
    openTargetType: open.type, openTargetId: open.id, openTargetNumber: open.number,
    closedTargetType: closed.type, closedTargetId: closed.id, closedTargetNumber: closed.number,
  }
}

export function schedulesService(deps: ChangeDeps) {
  return scopedService(deps, {
    entity: 'schedule',
    repo,
    toItem: (s: ScheduleRow) => ({
      ...s,
      hours: s.hours.map((h) => ({ dayOfWeek: h.dayOfWeek, opens: h.opens, closes: h.closes })),
      holidays: s.holidays.map((h) => ({ date: h.date, name: h.name })),
    }) as unknown as ScheduleItem,
    where: (f: ScheduleFilter) => ({ ...(f.domainId ? { domainId: f.domainId } : {}), ...(f.name ? { name: { contains: f.name, mode: 'insensitive' } } : {}) }),
    async prepareCreate(tx, input: ScheduleCreate, domain) {
      const { domainId: _d, hours, holidays, ...rest } = input
      assertTimezone(rest.timezone)
      const children = times(hours, holidays)
      const t = await targets(tx, domain.id, { openTargetId: null, openTargetNumber: null, closedTargetId: null, closedTargetNumber: null, ...rest })
      return { data: { ...rest, ...t }, children }
    },
    async prepareUpdate(tx, before, patch: ScheduleUpdate) {
      const { hours, holidays, ...rest } = defined(patch)
      if (rest.timezone !== undefined) assertTimezone(rest.timezone)
      const children = times(hours, holidays)
      const t = await targets(tx, before.domainId, { ...before, ...rest }, before.id)
      return { data: { ...rest, ...t }, children }
    },
    async beforeDelete(tx, row) {
      assertUnused('schedule', await refs.targetUsages(tx, 'SCHEDULE', row.id))
    },
  })
}
