/**
 * Early-warning detection benchmark: the hotspot detector (every rule, all
 * 10 boroughs) over a year of incidents at the region's scale in Azurite,
 * and hotspotsFor over a digest week. Goal: a timer run (every 15 minutes,
 * warnings already raised) under 2 s; the cold start, which raises every
 * warning of the year's backlog at once, is printed for context.
 *
 * Data: scripts/data/yearScale.ts (loadYearScale) when it exists; until
 * then a stand-in generator in support/warningsData.ts (said in the note).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../bot/kernel/config';
import type { AppContext } from '../../bot/kernel/context';
import { silentLogger } from '../../bot/kernel/logger';
import { createRuntime } from '../../bot/runtime';
import { applyDemoPartnershipIfEmpty } from '../demoPartnership';
import { detectHotspots } from '../../bot/warnings/detect';
import { hotspotsFor } from '../../bot/warnings/hotspots';
import { startAzurite } from '../azurite';
import { loadWarningsYear } from './support/warningsData';
import type { BenchRow } from './types';
import { median } from './support/latency';

const GOAL_MS = 2000;
const END = new Date('2026-11-25T10:00:00Z');

async function loadData(ctx: AppContext): Promise<{ incidents: number; source: string }> {
  const shared = path.resolve(__dirname, '../data/yearScale.ts');
  if (existsSync(shared)) {
    const mod = (await import(shared)) as { loadYearScale?: (ctx: AppContext, opts: Record<string, unknown>) => Promise<unknown> };
    if (mod.loadYearScale) {
      const result = (await mod.loadYearScale(ctx, { end: END })) as { incidents?: number } | undefined;
      return { incidents: result?.incidents ?? NaN, source: 'scripts/data/yearScale.ts' };
    }
  }
  const generated = await loadWarningsYear(ctx, { end: END });
  return { incidents: generated.incidents, source: 'stand-in generator scripts/bench/support/warningsData.ts' };
}

export async function run(): Promise<BenchRow[]> {
  const azurite = await startAzurite();
  try {
    let now = END;
    const runtime = createRuntime(loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: azurite.connectionString, TABLE_PREFIX: 'benchwarn' }), silentLogger, () => now);
    const { ctx } = runtime;
    await ctx.store.ensureTables();
    await applyDemoPartnershipIfEmpty(ctx);
    const loadStarted = Date.now();
    const data = await loadData(ctx);
    const loadSeconds = (Date.now() - loadStarted) / 1000;

    // First run raises the warnings (create-once rows); later runs find them covered, as the 15-minute timer mostly does.
    const timings: number[] = [];
    let first = { hot: 0, raised: 0 };
    for (let i = 0; i < 5; i++) {
      now = new Date(END.getTime() + i * 15 * 60_000);
      const t = Date.now();
      const r = await detectHotspots(ctx);
      timings.push(Date.now() - t);
      if (i === 0) first = { hot: r.hot, raised: r.raised.length };
    }
    const t = Date.now();
    const week = await hotspotsFor(ctx, { from: new Date(END.getTime() - 7 * 86_400_000), to: END });
    const digestMs = Date.now() - t;
    const note = `${data.incidents} incidents, a year to ${END.toISOString().slice(0, 10)} (${data.source}); ${first.hot} hot places, ${first.raised} warnings raised on the first run; loaded in ${loadSeconds.toFixed(0)} s`;
    const later = timings.slice(1);
    return [
      { name: 'hotspot detection, all 10 boroughs, timer runs (median of 4)', value: median(later), unit: 'ms', goal: `< ${GOAL_MS} ms`, ok: median(later) < GOAL_MS, note: `max ${Math.max(...later)} ms; ${note}` },
      {
        name: 'hotspot detection, cold start (first run raises every warning)',
        value: timings[0]!,
        unit: 'ms',
        goal: null,
        ok: null,
        note: `context: the first run over a year with no warnings yet writes ${first.raised} create-once rows; steady-state runs raise a few`,
      },
      { name: 'hotspotsFor, all 10 boroughs, a 7-day digest period', value: digestMs, unit: 'ms', goal: null, ok: null, note: `${week.length} hotspot records` },
    ];
  } finally {
    await azurite.stop();
  }
}
