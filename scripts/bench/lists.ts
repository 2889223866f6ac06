/**
 * Lists and search at year scale: ~207,000 incidents (scripts/data/yearScale.ts,
 * reporters spread over the police, landlords and councils, with police log
 * numbers) and their IncidentFinder rows, in an in-memory Azurite; then, as
 * real HTTP turns through the local Functions host at 1, 10 and 50 users:
 * - the `incidents` list (Stockport Homes' last 30 days, first page),
 * - search by location (a place word, a district, a place and dates),
 * - search by reference (GMP opening one: the full view with its audit;
 *   Stockport Homes asking about another organisation's: who holds it).
 * Storage requests are counted by a pipeline policy on every TableClient,
 * per turn at 1 user (turns one at a time, so each count is one turn's).
 *
 * Loading takes minutes; it happens once per run and every figure reads
 * the same store.
 */
import { loadConfig } from '../../bot/kernel/config';
import { silentLogger } from '../../bot/kernel/logger';
import { createRuntime } from '../../bot/runtime';
import { applyDemoPartnershipIfEmpty } from '../demoPartnership';
import { startFakeConnector } from '../../test/support/fakeConnector';
import { startAzurite } from '../azurite';
import { loadYearScale } from '../data/yearScale';
import { startLocalHost } from '../localFunctionsHost';
import { countingStore } from './digest';
import { execute, textOf, type BenchUser } from './support/turns';
import { percentile, type BenchRow } from './types';

const END = new Date('2026-11-25T10:00:00Z');
const PRIYA: BenchUser = { aadObjectId: '00000000-0000-4000-8000-000000000001', name: 'Priya Shah' }; // Stockport Homes
const TOM: BenchUser = { aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley' }; // GMP
const LEVELS = [1, 10, 50] as const;
const INDEX_EVERY = 50;

type Kind = 'list' | 'location' | 'reference';

export interface ListsResult {
  kind: Kind;
  users: number;
  samples: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  requestsPerTurn?: { mean: number; max: number };
}

export async function measureLists(opts: { scale?: number; samplesPerUser?: (u: number) => number } = {}): Promise<{ results: ListsResult[]; incidents: number; finderWrites: number; loadSeconds: number }> {
  const azurite = await startAzurite();
  const connector = await startFakeConnector();
  try {
    const config = loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: azurite.connectionString, TABLE_PREFIX: 'benchls', PORT: '0' });
    const runtime = createRuntime(config, silentLogger, () => END);
    const counting = countingStore(azurite.connectionString, 'benchls');
    runtime.ctx.store = counting.store;
    await runtime.ctx.store.ensureTables();
    await applyDemoPartnershipIfEmpty(runtime.ctx);
    process.stderr.write('lists: loading the year-scale data set and its finder rows (minutes)...\n');
    const loaded = await loadYearScale(runtime.ctx, { end: END, stats: false, finder: true, indexEvery: INDEX_EVERY, concurrency: 16, scale: opts.scale ?? 1 });
    process.stderr.write(`lists: loaded ${loaded.incidents} incidents in ${(loaded.elapsedMs / 1000).toFixed(0)} s\n`);
    const host = await startLocalHost(runtime, { host: '127.0.0.1', port: 0, timers: false, queues: false });

    // References that have an IncidentIndex row (every INDEX_EVERY-th of a borough and year), police and landlord alike.
    const sample = Array.from({ length: 40 }, (_, i) => `STO-2026-${String((i + 1) * INDEX_EVERY).padStart(6, '0')}`);
    const places = ['Town centre', 'SK4', 'Brook estate from 01/11/2026 to 24/11/2026', 'Canal side SK1', 'Station area last 30 days', 'M1'];
    const turn = async (kind: Kind, userIndex: number, i: number) => {
      switch (kind) {
        case 'list':
          return execute(host.url, connector.serviceUrl, PRIYA, userIndex, 'incidents.list', { borough: 'all', category: 'all', days: '30' });
        case 'location':
          return execute(host.url, connector.serviceUrl, i % 2 ? TOM : PRIYA, userIndex, 'incidents.search', { q: places[i % places.length], from: '', to: '' });
        case 'reference':
          return execute(host.url, connector.serviceUrl, i % 2 ? TOM : PRIYA, userIndex, 'incidents.search', { q: sample[i % sample.length], from: '', to: '' });
      }
    };
    const ok = (kind: Kind, r: { status: number; card: unknown }) => {
      const text = textOf(r.card);
      if (r.status !== 200) return false;
      if (kind === 'list') return /STO-2026-\d{6}|[A-Z]{3}-2026-\d{6}/.test(text);
      if (kind === 'location') return /you can open|Held by|No incidents found/.test(text);
      return /Incident [A-Z]{3}-\d{4}-\d{6}|STO-2026-\d{6}|Held by/.test(text);
    };

    for (const kind of ['list', 'location', 'reference'] as Kind[]) for (let i = 0; i < 3; i++) await turn(kind, i, i); // warm-up

    const samplesPerUser = opts.samplesPerUser ?? ((u: number) => (u === 1 ? 40 : u === 10 ? 10 : 4));
    const results: ListsResult[] = [];
    for (const kind of ['list', 'location', 'reference'] as Kind[]) {
      for (const users of LEVELS) {
        const times: number[] = [];
        const perTurn: number[] = [];
        let errors = 0;
        let n = 0;
        await Promise.all(
          Array.from({ length: users }, async (_, u) => {
            for (let k = 0; k < samplesPerUser(users); k++) {
              const before = counting.requests();
              const r = await turn(kind, u, n++);
              if (users === 1) perTurn.push(counting.requests() - before);
              times.push(r.ms);
              if (!ok(kind, r)) errors++;
            }
          }),
        );
        results.push({
          kind,
          users,
          samples: times.length,
          p50: percentile(times, 50),
          p99: percentile(times, 99),
          max: Math.max(...times),
          errors,
          ...(users === 1 ? { requestsPerTurn: { mean: perTurn.reduce((a, b) => a + b, 0) / perTurn.length, max: Math.max(...perTurn) } } : {}),
        });
      }
    }
    await host.close();
    return { results, incidents: loaded.incidents, finderWrites: loaded.writes, loadSeconds: loaded.elapsedMs / 1000 };
  } finally {
    await connector.close();
    await azurite.stop();
  }
}

