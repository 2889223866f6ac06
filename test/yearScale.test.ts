import { odata } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../bot/kernel/context';
import { loadConfig } from '../bot/kernel/config';
import { silentLogger } from '../bot/kernel/logger';
import { generateYearScale, loadYearScale } from '../scripts/data/yearScale';
import { freshStore } from './support/storage';

/** A small-scale smoke of the year-scale generator (the full set belongs in `npm run bench -- digest`). */
describe('year-scale data set', () => {
  const end = new Date('2026-11-25T10:00:00Z');

  it('is deterministic, spread by population, with ASB most of it and a fireworks surge', () => {
    const a = generateYearScale({ end, scale: 0.1 });
    const b = generateYearScale({ end, scale: 0.1 });
    expect(a.result).toEqual(b.result);
    const r = a.result;
    const asb = r.byCategory['asb-personal'] + r.byCategory['asb-nuisance'] + r.byCategory['asb-environmental'];
    expect(asb).toBeGreaterThan(0.1 * 133_000);
    expect(asb / r.incidents).toBeGreaterThan(0.6);
    expect(r.byBorough.manchester).toBeGreaterThan(r.byBorough.bury * 2.3); // 552k v 193k people
    // The week of 5 November against the three weeks before it; July against January.
    const w = r.byWeek;
    expect(w['2026-W45']!).toBeGreaterThan(1.15 * ((w['2026-W41']! + w['2026-W42']! + w['2026-W43']!) / 3));
    expect(w['2026-W29']!).toBeGreaterThan(w['2026-W03']!);
  });

  it('loads into storage as the write path stores incidents, with each borough-week\'s digest figures', async () => {
    const { store } = await freshStore();
    const ctx: AppContext = { config: loadConfig({ CONCORDAT_MODE: 'local' }), store, clock: () => end, log: silentLogger };
    const loaded = await loadYearScale(ctx, { end, scale: 0.004, days: 28 });
    expect(loaded.incidents).toBeGreaterThan(40);
    const rows = await store.incidents.query(odata`kind eq 'incident'`);
    expect(rows).toHaveLength(loaded.incidents);
    const stats = await store.weekStats.query("PartitionKey ne ''");
    expect(stats).toHaveLength(loaded.partitions);
    expect(stats.reduce((n, s) => n + s.value.stats.incidents, 0)).toBe(loaded.incidents);
  });

  it('writes only the finder partitions asked for, each in full, and the police-number rows of one incident in n', async () => {
    const { store } = await freshStore();
    const ctx: AppContext = { config: loadConfig({ CONCORDAT_MODE: 'local' }), store, clock: () => end, log: silentLogger };
    const loaded = await loadYearScale(ctx, { end, scale: 0.004, days: 28, stats: false, finder: true, finderPartitions: (key) => key.startsWith('pc|'), policeEvery: 2 });
    const rows = await store.incidentFinder.query("PartitionKey ne ''");
    expect(rows).toHaveLength(loaded.finderRows);
    const districts = rows.filter((r) => r.value.key.startsWith('pc|'));
    expect(districts).toHaveLength(loaded.incidents); // every incident in its district, nothing else but police numbers
    const police = rows.filter((r) => r.value.key.startsWith('pol|'));
    expect(police.length).toBeGreaterThan(0);
    expect(police.every((r) => Number(r.value.reference.slice(-6)) % 2 === 0)).toBe(true);
    expect(districts.length + police.length).toBe(rows.length);
  });
});
