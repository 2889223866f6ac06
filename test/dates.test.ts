/**
 * The one date formatter (bot/common/dates.ts): what a person reads, in the
 * configured time zone, across the clock changes.
 */
import { describe, expect, it } from 'vitest';
import { formatCalendarDate, formatInstant, formatSpan, timeZoneLabel } from '../bot/common/dates';

describe('dates and times on cards', () => {
  it('read an instant in the zone passed, in each style', () => {
    const winter = '2026-01-15T09:05:00Z';
    expect(formatInstant(winter, 'Europe/London')).toBe('Thu 15 Jan 2026, 09:05');
    expect(formatInstant(winter, 'Europe/London', 'dayTime')).toBe('Thu 15 Jan 09:05');
    expect(formatInstant(winter, 'Europe/London', 'date')).toBe('15 January 2026');
    expect(formatInstant(winter, 'Europe/London', 'time')).toBe('09:05');
    expect(formatInstant(winter, 'Europe/London', 'weekdayDateTime')).toBe('Thu, 15 Jan 2026, 09:05');
    // Another zone: the same instant is the evening before in Honolulu.
    expect(formatInstant(winter, 'Pacific/Honolulu')).toBe('Wed 14 Jan 2026, 23:05');
    expect(formatInstant(winter, 'Pacific/Honolulu', 'date')).toBe('14 January 2026');
  });

  it('follow the clock changes: 08:30 UTC is 09:30 in a British summer, and midnight reads 00:00', () => {
    expect(formatInstant('2026-07-01T08:30:00Z', 'Europe/London', 'dayTime')).toBe('Wed 1 Jul 09:30');
    expect(formatInstant('2026-03-29T00:59:00Z', 'Europe/London')).toBe('Sun 29 Mar 2026, 00:59');
    expect(formatInstant('2026-03-29T01:00:00Z', 'Europe/London')).toBe('Sun 29 Mar 2026, 02:00');
    expect(formatInstant('2026-10-24T23:00:00Z', 'Europe/London', 'time')).toBe('00:00');
  });

  it('read a calendar date as the same day in every zone', () => {
    expect(formatCalendarDate('2026-03-28')).toBe('28 March 2026');
    expect(formatCalendarDate('2026-10-19', 'dayMonth')).toBe('19 Oct');
    expect(formatCalendarDate('2026-10-25', 'dayMonthYear')).toBe('25 Oct 2026');
    expect(formatCalendarDate('2026-03-28', 'weekdayDate')).toBe('Sat, 28 Mar 2026');
  });

  it('give a span its end time only, unless it runs past midnight in the zone', () => {
    expect(formatSpan('2026-03-28T09:00:00Z', '2026-03-28T16:00:00Z', 'Europe/London')).toBe('Sat 28 Mar 2026, 09:00 – 16:00');
    expect(formatSpan('2026-07-04T21:00:00Z', '2026-07-05T01:00:00Z', 'Europe/London')).toBe('Sat 4 Jul 2026, 22:00 – Sun 5 Jul 2026, 02:00');
    expect(formatSpan('2026-07-04T21:00:00Z', '2026-07-04T22:30:00Z', 'Pacific/Honolulu')).toBe('Sat 4 Jul 2026, 11:00 – 12:30');
    expect(timeZoneLabel('Europe/London')).toBe('UK time');
    expect(timeZoneLabel('Pacific/Honolulu')).toBe('Pacific/Honolulu');
  });
});
