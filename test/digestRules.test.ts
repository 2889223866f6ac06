import { describe, expect, it } from 'vitest';
import { changeOf, HOTSPOT_CAP, mayReceiveDigests, priorityChangesIn, weekStatsOf, type CountableIncident } from '../bot/digests/rules/digest';
import { addDays, dueDigest, latestSlot, mondayOf, mondayOfWeek, weekBounds, weekLabel } from '../bot/digests/rules/digestSchedule';
import { categoriesOfTheme, THEME_CATEGORIES } from '../bot/digests/rules/digestThemes';
import { DEMO_THEMES } from './support/demoDirectory';
import { IncidentCategory } from '../bot/common/taxonomy';

const monday8 = { day: 1, time: '08:00', timeZone: 'Europe/London' };

describe('digest schedule (Europe/London wall clock)', () => {
  it('finds ISO weeks and their Mondays, across a year end', () => {
    expect(mondayOf('2026-10-25')).toBe('2026-10-19'); // a Sunday belongs to the week before
    expect(weekLabel('2026-10-19')).toBe('2026-W43');
    expect(mondayOfWeek('2026-W43')).toBe('2026-10-19');
    expect(mondayOfWeek('2027-W01')).toBe('2027-01-04');
    expect(weekLabel('2026-12-28')).toBe('2026-W53');
    expect(addDays('2026-12-28', 7)).toBe('2027-01-04');
  });

  it('the week of the October clock change is 169 hours long, Monday 00:00 BST to Monday 00:00 GMT', () => {
    const b = weekBounds('2026-10-19', 'Europe/London');
    expect(b.from.toISOString()).toBe('2026-10-18T23:00:00.000Z');
    expect(b.to.toISOString()).toBe('2026-10-26T00:00:00.000Z');
    expect((b.to.getTime() - b.from.getTime()) / 3_600_000).toBe(169);
  });

  it('Monday 08:00 is 07:00Z in summer and 08:00Z after the clocks go back, and reports the week before', () => {
    expect(latestSlot(new Date('2026-10-19T07:00:00Z'), monday8)).toMatchObject({ week: '2026-W42', weekMonday: '2026-10-12' });
    expect(latestSlot(new Date('2026-10-19T07:00:00Z'), monday8).slot.toISOString()).toBe('2026-10-19T07:00:00.000Z');
    // 07:30Z on 26 October is 07:30 GMT: the slot of that week has not come; the latest is the week before's.
    expect(latestSlot(new Date('2026-10-26T07:30:00Z'), monday8).week).toBe('2026-W42');
    const due = latestSlot(new Date('2026-10-26T08:00:00Z'), monday8);
    expect(due.slot.toISOString()).toBe('2026-10-26T08:00:00.000Z');
    expect(due.week).toBe('2026-W43');
  });

  it('catches up once: after missed slots only the latest is due, and nothing before the subscription began', () => {
    const created = new Date('2026-10-01T12:00:00Z');
    const due = dueDigest(new Date('2026-11-11T10:00:00Z'), monday8, created);
    expect(due?.week).toBe('2026-W45');
    expect(due?.slot.toISOString()).toBe('2026-11-09T08:00:00.000Z');
    // Subscribed on a Wednesday: Monday's slot of that week is not due.
    expect(dueDigest(new Date('2026-10-28T10:00:00Z'), monday8, new Date('2026-10-28T09:00:00Z'))).toBeUndefined();
  });

  it('a Friday to Sunday slot reports its own week up to the slot; Monday to Thursday the week before', () => {
    const sunday = latestSlot(new Date('2026-11-29T21:31:00Z'), { day: 7, time: '21:30', timeZone: 'Europe/London' });
    expect(sunday).toMatchObject({ week: '2026-W48', weekMonday: '2026-11-23' });
    expect(sunday.upTo?.toISOString()).toBe('2026-11-29T21:30:00.000Z');
    const friday = latestSlot(new Date('2026-11-27T17:00:00Z'), { day: 5, time: '16:30', timeZone: 'Europe/London' });
    expect(friday).toMatchObject({ week: '2026-W48' });
    const thursday = latestSlot(new Date('2026-11-26T17:00:00Z'), { day: 4, time: '16:30', timeZone: 'Europe/London' });
    expect(thursday.week).toBe('2026-W47');
    expect(thursday.upTo).toBeUndefined();
  });

  it('a Sunday 01:30 slot on the spring clock change moves on an hour instead of vanishing', () => {
    const due = latestSlot(new Date('2026-03-29T12:00:00Z'), { day: 7, time: '01:30', timeZone: 'Europe/London' });
    expect(due.slot.toISOString()).toBe('2026-03-29T01:30:00.000Z'); // 02:30 BST
  });
});

