/**
 * Lists and search at year scale, as real HTTP turns through the local
 * Functions host at 1, 10 and 50 concurrent users (closed loop):
 * - the `incidents` list (Stockport Homes' last 30 days, first page),
 * - search by location (a place word, a district, a place and dates...),
 * - search by reference (GMP opening one: the full view with its audit;
 *   Stockport Homes asking about another organisation's: who holds it).
 *
 * Data (scripts/data/yearScale.ts, the same seed every run), stated in the
 * first row: every incident of the year (~207,000) in the Incidents table;
 * IncidentIndex (reference → week partition) for every INDEX_EVERY-th, and
 * the references searched for are among those. IncidentFinder, the index of
 * lists and search: in full, every partition the figures read (Stockport
 * Homes' list, the place words searched for) and, around them in the same
 * 32 tables, every postcode district's partition; the police-number rows of
 * one incident in POLICE_EVERY. Left out: other organisations' lists and
 * place words nobody here searches for (GMP's list alone is ~128,000 rows,
 * which Azurite loads in minutes: it walks a partition to place each row).
 * The list and search code is not told any of this: a query that read
 * beyond its partition would count as a scan below, whatever was loaded.
 *
 * The users' HTTP client runs on a thread of its own (support/clientThread.ts),
 * as the counting proxy does: the bot's thread does only what a deployed bot
 * does. Both threads share the machine's 2 cores with the bot and Azurite.
 *
 * Baseline, same run, same users: the search card submitted empty (the same
 * route, gate and caller look-up, no search), so each figure also reads as a
 * ratio that the machine's load cancels out of.
 *
 * Storage requests are counted at the transport (a pass-through proxy in
 * front of Azurite, support/storageProxy.ts, on a thread of its own so that
 * its work is not queued on the bot's: support/storageProxyThread.ts): per turn at 1 user (turns one
 * at a time, so each count is one turn's), and every query of every turn at
 * every level is checked to name one partition: a scan of a whole table
 * would show as a count here, whatever its latency on this machine.
 *
 * CPU a turn is read for this process and Azurite's; `BENCH_PROFILE=<kind>` (list, location, reference, baseline)
 * also writes a .cpuprofile of this process during that kind's 10-user level (open it in Chrome's DevTools).
 *
 * Azurite evaluates every query against every row of the table it names
 * (Azure seeks to the partition): the "bare storage read" rows measure that
 * floor, so a slow figure can be told apart from slow code.
 */
import { loadConfig } from '../../bot/kernel/config';
import { silentLogger } from '../../bot/kernel/logger';
import { createRuntime } from '../../bot/runtime';
import { openIncident } from '../../bot/incidents/repository/read';
import { readHistoryPage } from '../../bot/incidents/view';
import { finderPage } from '../../bot/search/repository';
import { finderKey, placeWords } from '../../bot/search/rules/keys';
import { parseSearch } from '../../bot/search/rules/query';
import { SEARCH_PAGE_SIZE } from '../../bot/search/search';
import { indexPlacesWithinDistricts } from '../../bot/search/backfill';
import { applyDemoPartnershipIfEmpty } from '../demoPartnership';
import { startFakeConnector } from '../../test/support/fakeConnector';
import { startAzurite } from '../azurite';
import { loadYearScale } from '../data/yearScale';
import { startLocalHost } from '../localFunctionsHost';
import { closedLoop, latencyRows, printLatencyTable, type LatencySummary } from './support/latency';
import { countsBetween, startStorageProxy, type RequestCounts } from './support/storageProxy';
import { startStorageProxyThread } from './support/storageProxyThread';
import { startClientThread } from './support/clientThread';
import { execute, postHere, textOf, type BenchUser } from './support/turns';
import { cpuMeter, startProfile, type CpuSplit } from './support/cpu';
import type { BenchRow } from './types';

