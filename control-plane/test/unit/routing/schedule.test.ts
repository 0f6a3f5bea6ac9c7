import t from 'tap';
import { isOpen, isValidTimeZone, localTime, parseClock } from '../../../src/modules/routing/engine/schedule.ts';
import type { ScheduleTimes } from '../../../src/modules/routing/engine/types.ts';

const everyDay = (opens: string, closes: string) => [0, 1, 2, 3, 4, 5, 6].map((dayOfWeek) => ({ dayOfWeek, opens, closes }));
const weekdays = (opens: string, closes: string) => [1, 2, 3, 4, 5].map((dayOfWeek) => ({ dayOfWeek, opens, closes }));
const paris = (hours: ScheduleTimes['hours'], holidays: ScheduleTimes['holidays'] = []): ScheduleTimes => ({ timezone: 'Europe/Paris', hours, holidays });

type Case = [utc: string, open: boolean, why: string];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Asserts = { equal: (...args: any[]) => unknown };
function table(t: Asserts, schedule: ScheduleTimes, cases: Case[]) {
  for (const [utc, open, why] of cases) {
    const state = isOpen(schedule, new Date(utc));
    t.equal(state.open, open, `${why} (${utc}): ${state.reason}`);
  }
}

t.test('Europe/Paris spring forward, Sunday 2026-03-29: 02:00 CET jumps to 03:00 CEST', async (t) => {
  // A range that starts inside the missing hour opens when the clock reaches 03:00.
  table(t, paris([{ dayOfWeek: 0, opens: '02:30', closes: '03:30' }]), [
    ['2026-03-29T00:59:00Z', false, '01:59 CET, before the range'],
    ['2026-03-29T01:00:00Z', true, '03:00 CEST, the first minute after the jump'],
    ['2026-03-29T01:29:00Z', true, '03:29 CEST'],
    ['2026-03-29T01:30:00Z', false, '03:30 CEST, closing time'],
  ]);
  // Office hours the day after: 09:00 local is now 07:00 UTC, not 08:00.
  table(t, paris(weekdays('09:00', '18:00')), [
    ['2026-03-27T07:59:00Z', false, 'Friday before: 08:59 CET'],
    ['2026-03-27T08:00:00Z', true, 'Friday before: 09:00 CET'],
    ['2026-03-30T06:59:00Z', false, 'Monday after: 08:59 CEST'],
    ['2026-03-30T07:00:00Z', true, 'Monday after: 09:00 CEST'],
    ['2026-03-30T15:59:00Z', true, 'Monday after: 17:59 CEST'],
    ['2026-03-30T16:00:00Z', false, 'Monday after: 18:00 CEST'],
  ]);
});

t.test('Europe/Paris fall back, Sunday 2026-10-25: 03:00 CEST goes back to 02:00 CET', async (t) => {
  // Wall-clock hours: 02:30–03:30 is met twice, on both sides of the change.
  table(t, paris([{ dayOfWeek: 0, opens: '02:30', closes: '03:30' }]), [
    ['2026-10-25T00:29:00Z', false, '02:29 CEST'],
    ['2026-10-25T00:30:00Z', true, '02:30 CEST'],
    ['2026-10-25T00:59:00Z', true, '02:59 CEST, last minute of summer time'],
    ['2026-10-25T01:00:00Z', false, '02:00 CET, the clock went back'],
    ['2026-10-25T01:30:00Z', true, '02:30 CET, second time round'],
    ['2026-10-25T02:29:00Z', true, '03:29 CET'],
    ['2026-10-25T02:30:00Z', false, '03:30 CET'],
  ]);
  table(t, paris(weekdays('09:00', '18:00')), [
    ['2026-10-26T07:59:00Z', false, 'Monday after: 08:59 CET'],
    ['2026-10-26T08:00:00Z', true, 'Monday after: 09:00 CET'],
    ['2026-10-23T07:00:00Z', true, 'Friday before: 09:00 CEST'],
  ]);
});

t.test('midnight edges and 24:00', async (t) => {
  table(t, paris([{ dayOfWeek: 6, opens: '00:00', closes: '24:00' }]), [
    ['2026-06-12T21:59:00Z', false, 'Friday 23:59'],
    ['2026-06-12T22:00:00Z', true, 'Saturday 00:00'],
    ['2026-06-13T21:59:00Z', true, 'Saturday 23:59'],
    ['2026-06-13T22:00:00Z', false, 'Sunday 00:00'],
  ]);
});

t.test('overnight range runs into the next local day', async (t) => {
  table(t, paris([{ dayOfWeek: 5, opens: '22:00', closes: '06:00' }]), [
    ['2026-06-12T19:59:00Z', false, 'Friday 21:59'],
    ['2026-06-12T20:00:00Z', true, 'Friday 22:00'],
    ['2026-06-13T03:59:00Z', true, 'Saturday 05:59, the tail'],
    ['2026-06-13T04:00:00Z', false, 'Saturday 06:00'],
    ['2026-06-11T21:00:00Z', false, 'Thursday 23:00'],
    ['2026-06-13T20:30:00Z', false, 'Saturday 22:30: the range is Friday only'],
  ]);
});

