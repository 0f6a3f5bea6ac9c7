// Opening hours in the schedule's own IANA time zone. Hours are wall-clock times there, so DST is
// handled by asking Intl for the local date and time of the instant, never by adding offsets.
import type { ScheduleRange, ScheduleTimes } from './types.ts';

export interface LocalTime {
  /** "YYYY-MM-DD" */
  date: string;
  /** "MM-DD" */
  monthDay: string;
  dayOfWeek: number; // 0 = Sunday
  /** Minutes since local midnight. */
  minutes: number;
}

export interface OpenState {
  open: boolean;
  reason: string;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
// Building a DateTimeFormat costs far more than formatting with one: keep one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** true when Intl knows the zone (compile.ts uses it to reject bad zones early). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function localTime(timeZone: string, now: Date): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(now)) parts[p.type] = p.value;
  const monthDay = `${parts.month}-${parts.day}`;
  return {
    date: `${parts.year}-${monthDay}`,
    monthDay,
    dayOfWeek: WEEKDAYS.indexOf(parts.weekday),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** "HH:MM" → minutes; "24:00" is the end of the day. NaN when malformed. */
export function parseClock(value: string): number {
  const m = /^([01][0-9]|2[0-4]):([0-5][0-9])$/.exec(value);
  if (!m) return NaN;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 24 * 60 ? minutes : NaN;
}

/** The calendar day before a "YYYY-MM-DD" date (pure calendar arithmetic, no zone involved). */
function previousDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}

function holidayOn(schedule: ScheduleTimes, date: string): string | undefined {
  const monthDay = date.slice(5);
  const h = schedule.holidays.find((x) => x.date === date || x.date === monthDay);
  return h ? `${h.date}${h.name ? ` ${h.name}` : ''}` : undefined;
}

function describe(r: ScheduleRange): string {
  return `${WEEKDAYS[r.dayOfWeek]} ${r.opens}-${r.closes}`;
}

/**
 * Whether the schedule is open at `now`. A range whose closing time is before its opening time
 * runs overnight into the next local day. A holiday closes the whole local day, including the
 * overnight tail of a range that would have started on it.
 */
export function isOpen(schedule: ScheduleTimes, now: Date): OpenState {
  let local: LocalTime;
  try {
    local = localTime(schedule.timezone, now);
  } catch {
    return { open: false, reason: `closed: unknown time zone "${schedule.timezone}"` };
  }
  const at = `${WEEKDAYS[local.dayOfWeek]} ${local.date} ${clock(local.minutes)} ${schedule.timezone}`;

  const holiday = holidayOn(schedule, local.date);
  if (holiday) return { open: false, reason: `closed: holiday ${holiday} (${at})` };

  const yesterday = (local.dayOfWeek + 6) % 7;
  for (const r of schedule.hours) {
    const opens = parseClock(r.opens);
    const closes = parseClock(r.closes);
    if (Number.isNaN(opens) || Number.isNaN(closes) || opens === closes) continue;
    const overnight = closes < opens;
    if (r.dayOfWeek === local.dayOfWeek) {
      const end = overnight ? 24 * 60 : closes;
      if (local.minutes >= opens && local.minutes < end) {
        return { open: true, reason: `open: ${describe(r)} (${at})` };
      }
    }
    if (overnight && r.dayOfWeek === yesterday && local.minutes < closes) {
      if (holidayOn(schedule, previousDate(local.date))) continue;
      return { open: true, reason: `open: ${describe(r)} overnight (${at})` };
    }
  }
  return { open: false, reason: `closed: outside hours (${at})` };
}

function clock(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}