describe('digest arithmetic', () => {
  it('changes against the week before and the 4-week average, rounded half up', () => {
    expect(changeOf([0, 2, 1, 2, 4])).toEqual({ thisWeek: 4, previous: 2, average4: 1.3, change: 2, changePct: 100, vsAveragePct: 220 });
    expect(changeOf([3, 3, 3, 3, 0])).toEqual({ thisWeek: 0, previous: 3, average4: 3, change: -3, changePct: -100, vsAveragePct: -100 });
    // Nothing before: no percentages rather than infinities.
    expect(changeOf([0, 0, 0, 0, 5])).toEqual({ thisWeek: 5, previous: 0, average4: 0, change: 5 });
  });

  it('aggregates a borough-week: categories, high risk, and repeat areas as hotspots whatever the case typed', () => {
    const i = (category: IncidentCategory, area: string, risk: CountableIncident['risk'] = 'standard', postcodeDistrict = 'SK5') => ({ category, area, risk, postcodeDistrict });
    const stats = weekStatsOf([
      i('asb-nuisance', 'brinnington'),
      i('asb-nuisance', 'Brinnington ', 'high'),
      i('domestic-abuse', 'Brinnington', 'high'),
      i('burglary', 'Town centre', 'standard', 'SK1'),
    ]);
    expect(stats).toEqual({
      incidents: 4,
      byCategory: { 'asb-nuisance': 2, 'domestic-abuse': 1, burglary: 1 },
      highByCategory: { 'asb-nuisance': 1, 'domestic-abuse': 1 },
      hotspots: [{ district: 'SK5', area: 'Brinnington', counts: { 'asb-nuisance': 2, 'domestic-abuse': 1 } }],
    });
    const many = Array.from({ length: (HOTSPOT_CAP + 10) * 2 }, (_, n) => i('asb-nuisance', `Estate ${Math.floor(n / 2)}`));
    expect(weekStatsOf(many).hotspots).toHaveLength(HOTSPOT_CAP);
  });

  it('reports priority changes published in the period, under the theme only, by title', () => {
    const set = (version: number, publishedAt: string, titles: [string, string][]) => ({
      borough: 'stockport' as const, version, effectiveFrom: '2026-01-01', publishedAt, publishedBy: '00000000-0000-4000-8000-000000000003',
      changeNote: version > 1 ? 'update' : '', priorities: titles.map(([themeId, title]) => ({ themeId, title })),
    });
    const sets = [
      set(1, '2026-09-01T09:00:00Z', [['public-safety', 'Anti-social behaviour'], ['vulnerable-people', 'Hate crime']]),
      set(2, '2026-10-21T09:00:00Z', [['public-safety', 'Anti-social behaviour'], ['public-safety', 'Knife crime'], ['vulnerable-people', 'Domestic abuse']]),
    ];
    const period = { from: new Date('2026-10-18T23:00:00Z'), to: new Date('2026-10-26T00:00:00Z') };
    expect(priorityChangesIn(sets, 'public-safety', ['stockport'], period)).toEqual([{ borough: 'stockport', version: 2, added: ['Knife crime'], removed: [], reworded: [] }]);
    expect(priorityChangesIn(sets, 'vulnerable-people', ['stockport'], period)).toEqual([{ borough: 'stockport', version: 2, added: ['Domestic abuse'], removed: ['Hate crime'], reworded: [] }]);
    expect(priorityChangesIn(sets, 'prevent', ['stockport'], period)).toEqual([]);
  });

  it('maps every demo theme to categories, each a known category', () => {
    for (const t of DEMO_THEMES) expect(categoriesOfTheme(t.id).length).toBeGreaterThan(0);
    for (const cats of Object.values(THEME_CATEGORIES)) for (const c of cats) expect(IncidentCategory.options).toContain(c);
    expect(categoriesOfTheme('a-theme-added-later')).toEqual([]);
  });

  it('lets theme leads, admins and people an admin allowed receive digests', () => {
    expect(mayReceiveDigests(['staff', 'themeLead'], false)).toBe(true);
    expect(mayReceiveDigests(['staff', 'admin'], false)).toBe(true);
    expect(mayReceiveDigests(['staff'], false)).toBe(false);
    expect(mayReceiveDigests(['staff'], true)).toBe(true);
  });
});