t.test('several ranges a day', async (t) => {
  table(t, paris([...weekdays('09:00', '12:00'), ...weekdays('14:00', '18:00')]), [
    ['2026-06-10T09:59:00Z', true, 'Wednesday 11:59'],
    ['2026-06-10T10:00:00Z', false, 'Wednesday 12:00, lunch'],
    ['2026-06-10T11:59:00Z', false, 'Wednesday 13:59'],
    ['2026-06-10T12:00:00Z', true, 'Wednesday 14:00'],
    ['2026-06-13T08:00:00Z', false, 'Saturday 10:00'],
  ]);
});

t.test('holidays close the whole local day', async (t) => {
  const holidays = [{ date: '12-25', name: 'Christmas' }, { date: '2026-05-14', name: 'Ascension' }];
  table(t, paris(everyDay('00:00', '24:00'), holidays), [
    ['2026-12-24T22:59:00Z', true, '24 Dec 23:59 local'],
    ['2026-12-24T23:00:00Z', false, '25 Dec 00:00 local, still the 24th in UTC'],
    ['2026-12-25T12:00:00Z', false, 'Christmas noon'],
    ['2026-12-25T22:59:00Z', false, '25 Dec 23:59 local'],
    ['2026-12-25T23:00:00Z', true, '26 Dec 00:00 local'],
    ['2027-12-25T12:00:00Z', false, 'MM-DD recurs every year'],
    ['2026-05-14T10:00:00Z', false, 'one-off holiday'],
    ['2027-05-14T10:00:00Z', true, 'one-off holiday does not recur'],
  ]);
  const state = isOpen(paris(everyDay('00:00', '24:00'), holidays), new Date('2026-12-25T12:00:00Z'));
  t.match(state.reason, /holiday 12-25 Christmas/, 'the reason names the holiday');
  const unnamed = isOpen(paris(everyDay('00:00', '24:00'), [{ date: '2026-06-10' }]), new Date('2026-06-10T12:00:00Z'));
  t.match(unnamed.reason, /holiday 2026-06-10 \(/, 'an unnamed holiday shows its date');
  // Christmas 2026 is a Friday: the overnight range that would start then does not open at all.
  table(t, paris([{ dayOfWeek: 5, opens: '22:00', closes: '06:00' }], holidays), [
    ['2026-12-26T01:00:00Z', false, 'Saturday 26 Dec 02:00, tail of a holiday range'],
    ['2027-01-02T01:00:00Z', true, 'the Saturday after, 02:00, tail of a normal Friday'],
  ]);
});

t.test('other zones and bad data', async (t) => {
  table(t, { timezone: 'Asia/Kolkata', hours: weekdays('09:00', '17:30'), holidays: [] }, [
    ['2026-06-10T03:29:00Z', false, 'Kolkata 08:59 (UTC+05:30)'],
    ['2026-06-10T03:30:00Z', true, 'Kolkata 09:00'],
    ['2026-06-10T11:59:00Z', true, 'Kolkata 17:29'],
    ['2026-06-10T12:00:00Z', false, 'Kolkata 17:30'],
  ]);
  table(t, { timezone: 'America/New_York', hours: weekdays('09:00', '17:00'), holidays: [] }, [
    ['2026-03-06T14:00:00Z', true, 'New York Friday 09:00 EST'],
    ['2026-03-09T13:00:00Z', true, 'New York Monday 09:00 EDT (DST since 8 March)'],
    ['2026-03-09T12:59:00Z', false, 'New York Monday 08:59 EDT'],
  ]);
  const unknownZone = isOpen({ timezone: 'Mars/Olympus_Mons', hours: everyDay('00:00', '24:00'), holidays: [] }, new Date());
  t.same(unknownZone.open, false, 'unknown zone is closed');
  t.match(unknownZone.reason, /unknown time zone/);
  table(t, paris([
    { dayOfWeek: 3, opens: '9:00', closes: '18:00' },
    { dayOfWeek: 3, opens: '10:00', closes: '25:00' },
    { dayOfWeek: 3, opens: '10:00', closes: '10:00' },
  ]), [['2026-06-10T09:00:00Z', false, 'malformed or empty ranges are ignored']]);
  t.equal(isValidTimeZone('Europe/Paris'), true);
  t.equal(isValidTimeZone('Europe/Atlantis'), false);
});

t.test('localTime and parseClock', async (t) => {
  t.same(localTime('Europe/Paris', new Date('2026-03-29T01:00:00Z')), { date: '2026-03-29', monthDay: '03-29', dayOfWeek: 0, minutes: 180 });
  t.same(localTime('UTC', new Date('2026-12-31T23:59:00Z')), { date: '2026-12-31', monthDay: '12-31', dayOfWeek: 4, minutes: 1439 });
  t.same(localTime('Pacific/Kiritimati', new Date('2026-12-31T23:59:00Z')).date, '2027-01-01', 'UTC+14 is already next year');
  const clocks: [string, number][] = [['00:00', 0], ['09:30', 570], ['23:59', 1439], ['24:00', 1440]];
  for (const [value, minutes] of clocks) t.equal(parseClock(value), minutes, value);
  for (const bad of ['24:01', '7:00', '12:60', '', '12h00']) t.ok(Number.isNaN(parseClock(bad)), `${bad || '(empty)'} is rejected`);
});
