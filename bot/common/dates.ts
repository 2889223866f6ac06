/**
 * How dates and times read on cards and in messages: the one formatter.
 * An instant is shown in a time zone the caller passes (the configured
 * TIME_ZONE, never a hard-coded one); a calendar date ("2026-03-28": a
 * week's Monday, a priorities' effective date) is the same day everywhere
 * and needs none. Assembled from Intl parts, since ICU versions punctuate
 * whole formats differently. Pure: no clock.
 */

/**
 * - `dayTime`: "Sat 28 Mar 09:00" (an alert raised, a digest's cut-off)
 * - `dayDateTime`: "Sat 28 Mar 2026, 09:00" (an operation's start)
 * - `weekdayDateTime`: "Sat, 28 Mar 2026, 09:00" (an incident's times, lists of incidents, private notices: the
 *   comma after the weekday is how those cards have always read)
 * - `date`: "28 March 2026"
 * - `time`: "09:00"
 */
export type InstantStyle = 'dayTime' | 'dayDateTime' | 'weekdayDateTime' | 'date' | 'time';

/**
 * - `date`: "28 March 2026"
 * - `dayMonth`: "28 Mar"
 * - `dayMonthYear`: "28 Mar 2026"
 * - `weekdayDate`: "Sat, 28 Mar 2026" (a hotspot warning's days)
 */
export type CalendarStyle = 'date' | 'dayMonth' | 'dayMonthYear' | 'weekdayDate';

type Parts = Record<'weekday' | 'day' | 'month' | 'longMonth' | 'year' | 'hour' | 'minute', string>;

const formatters = new Map<string, { short: Intl.DateTimeFormat; long: Intl.DateTimeFormat }>();

function partsOf(instant: Date, timeZone: string): Parts {
  let f = formatters.get(timeZone);
  if (!f) {
    f = {
      short: new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
      long: new Intl.DateTimeFormat('en-GB', { timeZone, month: 'long' }),
    };
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.short.formatToParts(instant).map((x) => [x.type, x.value])) as Omit<Parts, 'longMonth'>;
  return { ...p, longMonth: f.long.format(instant) };
}

const asDate = (instant: string | Date) => (typeof instant === 'string' ? new Date(instant) : instant);

/** An instant as people in the zone say it. */
export function formatInstant(instant: string | Date, timeZone: string, style: InstantStyle = 'dayDateTime'): string {
  const p = partsOf(asDate(instant), timeZone);
  switch (style) {
    case 'dayTime':
      return `${p.weekday} ${p.day} ${p.month} ${p.hour}:${p.minute}`;
    case 'dayDateTime':
      return `${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}`;
    case 'weekdayDateTime':
      return `${p.weekday}, ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}`;
    case 'date':
      return `${p.day} ${p.longMonth} ${p.year}`;
    case 'time':
      return `${p.hour}:${p.minute}`;
  }
}

/** A calendar date ("2026-03-28"): the same day in every zone. */
export function formatCalendarDate(date: string, style: CalendarStyle = 'date'): string {
  const p = partsOf(new Date(`${date.slice(0, 10)}T12:00:00Z`), 'UTC');
  switch (style) {
    case 'date':
      return `${p.day} ${p.longMonth} ${p.year}`;
    case 'dayMonth':
      return `${p.day} ${p.month}`;
    case 'dayMonthYear':
      return `${p.day} ${p.month} ${p.year}`;
    case 'weekdayDate':
      return `${p.weekday}, ${p.day} ${p.month} ${p.year}`;
  }
}

/** "28 March 2026": a calendar date as it is, an instant as the day it fell on in the zone. */
export function formatDay(dateOrInstant: string, timeZone: string): string {
  return dateOrInstant.length === 10 ? formatCalendarDate(dateOrInstant) : formatInstant(dateOrInstant, timeZone, 'date');
}

/** "Sat 28 Mar 2026, 09:00 – 16:00", or both dates when it runs past midnight in the zone. */
export function formatSpan(startsAt: string, endsAt: string, timeZone: string): string {
  const start = partsOf(new Date(startsAt), timeZone);
  const end = partsOf(new Date(endsAt), timeZone);
  const sameDay = start.year === end.year && start.month === end.month && start.day === end.day;
  return `${formatInstant(startsAt, timeZone)} – ${sameDay ? formatInstant(endsAt, timeZone, 'time') : formatInstant(endsAt, timeZone)}`;
}

/** "UK time" for Europe/London, otherwise the zone's name. */
export function timeZoneLabel(timeZone: string): string {
  return timeZone === 'Europe/London' ? 'UK time' : timeZone;
}
