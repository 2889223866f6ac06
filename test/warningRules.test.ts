import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../bot/kernel/config';
import { complaintsLinked, hashComplaintReference, monthsBefore, normaliseComplaintReference, ordinal, qualifyingComplaints, referenceProblem, repeatLabel, type Complaint } from '../bot/incidents/rules/complaintReference';
import { areaKey, DEFAULT_HOTSPOT_RULES, findHotspots, nextWarningWindow, rulesFor, warningWindow, type HotspotIncident } from '../bot/warnings/rules/hotspots';

const TZ = 'Europe/London';
const NOW = new Date('2026-11-25T10:00:00Z');
const DAY = 86_400_000;
const asb = DEFAULT_HOTSPOT_RULES.find((r) => r.id === 'asb')!;
const drugs = DEFAULT_HOTSPOT_RULES.find((r) => r.id === 'drugs')!;

let seq = 0;
function incident(daysAgo: number, over: Partial<HotspotIncident> = {}): HotspotIncident {
  return {
    reference: `STO-2026-${String(++seq).padStart(6, '0')}`,
    borough: 'stockport',
    category: 'asb-nuisance',
    area: 'Brinnington estate',
    postcodeDistrict: 'SK5',
    occurredAt: new Date(NOW.getTime() - daysAgo * DAY).toISOString(),
    ...over,
  };
}
/** Hot now: the rolling window ending at `at`. */
const now = (at = NOW) => ({ from: at, to: at });

describe('hotspot rules', () => {
  it('fire at the threshold and not one below; any ASB category counts, other categories do not', () => {
    const four = [incident(1), incident(2, { category: 'asb-personal' }), incident(3, { category: 'asb-environmental' }), incident(4), incident(1, { category: 'drugs' })];
    expect(findHotspots(four, asb, now())).toEqual([]);
    const five = [...four, incident(13)];
    const [hot] = findHotspots(five, asb, now());
    expect(hot).toMatchObject({ ruleId: 'asb', postcodeDistrict: 'SK5', areaKey: 'brinnington estate', peakCount: 5 });
    expect(hot!.current).toHaveLength(5);
    expect(hot!.categories).toEqual(['asb-environmental', 'asb-nuisance', 'asb-personal']);
  });

  it('group one place across spellings, but not across districts or areas', () => {
    const set = [incident(1, { area: 'BRINNINGTON-ESTATE' }), incident(2, { area: 'brinnington  estate.' }), incident(3), incident(4), incident(5, { postcodeDistrict: 'SK6' })];
    expect(findHotspots(set, asb, now())).toEqual([]);
    expect(findHotspots([...set, incident(6)], asb, now())[0]!.areaLabel).toBe('Brinnington estate');
    expect(areaKey(' Lancashire Hill, ')).toBe('lancashire hill');
  });

  it('use a rolling window: an incident 14 days and an hour old no longer counts', () => {
    const set = [incident(1), incident(2), incident(3), incident(4), incident(14 + 1 / 24)];
    expect(findHotspots(set, asb, now())).toEqual([]);
    // A day earlier the same five were a hotspot.
    expect(findHotspots(set, asb, now(new Date(NOW.getTime() - DAY)))).toHaveLength(1);
    // Over a digest period, the peak of any window ending in the period counts.
    expect(findHotspots(set, asb, { from: new Date(NOW.getTime() - 7 * DAY), to: NOW })[0]).toMatchObject({ peakCount: 5 });
  });

  it('drugs: 3 in 28 days', () => {
    const set = [incident(1, { category: 'drugs' }), incident(20, { category: 'drugs' })];
    expect(findHotspots(set, drugs, { from: NOW, to: NOW })).toEqual([]);
    expect(findHotspots([...set, incident(27, { category: 'drugs' })], drugs, { from: NOW, to: NOW })).toHaveLength(1);
  });

  it('open one warning window per place: not again while it covers now; again only for heat after it ends', () => {
    const set = [incident(10), incident(9), incident(8), incident(7), incident(6), incident(1)];
    const [hot] = findHotspots(set, asb, { from: new Date(NOW.getTime() - 14 * DAY), to: NOW });
    const first = nextWarningWindow(hot!, asb, [], NOW, TZ);
    expect(first).toEqual({ startDate: '2026-11-19' }); // the day of the fifth report
    expect(nextWarningWindow(hot!, asb, [first!.startDate], NOW, TZ)).toBeUndefined();
    const w = warningWindow('2026-11-19', 14, TZ);
    expect(w.endDate).toBe('2026-12-03');
    // After the window: only heat after its end opens the next one.
    const later = new Date(w.end.getTime() + 2 * DAY);
    const lastWindow = { from: new Date(later.getTime() - 14 * DAY), to: later }; // as the detector looks
    const inOldWindow = [incident(-7), incident(-7.1), incident(-7.2), incident(-7.3)]; // 2 Dec, before the end
    const stale = findHotspots([...set, ...inOldWindow], asb, lastWindow);
    expect(stale[0]!.current).toHaveLength(5); // still hot...
    expect(nextWarningWindow(stale[0]!, asb, ['2026-11-19'], later, TZ)).toBeUndefined(); // ...but nothing new
    const [again] = findHotspots([...set, ...inOldWindow, incident(-8.7)], asb, lastWindow); // 4 Dec, after the end
    expect(nextWarningWindow(again!, asb, ['2026-11-19'], later, TZ)).toEqual({ startDate: '2026-12-04' });
  });

  it('are data in config, overridable per borough, and bad overrides stop start-up', () => {
    const config = loadConfig({ CONCORDAT_MODE: 'local', HOTSPOT_RULES: JSON.stringify({ stockport: { asb: { threshold: 6 }, drugs: { enabled: false } } }) });
    expect(rulesFor(config.hotspots, 'stockport').map((r) => [r.id, r.threshold])).toEqual([['asb', 6], ['criminal-damage', 4]]);
    expect(rulesFor(config.hotspots, 'salford').map((r) => [r.id, r.threshold, r.windowDays])).toEqual([['asb', 5, 14], ['drugs', 3, 28], ['criminal-damage', 4, 14]]);
    expect(() => loadConfig({ CONCORDAT_MODE: 'local', HOTSPOT_RULES: '{"stockport": {"asbb": {"threshold": 6}}}' })).toThrow(ConfigError);
    expect(() => loadConfig({ CONCORDAT_MODE: 'local', HOTSPOT_RULES: '{"narnia": {}}' })).toThrow(/HOTSPOT_RULES/);
    expect(() => loadConfig({ CONCORDAT_MODE: 'local', HOTSPOT_RULES: 'nope' })).toThrow(/not valid JSON/);
  });
});