const LABEL: Record<Kind, string> = {
  list: '`incidents` list, year scale',
  location: 'search by location, year scale',
  reference: 'search by reference, year scale',
};
/** Storage requests a turn may make: identify the caller (member, organisation), organisation names, one page; a reference opened adds the view's reads and its audit write. */
const REQUEST_BOUND: Record<Kind, number> = { list: 4, location: 5, reference: 10 };

export async function run(): Promise<BenchRow[]> {
  const m = await measureLists();
  return [
    { name: 'year-scale data set loaded (incidents)', value: m.incidents, unit: 'incidents', goal: '~207,000', ok: m.incidents > 200_000, note: `loaded with finder rows in ${m.loadSeconds.toFixed(0)} s` },
    ...m.results.flatMap((r): BenchRow[] => {
      const tenUsers = r.users === 10;
      const note = `${r.samples} turns, max ${r.max.toFixed(0)} ms${r.errors ? `, ${r.errors} FAILED` : ''}`;
      return [
        { name: `${LABEL[r.kind]}, ${r.users} user${r.users === 1 ? '' : 's'}: p50`, value: Math.round(r.p50 * 10) / 10, unit: 'ms', goal: tenUsers ? '< 150 ms' : null, ok: tenUsers ? r.p50 < 150 && r.errors === 0 : r.errors === 0 ? null : false, note },
        { name: `${LABEL[r.kind]}, ${r.users} user${r.users === 1 ? '' : 's'}: p99`, value: Math.round(r.p99 * 10) / 10, unit: 'ms', goal: tenUsers ? '< 600 ms' : null, ok: tenUsers ? r.p99 < 600 && r.errors === 0 : r.errors === 0 ? null : false, note },
        ...(r.requestsPerTurn
          ? [{ name: `${LABEL[r.kind]}: storage requests per turn (max; mean)`, value: r.requestsPerTurn.max, unit: 'requests', goal: `<= ${REQUEST_BOUND[r.kind]}`, ok: r.requestsPerTurn.max <= REQUEST_BOUND[r.kind], note: `mean ${r.requestsPerTurn.mean.toFixed(1)}` }]
          : []),
      ];
    }),
  ];
}

if (require.main === module) {
  const scale = Number(process.env.BENCH_SCALE ?? '1');
  measureLists({ scale }).then(
    (r) => {
      console.table(r.results.map((x) => ({ ...x, p50: x.p50.toFixed(1), p99: x.p99.toFixed(1), max: x.max.toFixed(0), requestsPerTurn: x.requestsPerTurn ? `${x.requestsPerTurn.mean.toFixed(1)} / ${x.requestsPerTurn.max}` : '' })));
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
