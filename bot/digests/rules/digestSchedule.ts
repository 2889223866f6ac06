/**
 * When a weekly digest is due, and which week it reports. Pure: the clock is
 * passed in. Times are wall-clock times in the subscription's zone
 * (Europe/London by default), so "Monday 08:00" stays 08:00 across a clock
 * change (07:00Z in summer, 08:00Z in winter).
 *
 * - A digest reports one ISO week (Monday to Sunday on the local calendar),
 *   the same weeks the Incidents partitions use (domain/isoWeek.ts).
 * - Delivery slot: the subscription's weekday and time in each week. A slot
 *   from Monday to Thursday reports week W-1, the last complete week. A slot
 *   on Friday, Saturday or Sunday reports its own week W up to the slot: the
 *   week is (nearly) over and it is the week the reader means (a Sunday 21:30
 *   digest reporting the week before showed none of that week's incidents).
 *   Each week is reported once, keyed by its label, whatever the day.
 * - Catch up once: only the latest slot that has passed is due. If the timer
 *   missed several slots, the newest one is sent and the older ones are not.
 * - A slot before the subscription existed is not due (no digest for the
 *   week that ended before someone subscribed, on the hour they subscribe).
 */
import { formatIsoWeek, isoWeekOf } from '../../common/isoWeek';
import { fromWallClock, toWallClock } from '../../common/timezone';

export interface DeliverySchedule {
  /** ISO weekday: 1 Monday … 7 Sunday. */
  day: number;
  /** HH:mm, local. */
  time: string;
  timeZone: string;
}

export const DEFAULT_SCHEDULE: DeliverySchedule = { day: 1, time: '08:00', timeZone: 'Europe/London' };

export const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** A calendar date plus n days (n may be negative). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The Monday of the ISO week a calendar date is in. */
export function mondayOf(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay() || 7;
  return addDays(date, 1 - weekday);
}

/** "2026-W44" for the week starting on a Monday. */
export function weekLabel(monday: string): string {
  return formatIsoWeek(isoWeekOf(monday));
}

/** The Monday of an ISO week label such as 2026-W44. */
export function mondayOfWeek(label: string): string {
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  if (!m) throw new RangeError(`not an ISO week: ${label}`);
  // 4 January is always in week 1.
  const week1Monday = mondayOf(`${m[1]}-01-04`);
  return addDays(week1Monday, (Number(m[2]) - 1) * 7);
}

/** A local wall-clock time as an instant; a time skipped by the spring clock change moves on by an hour. */
export function localInstant(date: string, time: string, timeZone: string): Date {
  const r = fromWallClock(date, time, timeZone);
  if (r.ok) return r.instant;
  if (r.reason === 'nonexistent') {
    const [h, mi] = time.split(':').map(Number) as [number, number];
    const later = fromWallClock(date, `${String(Math.min(h + 1, 23)).padStart(2, '0')}:${String(mi).padStart(2, '0')}`, timeZone);
    if (later.ok) return later.instant;
  }
  throw new RangeError(`not a local time: ${date} ${time}`);
}

/** The instants a local week runs between: [Monday 00:00, next Monday 00:00). 167 or 169 hours across a clock change. */
export function weekBounds(monday: string, timeZone: string): { from: Date; to: Date } {
  return { from: localInstant(monday, '00:00', timeZone), to: localInstant(addDays(monday, 7), '00:00', timeZone) };
}

/** The slot of the week starting on `monday`. */
export function slotOf(monday: string, s: DeliverySchedule): Date {
  return localInstant(addDays(monday, s.day - 1), s.time, s.timeZone);
}

export interface DueDigest {
  /** When it was due. */
  slot: Date;
  /** The week it reports. */
  week: string;
  weekMonday: string;
  /** Set when the slot falls inside the week reported: figures run up to the slot, not the week's end. */
  upTo?: Date;
}

/** Slots on these ISO weekdays (Friday to Sunday) report their own week. */
export const REPORTS_OWN_WEEK_FROM_DAY = 5;

/** The latest slot at or before `now`, and the week it reports. */
export function latestSlot(now: Date, s: DeliverySchedule): DueDigest {
  const thisMonday = mondayOf(toWallClock(now, s.timeZone).date);
  let monday = thisMonday;
  let slot = slotOf(monday, s);
  if (slot.getTime() > now.getTime()) {
    monday = addDays(monday, -7);
    slot = slotOf(monday, s);
  }
  if (s.day >= REPORTS_OWN_WEEK_FROM_DAY) return { slot, week: weekLabel(monday), weekMonday: monday, upTo: slot };
  const weekMonday = addDays(monday, -7);
  return { slot, week: weekLabel(weekMonday), weekMonday };
}

/** The digest due now, if any: the latest passed slot, unless it came before `notBefore` (when the subscription began). */
export function dueDigest(now: Date, s: DeliverySchedule, notBefore: Date): DueDigest | undefined {
  const latest = latestSlot(now, s);
  return latest.slot.getTime() >= notBefore.getTime() ? latest : undefined;
}

/** The week `now` is in (for a preview of the week so far). */
export function currentWeek(now: Date, timeZone: string): { week: string; weekMonday: string } {
  const weekMonday = mondayOf(toWallClock(now, timeZone).date);
  return { week: weekLabel(weekMonday), weekMonday };
}