describe('household references', () => {
  it('are normalised before the keyed hash, and the hash depends on the key', () => {
    expect(normaliseComplaintReference(' sto/ten 004512 ')).toBe('STOTEN004512');
    const key = 'k'.repeat(32);
    expect(hashComplaintReference(key, 'sto-ten-004512')).toBe(hashComplaintReference(key, 'STO TEN/004512'));
    expect(hashComplaintReference(key, 'STO-TEN-004512')).toMatch(/^[a-f0-9]{64}$/);
    expect(hashComplaintReference(key, 'STO-TEN-004512')).not.toBe(hashComplaintReference('j'.repeat(32), 'STO-TEN-004512'));
    expect(hashComplaintReference(key, 'STO-TEN-004512')).not.toContain('004512');
  });

  it('refuse names and markup on the form', () => {
    expect(referenceProblem('')).toBeUndefined();
    expect(referenceProblem('TEN-004512')).toBeUndefined();
    expect(referenceProblem('John Smith')).toMatch(/never a name/);
    expect(referenceProblem('<b>1</b>')).toMatch(/letters, digits/);
    expect(referenceProblem('1'.repeat(41))).toMatch(/at most 40/);
  });

  const kinds = (id: string) => ({ gmp: 'police', 'stockport-homes': 'landlord', 'salix-homes': 'landlord' })[id];
  const c = (reference: string, org: string, sharedWith: string[], occurredAt: string, category: Complaint['category'] = 'asb-nuisance'): Complaint => ({ reference, reporterOrganisationId: org, sharedWith, occurredAt, category });

  it('match across organisations only when each complaint is visible to the other reporter', () => {
    const homes = c('STO-2026-000001', 'stockport-homes', ['gmp'], '2026-10-01T10:00:00.000Z');
    const policeShared = c('STO-2026-000002', 'gmp', ['stockport-homes'], '2026-10-02T10:00:00.000Z');
    const policeUnshared = c('STO-2026-000003', 'gmp', [], '2026-10-03T10:00:00.000Z');
    const salixShared = c('STO-2026-000004', 'salix-homes', ['gmp', 'stockport-homes'], '2026-10-04T10:00:00.000Z');
    expect(complaintsLinked(homes, policeShared, kinds)).toBe(true); // police see all; shared back
    expect(complaintsLinked(homes, policeUnshared, kinds)).toBe(false); // not shared with the landlord
    expect(complaintsLinked(homes, salixShared, kinds)).toBe(false); // one way only
    expect(complaintsLinked(salixShared, c('STO-2026-000005', 'stockport-homes', ['salix-homes'], '2026-10-05T10:00:00.000Z'), kinds)).toBe(true);
  });

  it('count ASB complaints in the 6 calendar months up to the subject: the third reaches the threshold', () => {
    const subject = c('STO-2026-000010', 'stockport-homes', ['gmp'], '2026-11-24T10:00:00.000Z');
    const others = [
      c('STO-2026-000006', 'stockport-homes', [], '2026-05-24T09:59:00.000Z'), // a minute too old
      c('STO-2026-000007', 'stockport-homes', [], '2026-05-24T10:00:00.000Z'),
      c('STO-2026-000008', 'stockport-homes', [], '2026-09-01T10:00:00.000Z', 'drugs'), // not ASB
      c('STO-2026-000009', 'gmp', ['stockport-homes'], '2026-10-01T10:00:00.000Z'),
    ];
    const q = qualifyingComplaints(subject, others, kinds);
    expect(q.map((x) => x.reference)).toEqual(['STO-2026-000007', 'STO-2026-000009', 'STO-2026-000010']);
    expect(repeatLabel(q.length)).toBe('repeat: 3rd in 6 months');
    expect(repeatLabel(1)).toBeUndefined();
    expect(monthsBefore('2026-08-31T12:00:00.000Z', 6).toISOString()).toBe('2026-02-28T12:00:00.000Z');
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23].map(ordinal).join(' ')).toBe('1st 2nd 3rd 4th 11th 12th 13th 21st 22nd 23rd');
  });
});
