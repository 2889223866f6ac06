/**
 * Weekly digest benchmark: a year of incidents at the region's scale
 * (scripts/data/yearScale.ts, ~207,000 incidents) in an in-memory Azurite,
 * then every theme lead's digest built: 10 boroughs x every configured
 * theme, for the week of 5 November (fireworks), as one timer run builds
 * them (reads shared through DigestSources). Storage requests are counted by
 * a pipeline policy on every TableClient.
 *
 * Two builds: with the borough-week WeekStats rows current (the usual case:
 * past weeks do not change, so only the first digest after a write pays),
 * and with the reported week's stats invalidated in every borough (each of
 * those 10 partitions is read and aggregated again).
 */
import { TableClient, TableServiceClient } from '@azure/data-tables';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { loadConfig } from '../../bot/kernel/config';
import { type AppContext } from '../../bot/kernel/context';
import { silentLogger } from '../../bot/kernel/logger';
import { buildThemeDigest } from '../../bot/digests/build';
import { DigestSources } from '../../bot/digests/sources';
import { BOROUGHS } from '../../bot/common/borough';
import { weekMarkOp } from '../../bot/incidents/weekMark';
import { applyDemoPartnershipIfEmpty } from '../demoPartnership';
import { allThemes } from '../../bot/referenceData';
import { openTables, type Store } from '../../bot/store/store';
import { appTables } from '../../bot/tables';
import { DEFAULT_TIME_ZONE } from '../../bot/kernel/config';
import { cardBytes, CARD_BYTE_BUDGET } from '../../cards/render';
import { startAzurite } from '../azurite';
import { loadYearScale } from '../data/yearScale';
import type { BenchRow } from './types';

const GOAL_MS = 2000;
const END = new Date('2026-11-25T10:00:00Z');
const DIGEST_WEEK_MONDAY = '2026-11-02'; // 2026-W45, with 5 November
const DELIVERY = new Date('2026-11-09T08:00:00Z');

/** A store whose storage requests, and the rows they bring back (`rows`: entities in query answers, 1 per point read), are counted. */
export function countingStore(connectionString: string, prefix: string): { store: Store; requests: () => number; rows: () => number; reset: () => void } {
  let count = 0;
  let rows = 0;
  const policy: PipelinePolicy = {
    name: 'countRequests',
    sendRequest: async (req, next) => {
      count++;
      const res = await next(req);
      if (req.method === 'GET' && res.status === 200 && res.bodyAsText) {
        try {
          const body = JSON.parse(res.bodyAsText) as { value?: unknown };
          rows += Array.isArray(body.value) ? body.value.length : 1;
        } catch {
          // not JSON: not a row
        }
      }
      return res;
    },
  };
  const options = { allowInsecureConnection: true };
  const tables = openTables(
    appTables({ timeZone: DEFAULT_TIME_ZONE }),
    (t) => {
      const client = TableClient.fromConnectionString(connectionString, t, options);
      client.pipeline.addPolicy(policy);
      return client;
    },
    prefix,
  );
  const service = TableServiceClient.fromConnectionString(connectionString, options);
  const store: Store = {
    ...tables,
    ensureTables: async () => void (await Promise.all(Object.values(tables).map((t) => t.ensureExists()))),
    ping: async () => void (await service.listTables().byPage({ maxPageSize: 1 }).next()),
  };
  return { store, requests: () => count, rows: () => rows, reset: () => ((count = 0), (rows = 0)) };
}

async function buildAll(ctx: AppContext): Promise<{ ms: number; digests: number; maxBytes: number; incidents: number }> {
  const themes = (await allThemes(ctx)).map((t) => t.id);
  const sources = new DigestSources(ctx);
  const started = performance.now();
  const built = await Promise.all(
    BOROUGHS.flatMap((b) =>
      themes.map((themeId) => buildThemeDigest(ctx, sources, { themeId, boroughs: [b.id], weekMonday: DIGEST_WEEK_MONDAY, preview: false, timeZone: 'Europe/London' })),
    ),
  );
  const ms = performance.now() - started;
  const ok = built.filter((d) => d !== undefined);
  return {
    ms,
    digests: ok.length,
    maxBytes: Math.max(...ok.map((d) => cardBytes(d.card))),
    incidents: ok.filter((d) => d.figures.theme.id === 'public-safety').reduce((n, d) => n + d.figures.total.thisWeek, 0),
  };
}

export async function measureDigests() {
  const azurite = await startAzurite();
  try {
    const config = loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: azurite.connectionString, TABLE_PREFIX: 'benchdigest' });
    const counted = countingStore(azurite.connectionString, 'benchdigest');
    let now = END;
    const ctx: AppContext = { config, store: counted.store, clock: () => now, log: silentLogger };
    await ctx.store.ensureTables();
    await applyDemoPartnershipIfEmpty(ctx);

    const loadStarted = performance.now();
    const loaded = await loadYearScale(ctx, { end: END });
    const loadMs = performance.now() - loadStarted;

    now = DELIVERY;
    await buildAll(ctx); // warm-up: module JIT and connections, not storage (every digest run builds its own sources)
    counted.reset();
    const warm = await buildAll(ctx);
    const warmRequests = counted.requests();

    // Invalidate the reported week in every borough, as a late report there would.
    for (const b of BOROUGHS) await ctx.store.incidents.transact([weekMarkOp(`${b.id}-2026-W45`, DELIVERY.toISOString())]);
    counted.reset();
    const cold = await buildAll(ctx);
    const coldRequests = counted.requests();
    return { loaded, loadMs, warm, warmRequests, cold, coldRequests };
  } finally {
    await azurite.stop();
  }
}

export async function run(): Promise<BenchRow[]> {
  const r = await measureDigests();
  const themes = r.warm.digests / BOROUGHS.length;
  return [
    { name: `year-scale data set loaded into Azurite (${r.loaded.incidents} incidents, ${r.loaded.partitions} borough-weeks)`, value: Math.round(r.loadMs), unit: 'ms', goal: null, ok: null, note: `${r.loaded.writes} write requests (transactions of 100, 16 partitions in parallel)` },
    { name: `build ${r.warm.digests} digests (10 boroughs x ${themes} themes), week 2026-W45, borough-week stats current`, value: Math.round(r.warm.ms), unit: 'ms', goal: `< ${GOAL_MS} ms`, ok: r.warm.ms < GOAL_MS, note: `${r.warm.incidents} public-safety incidents in the week across the region` },
    { name: 'storage requests for that build', value: r.warmRequests, unit: 'requests', goal: null, ok: null, note: 'a ~mark point read per borough-week (50), WeekStats 1 partition read per week (5), alerts 1, operations 2 and priorities 1 per borough, themes 1' },
    { name: `build ${r.cold.digests} digests with the reported week's stats invalidated in all 10 boroughs`, value: Math.round(r.cold.ms), unit: 'ms', goal: null, ok: null, note: 'context: each invalidated borough-week read in full and aggregated again (Azurite scans the whole table for a partition query; Azure Tables reads the partition)' },
    { name: 'storage requests for that build', value: r.coldRequests, unit: 'requests', goal: null, ok: null },
    { name: 'largest digest card', value: r.warm.maxBytes, unit: 'bytes', goal: '< 28 KiB', ok: r.warm.maxBytes < CARD_BYTE_BUDGET },
  ];
}

if (require.main === module) {
  run().then(
    (rows) => {
      console.table(rows);
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
