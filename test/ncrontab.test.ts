import { describe, expect, it } from 'vitest';
import { matches, parseNcrontab, runsPerDay } from '../scripts/ncrontab';

describe('NCRONTAB schedules in the dev host', () => {
  it('fires "every minute" at second 0 only', () => {
    const s = parseNcrontab('0 */1 * * * *');
    expect(matches(s, new Date('2026-11-25T10:07:00Z'))).toBe(true);
    expect(matches(s, new Date('2026-11-25T10:07:01Z'))).toBe(false);
  });

  it('counts the runs of a day as the Functions host would fire them (the idle-deployment figure is built on this)', () => {
    expect(runsPerDay('*/5 * * * * *')).toBe(17_280); // the old 5-second outbox timer
    expect(runsPerDay('0 */2 * * * *')).toBe(720);
    expect(runsPerDay('0 */15 * * * *')).toBe(96);
    expect(runsPerDay('0 30 2 * * *')).toBe(1);
    expect(runsPerDay('0 0 8 * * 1', Date.parse('2026-11-30T00:00:00Z'))).toBe(1); // a Monday
    expect(runsPerDay('0 0 8 * * 1', Date.parse('2026-11-25T00:00:00Z'))).toBe(0); // a Wednesday
  });

  it('fires hourly on the hour and on Mondays at 08:00 UTC', () => {
    expect(matches(parseNcrontab('0 0 * * * *'), new Date('2026-11-25T13:00:00Z'))).toBe(true);
    expect(matches(parseNcrontab('0 0 * * * *'), new Date('2026-11-25T13:30:00Z'))).toBe(false);
    const monday = parseNcrontab('0 0 8 * * 1');
    expect(matches(monday, new Date('2026-11-30T08:00:00Z'))).toBe(true);
    expect(matches(monday, new Date('2026-11-25T08:00:00Z'))).toBe(false);
  });

  it('understands lists, ranges and stepped starts', () => {
    const s = parseNcrontab('0 5,35 9-17 * * 1-5');
    expect(matches(s, new Date('2026-11-25T09:35:00Z'))).toBe(true);
    expect(matches(s, new Date('2026-11-25T18:05:00Z'))).toBe(false);
    expect([...parseNcrontab('10/20 * * * * *')[0]!]).toEqual([10, 30, 50]);
  });

  it('rejects five-field cron and out-of-range values with a clear message', () => {
    expect(() => parseNcrontab('*/5 * * * *')).toThrow(/six fields/);
    expect(() => parseNcrontab('0 61 * * * *')).toThrow(/minute out of range/);
  });
});