const END = new Date('2026-11-25T10:00:00Z');
const PRIYA: BenchUser = { aadObjectId: '00000000-0000-4000-8000-000000000001', name: 'Priya Shah' }; // Stockport Homes
const TOM: BenchUser = { aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley' }; // GMP
const LEVELS = [1, 10, 50] as const;
const INDEX_EVERY = 50;
const POLICE_EVERY = 50;
const STOCKPORT_HOMES = 'stockport-homes';
/** Searched for by location: a place, a district, a place and dates, a place in a district, a place and "last 30 days", another borough's district. */
const PLACES = ['Town centre', 'SK4', 'Brook estate from 01/11/2026 to 24/11/2026', 'Mill estate SK1', 'Station area last 30 days', 'M1'];

type Kind = 'baseline' | 'list' | 'location' | 'reference';
const KINDS: Kind[] = ['baseline', 'list', 'location', 'reference'];

export interface ListsResult extends LatencySummary {
  kind: Kind;
  users: number;
  /** Storage requests per turn, at 1 user: the largest and the mean, and what the largest turn made. */
  perTurn?: { max: number; mean: number; worst: RequestCounts };
  /** Every storage request of this level's turns. */
  requests: RequestCounts;
  /** CPU per turn, ms: this process (the bot's thread, the counting proxy's and the users' client's) and Azurite. */
  cpu: CpuSplit;
}

export interface ListsMeasurement {
  results: ListsResult[];
  loaded: { incidents: number; partitions: number; finderRows: number; writes: number; seconds: number; scale: number };
  /** Where the counting proxy and the users' client ran: threads of their own, or the bot's thread (BENCH_SAME_THREAD=1). */
  harness: 'own threads' | "the bot's thread";
  /**
   * Each figure's main storage read on its own, no bot turn: p50 one at a time (`one`) and with 10 readers in a
   * closed loop (`ten`). Azurite's floor: when `ten` is near a goal, the goal is out of reach on this emulator.
   */
  floor: Record<'list' | 'location' | 'reference', { one: number; ten: number }>;
  /** Turns that failed at the network, by error: counted as failed turns in their figure. */
  failures: Record<string, number>;
}

export async function measureLists(opts: { scale?: number; samplesPerUser?: (users: number) => number } = {}): Promise<ListsMeasurement> {
  const scale = opts.scale ?? 1;
  const azurite = await startAzurite();
  // BENCH_SAME_THREAD=1: the proxy and the users' client in the bot's thread, as before they had threads of their own
  // (to see what that costs the figures, on the same code in the same hour).
  const sameThread = process.env.BENCH_SAME_THREAD === '1';
  const proxy = sameThread ? await startStorageProxy(azurite.connectionString) : await startStorageProxyThread(azurite.connectionString);
  const connector = await startFakeConnector();
  const client = sameThread ? { post: postHere, close: async () => {} } : await startClientThread();
  try {
    const env = { CONCORDAT_MODE: 'local', TABLE_PREFIX: 'benchls', PORT: '0' };
    // The app's storage goes through the counting proxy; the loader writes straight to Azurite.
    const runtime = createRuntime(loadConfig({ ...env, STORAGE_CONNECTION: proxy.connectionString }), silentLogger, () => END);
    const loader = createRuntime(loadConfig({ ...env, STORAGE_CONNECTION: azurite.connectionString }), silentLogger, () => END).ctx;
    await loader.store.ensureTables();
    await applyDemoPartnershipIfEmpty(loader);
    process.stderr.write(`lists: loading the year-scale data set (scale ${scale}) and its finder rows...\n`);
    const read = new Set([
      finderKey.reportedBy(STOCKPORT_HOMES),
      ...PLACES.flatMap((p) => placeWords(p).map(finderKey.word)),
      // "Mill estate SK1": the word within the district.
      ...PLACES.flatMap((p) => {
        const parsed = parseSearch({ text: p }, END);
        const q = parsed.ok ? parsed.query : undefined;
        return q?.kind === 'place' && q.district ? q.words.map((w) => finderKey.wordInDistrict(w, q.district!)) : [];
      }),
    ]);
    const district = finderKey.district('');
    const loaded = await loadYearScale(loader, {
      end: END,
      stats: false,
      finder: true,
      finderPartitions: (key) => read.has(key) || key.startsWith(district),
      indexEvery: INDEX_EVERY,
      policeEvery: POLICE_EVERY,
      concurrency: 16,
      scale,
    });
    process.stderr.write(`lists: loaded ${loaded.incidents} incidents in ${(loaded.elapsedMs / 1000).toFixed(0)} s\n`);
    // As after deploying: the one-off pass over stored incidents (bot/search/backfill.ts) has run. Here it finds every
    // incident indexed already (the loader records their slots), marks the index, and place-and-district searches read
    // the word within the district.
    const pass = await indexPlacesWithinDistricts(loader, { budget: 0 });
    if (!pass.complete) throw new Error('the finder pass found incidents the loader did not index');
    const host = await startLocalHost(runtime, { host: '127.0.0.1', port: 0, timers: false, queues: false });

    // References that have an IncidentIndex row (every INDEX_EVERY-th of a borough and year): police and landlord reports alike.
    const sample = Array.from({ length: 40 }, (_, i) => `STO-2026-${String((i + 1) * INDEX_EVERY).padStart(6, '0')}`);
    const turn = (kind: Kind, userIndex: number, i: number) => {
      switch (kind) {
        case 'baseline':
          return execute(host.url, connector.serviceUrl, i % 2 ? TOM : PRIYA, userIndex, 'incidents.search', { q: '', from: '', to: '' }, undefined, client.post);
        case 'list':
          return execute(host.url, connector.serviceUrl, PRIYA, userIndex, 'incidents.list', { borough: 'all', category: 'all', days: '30' }, undefined, client.post);
        case 'location':
          return execute(host.url, connector.serviceUrl, i % 2 ? TOM : PRIYA, userIndex, 'incidents.search', { q: PLACES[i % PLACES.length], from: '', to: '' }, undefined, client.post);
        case 'reference':
          return execute(host.url, connector.serviceUrl, i % 2 ? TOM : PRIYA, userIndex, 'incidents.search', { q: sample[i % sample.length], from: '', to: '' }, undefined, client.post);
      }
    };
    /** The answer a person would accept: a page of incidents, who holds them, or a clear "none". */
    const answered = (kind: Kind, r: { status: number; card: unknown }) => {
      const text = textOf(r.card);
      if (r.status !== 200) return false;
      if (kind === 'baseline') return /Search incidents/.test(text);
      if (kind === 'list') return /[A-Z]{3}-2026-\d{6}/.test(text);
      // Every place searched for has incidents in the data set: "No incidents found" would mean a search that missed them.
      if (kind === 'location') return /you can open|Held by/.test(text);
      // Every reference searched for exists: "No incident … Check the reference" would be a miss.
      return !/Check the reference/.test(text) && /Incident [A-Z]{3}-\d{4}-\d{6}|STO-2026-\d{6}|Held by/.test(text);
    };
    const failures = new Map<string, number>();
    /** A turn that fails at the network counts as failed (its wait so far as its time), not as a crashed bench. */
    const timed = async (kind: Kind, u: number, i: number) => {
      const started = performance.now();
      try {
        const r = await turn(kind, u, i);
        return { ms: r.ms, ok: answered(kind, r) };
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        const why = `${(err as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
        failures.set(why, (failures.get(why) ?? 0) + 1);
        return { ms: performance.now() - started, ok: false };
      }
    };

    // Warm-up: connections and first-use code, and every query shape once (a process's first place-and-district
    // search reads the finder's mark once: bot/search/repository.ts finderMarked).
    for (const kind of KINDS) for (let i = 0; i < PLACES.length; i++) await turn(kind, i, i);

    // Azurite's floor: the main storage read of each figure on its own, one at a time and ten at a time.
    const floorOf = async (read: () => Promise<unknown>) => {
      const once = async () => {
        const started = performance.now();
        await read();
        return { ms: performance.now() - started, ok: true };
      };
      return { one: (await closedLoop(1, 15, once)).p50, ten: (await closedLoop(10, 5, once)).p50 };
    };
    const since = new Date(END.getTime() - 30 * 86_400_000);
    const floor = {
      list: await floorOf(() => finderPage(runtime.ctx, finderKey.reportedBy(STOCKPORT_HOMES), { since, size: 8 })),
      location: await floorOf(() => finderPage(runtime.ctx, finderKey.word('centre'), { size: SEARCH_PAGE_SIZE })),
      // What opening one costs storage on its own: the reference's index row, its row, and the page of history shown.
      reference: await floorOf(async () => {
        const opened = await openIncident(runtime.ctx, sample[0]!);
        return opened && readHistoryPage(runtime.ctx, opened);
      }),
    };

    const samplesPerUser = opts.samplesPerUser ?? ((u: number) => (u === 1 ? 40 : u === 10 ? 10 : 4));
    const results: ListsResult[] = [];
    let n = 0;
    for (const kind of KINDS) {
      for (const users of LEVELS) {
        proxy.reset();
        const perTurn: RequestCounts[] = [];
        const cpu = cpuMeter(azurite.pid);
        const profile = users === 10 && process.env.BENCH_PROFILE === kind ? await startProfile() : undefined;
        const measured = await closedLoop(users, samplesPerUser(users), async (u) => {
          const before = proxy.snapshot();
          const r = await timed(kind, u, n++);
          if (users === 1) perTurn.push(countsBetween(before, proxy.snapshot()));
          return r;
        });
        const split = cpu.perTurn(measured.samples);
        if (profile) process.stderr.write(`lists: CPU profile of ${kind} at 10 users written to ${await profile.stop(`lists-${kind}-10`)}\n`);
        const requests = proxy.snapshot();
        process.stderr.write(
          `lists: ${kind}, ${users} user(s): p50 ${measured.p50.toFixed(0)} ms, p99 ${measured.p99.toFixed(0)} ms, ${measured.errors} failed, ${requests.total} storage requests, ` +
            `CPU a turn: bot ${split.self.toFixed(1)} ms, Azurite ${split.azurite.toFixed(1)} ms\n`,
        );
        const worst = perTurn.reduce<RequestCounts | undefined>((w, c) => (!w || c.total > w.total ? c : w), undefined);
        results.push({
          kind,
          users,
          ...measured,
          requests,
          cpu: split,
          ...(worst ? { perTurn: { max: worst.total, mean: perTurn.reduce((s, c) => s + c.total, 0) / perTurn.length, worst } } : {}),
        });
      }
    }
    await host.close();
    return {
      results,
      loaded: { incidents: loaded.incidents, partitions: loaded.partitions, finderRows: loaded.finderRows, writes: loaded.writes, seconds: loaded.elapsedMs / 1000, scale },
      harness: sameThread ? "the bot's thread" : 'own threads',
      floor,
      failures: Object.fromEntries(failures),
    };
  } finally {
    await client.close();
    await connector.close();
    await proxy.close();
    await azurite.stop();
  }
}

const LABEL: Record<Kind, string> = {
  baseline: 'baseline: search card submitted empty',
  list: '`incidents` list, year scale',
  location: 'search by location, year scale',
  reference: 'search by reference, year scale',
};
/**
 * Storage requests a turn may make, whatever the size of the data: every turn identifies the caller (their member
 * row and the directory head, which holds the organisation: 2; the suspended row is read only when there is no active
 * one), and a person's first turn of a day records their Teams user id (one write: 3). The rest of the turn names
 * organisations from the directory version read for that, with no second read of the head. The list adds one finder
 * page; a location search one finder page; a reference the incident's index row and row (point reads), and when opened
 * the page of history shown (a point read per entry: 1 here, as every incident of the data set is at version 1; at
 * most 5 on a longer history), and, opened or refused, the audit chain's head and append; an incident with a
 * household reference adds the complaint index.
 */
const REQUEST_BOUND: Record<Kind, number> = { baseline: 3, list: 4, location: 4, reference: 8 };
/** Rows one query may return: the search page (SEARCH_PAGE_SIZE, 15, for the card budget); the list's page is 8. */
const ROWS_BOUND = SEARCH_PAGE_SIZE;

const breakdown = (c: RequestCounts) =>
  `${c.byKind.point} point, ${c.byKind.partition} one-partition, ${c.byKind.write} write${c.byKind.scan ? `, ${c.byKind.scan} TABLE SCAN` : ''}`;

export function rowsOf(m: ListsMeasurement): BenchRow[] {
  const base = new Map(m.results.filter((r) => r.kind === 'baseline').map((r) => [r.users, r]));
  const floorNote = (kind: Exclude<Kind, 'baseline'>, users: number) => {
    const f = m.floor[kind];
    const what = {
      list: 'bare finder page read',
      location: 'bare finder page read',
      reference: 'bare incident read (index row, its row, the page of history shown: point reads)',
    }[kind];
    return users === 1 ? `${what} alone: ${f.one.toFixed(1)} ms` : `the same read, 10 readers, no bot: p50 ${f.ten.toFixed(1)} ms`;
  };
  const scans = m.results.reduce((s, r) => s + r.requests.byKind.scan, 0);
  const unbounded = m.results.reduce((s, r) => s + r.requests.unbounded, 0);
  const maxTop = Math.max(...m.results.map((r) => r.requests.maxTop));
  const turns = m.results.reduce((s, r) => s + r.samples, 0);
  const l = m.loaded;
  return [
    {
      name: 'year-scale data set loaded (incidents)',
      value: l.incidents,
      unit: 'incidents',
      goal: '~207,000',
      ok: l.scale === 1 ? l.incidents > 200_000 : false,
      note:
        `scale ${l.scale}, ${l.partitions} borough-weeks, loaded in ${l.seconds.toFixed(0)} s (${l.writes} write requests): every incident; ` +
        `${l.finderRows} finder rows: the partitions read here and every district's, in full; police numbers 1 in ${POLICE_EVERY}; reference index 1 in ${INDEX_EVERY}; ` +
        `storage proxy and users' client on ${m.harness}`,
    },
    ...m.results.flatMap((r): BenchRow[] => {
      const tenUsers = r.users === 10 && r.kind !== 'baseline';
      const b = base.get(r.users);
      const ratio = r.kind !== 'baseline' && b ? `${(r.p50 / b.p50).toFixed(2)}x the baseline's p50 (${b.p50.toFixed(0)} ms)` : undefined;
      const cpu = `CPU a turn: bot ${r.cpu.self.toFixed(1)} ms, Azurite ${Number.isNaN(r.cpu.azurite) ? '?' : r.cpu.azurite.toFixed(1)} ms`;
      const rows = latencyRows(LABEL[r.kind], r.users, r, tenUsers ? { p50: 150, p99: 600 } : {}, {
        p50: ratio ? `${ratio}; ${cpu}` : cpu,
        ...(r.kind !== 'baseline' && r.users <= 10 ? { p99: floorNote(r.kind, r.users) } : {}),
      });
      if (r.perTurn) {
        rows.push({
          name: `${LABEL[r.kind]}: storage requests per turn (max)`,
          value: r.perTurn.max,
          unit: 'requests',
          goal: `<= ${REQUEST_BOUND[r.kind]}`,
          ok: r.perTurn.max <= REQUEST_BOUND[r.kind],
          note: `mean ${r.perTurn.mean.toFixed(1)}; the largest: ${breakdown(r.perTurn.worst)}`,
        });
      }
      return rows;
    }),
    {
      name: 'queries that scan a whole table, all turns at all levels',
      value: scans,
      unit: 'requests',
      goal: '0',
      ok: scans === 0,
      note: `${turns} turns${Object.keys(m.failures).length ? ` (failed at the network: ${Object.entries(m.failures).map(([k, v]) => `${v} × ${k}`).join('; ')})` : ''}; every other query named one partition${scans ? `; scanned: ${[...new Set(m.results.flatMap((r) => r.requests.scans))].join(', ')}` : ''}`,
    },
    {
      name: 'rows one query may return (largest $top), all turns',
      value: maxTop,
      unit: 'rows',
      goal: `<= ${ROWS_BOUND}`,
      ok: maxTop <= ROWS_BOUND,
      note: `${unbounded} one-partition queries without $top`,
    },
  ];
}

export async function run(): Promise<BenchRow[]> {
  return rowsOf(await measureLists({ scale: Number(process.env.BENCH_SCALE ?? '1') }));
}

if (require.main === module) {
  measureLists({ scale: Number(process.env.BENCH_SCALE ?? '1') }).then(
    (m) => {
      printLatencyTable(m.results.map(({ requests, perTurn, ...r }) => ({ ...r, requests: requests.total, perTurnMax: perTurn?.max ?? '', scans: requests.byKind.scan })));
      console.log(JSON.stringify({ loaded: m.loaded, harness: m.harness, floor: m.floor, failures: m.failures }));
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
