/**
 * A year of incidents at the region's scale, generated deterministically
 * (seeded PRNG) and loaded into Table storage (Azurite) fast. Shared by the
 * digest benchmark (scripts/bench/digest.ts) and the early-warning one.
 *
 * What it generates (scale 1, 365 days):
 * - ~134,000 ASB incidents a year (the region's published figure: one every
 *   four minutes) split personal 15% / nuisance 70% / environmental 15%,
 *   plus the other categories in proportions typical of what partners
 *   record alongside ASB (YEARLY_COUNTS below): about 208,000 in all.
 * - Boroughs weighted by population (2021 census, BOROUGH_WEIGHTS).
 * - Days weighted by season: ASB and criminal damage peak in July and
 *   August, with a fireworks surge from 30 October to 6 November (peak on
 *   the 5th); Friday and Saturday are busier for ASB; other categories
 *   vary less. Domestic abuse rises at Christmas and New Year.
 * - Hours: ASB mostly in the evening (later in summer), burglary and
 *   vehicle crime at night, welfare and missing through the day.
 * - Places: realistic postcode districts per borough, three named areas
 *   each with Zipf-like weights, so hotspots emerge as they do in life.
 * - Risk: mostly standard; domestic abuse, weapons, exploitation and
 *   missing carry more high-risk reports.
 *
 * Stored exactly as the write path stores them: IncidentRecord rows in the
 * Incidents table, partition `<borough>-<ISO week>` (London calendar), row
 * key the reference (`STO-2026-000123`, numbered per borough and year in
 * time order). No history rows and no IncidentIndex rows (the digest and
 * early-warning reads never use them; `withIndex: true` adds the index).
 * Each borough-week also gets its digest WeekStats row (table WeekStats,
 * domain/digest.ts), computed from exactly what was loaded, unless
 * `stats: false` (then the first digest read of each borough-week computes it).
 * No personal data: summaries are generic, restricted fields are empty,
 * reporters are synthetic ids.
 *
 * Loading: transactions of 100 rows per partition (the entity group limit),
 * `concurrency` partitions in parallel.
 */
import type { AppContext } from '../../bot/kernel/context';
import { BOROUGHS, type BoroughId } from '../../bot/common/borough';
import { weekStatsOf } from '../../bot/digests/rules/digest';
import { mondayOf, weekLabel } from '../../bot/digests/rules/digestSchedule';
import { IncidentCategory } from '../../bot/common/taxonomy';
import { fromWallClock, toWallClock } from '../../bot/common/timezone';
import type { IncidentRecord } from '../../bot/incidents/model';
import { splitIncidentPartition } from '../../bot/incidents/tables';
import { checkPartnershipFile } from '../../bot/directory/rules/validate';
import { DEMO_PARTNERSHIP } from '../demoPartnership';
import { finderKey, finderRowsOf } from '../../bot/search/rules/keys';
import { finderSlotsOf } from '../../bot/search/repository';

export interface YearScaleOptions {
  /** The data set covers the `days` days up to this instant (default: the end of 2026, London). */
  end?: Date;
  days?: number;
  seed?: number;
  /** 1 = the region's volume; 0.01 for a quick smoke. */
  scale?: number;
  /** Partitions written in parallel. */
  concurrency?: number;
  /** Write each partition's digest ~stats row (default true). */
  stats?: boolean;
  /** Also write IncidentIndex rows (reference → partition), one request each: slow at full scale. */
  withIndex?: boolean;
  /** IncidentIndex rows for every n-th incident only (a sample for reference look-ups); ignored with `withIndex`. */
  indexEvery?: number;
  /** Also write the IncidentFinder rows of lists and search (bot/search/), in transactions per partition. */
  finder?: boolean;
  /**
   * With `finder`: the police-log-number rows of every n-th incident only. Each police number is its own
   * partition (one request each, ~128,000 at scale 1: most of the load time); the organisation, district
   * and place partitions are always written in full.
   */
  policeEvery?: number;
  /**
   * With `finder`: which finder partitions other than police numbers (by key, e.g. `org|gmp`, `w|canal`) to
   * write, each in full; default all. Police-number rows follow `policeEvery`. Azurite finds the row a write replaces by walking the partition, so a very large partition nothing
   * reads (GMP's own list: ~128,000 rows) costs minutes to load and tells a bench nothing.
   */
  finderPartitions?: (key: string) => boolean;
  /** Only generate, do not write (for tests of the generator). */
  dryRun?: boolean;
}

export interface YearScaleResult {
  incidents: number;
  partitions: number;
  /** Storage write requests made (transactions, stats and index rows). */
  writes: number;
  /** IncidentFinder rows written (with `finder`). */
  finderRows: number;
  byBorough: Record<BoroughId, number>;
  byCategory: Record<IncidentCategory, number>;
  /** Incidents per ISO week label, all boroughs. */
  byWeek: Record<string, number>;
  from: string;
  to: string;
  elapsedMs: number;
}

/** Yearly counts at scale 1. */
export const YEARLY_COUNTS: Record<IncidentCategory, number> = {
  'asb-personal': 20_100,
  'asb-nuisance': 93_700,
  'asb-environmental': 20_100,
  'domestic-abuse': 18_000,
  'criminal-damage': 14_000,
  burglary: 9_000,
  'vehicle-crime': 9_000,
  drugs: 6_000,
  welfare: 5_000,
  other: 4_000,
  missing: 3_000,
  'hate-crime': 2_500,
  weapons: 2_000,
  exploitation: 1_000,
};

/** Population in thousands (2021 census). */
export const BOROUGH_WEIGHTS: Record<BoroughId, number> = {
  bolton: 296, bury: 193, manchester: 552, oldham: 242, rochdale: 223, salford: 270, stockport: 295, tameside: 231, trafford: 235, wigan: 330,
};

const DISTRICTS: Record<BoroughId, string[]> = {
  bolton: ['BL1', 'BL2', 'BL3', 'BL4', 'BL5', 'BL6', 'BL7'],
  bury: ['BL8', 'BL9', 'BL0', 'M26', 'M45'],
  manchester: ['M1', 'M4', 'M8', 'M9', 'M11', 'M12', 'M13', 'M14', 'M15', 'M16', 'M18', 'M19', 'M20', 'M21', 'M22', 'M23', 'M40'],
  oldham: ['OL1', 'OL2', 'OL3', 'OL4', 'OL8', 'OL9'],
  rochdale: ['OL10', 'OL11', 'OL12', 'OL16', 'M24'],
  salford: ['M3', 'M5', 'M6', 'M7', 'M27', 'M28', 'M30', 'M38'],
  stockport: ['SK1', 'SK2', 'SK3', 'SK4', 'SK5', 'SK6', 'SK7', 'SK8'],
  tameside: ['OL5', 'OL6', 'OL7', 'SK14', 'SK15', 'SK16', 'M34', 'M43'],
  trafford: ['M16', 'M32', 'M33', 'M41', 'WA14', 'WA15'],
  wigan: ['WN1', 'WN2', 'WN3', 'WN4', 'WN5', 'WN6', 'WN7', 'M29'],
};
const AREA_NAMES = ['Town centre', 'North estate', 'Park estate', 'Station area', 'Canal side', 'High Street shops', 'Brook estate', 'Moor estate', 'Church area', 'Mill estate'];

/** mulberry32: small, fast, good enough for test data, and the same everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function picker<T>(items: readonly T[], weights: readonly number[]): (r: number) => T {
  const cum: number[] = [];
  let total = 0;
  for (const w of weights) cum.push((total += w));
  return (r) => {
    const x = r * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return items[lo]!;
  };
}

const isAsb = (c: IncidentCategory) => c.startsWith('asb-');

/** How busy a day is for a category: season, fireworks, weekend, festive season. */
function dayWeight(c: IncidentCategory, date: string): number {
  const [, m, d] = date.split('-').map(Number) as [number, number, number];
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay(); // 0 Sunday
  const doy = (m - 1) * 30.5 + d;
  const summer = Math.cos(((doy - 200) / 365) * 2 * Math.PI); // +1 mid-July, −1 mid-January
  let w = 1;
  if (isAsb(c) || c === 'criminal-damage') {
    w *= 1 + 0.3 * summer;
    if ((m === 10 && d >= 30) || (m === 11 && d <= 6)) w *= m === 11 && d === 5 ? 3.2 : 1.7; // fireworks
    if (weekday === 5 || weekday === 6) w *= 1.25;
  } else if (c === 'domestic-abuse') {
    if ((m === 12 && d >= 24) || (m === 1 && d <= 2)) w *= 1.4;
    if (weekday === 0 || weekday === 6) w *= 1.15;
  } else {
    w *= 1 + 0.08 * summer;
  }
  return w;
}

/** Hour-of-day weights by category (summer shifts ASB later). */
function hourWeights(c: IncidentCategory, summer: boolean): number[] {
  return Array.from({ length: 24 }, (_, h) => {
    if (isAsb(c) || c === 'criminal-damage') {
      const peak = summer ? 21 : 19;
      return 0.15 + Math.exp(-(((h - peak + 24) % 24 > 12 ? (h - peak + 24) % 24 - 24 : (h - peak + 24) % 24) ** 2) / 12);
    }
    if (c === 'burglary' || c === 'vehicle-crime') return h >= 22 || h <= 5 ? 1 : 0.35;
    if (c === 'welfare' || c === 'missing') return h >= 8 && h <= 20 ? 1 : 0.3;
    return h >= 7 ? 1 : 0.4;
  });
}

function riskOf(c: IncidentCategory, r: number): IncidentRecord['risk'] {
  const high = ['domestic-abuse', 'weapons', 'exploitation', 'missing'].includes(c) ? 0.2 : 0.04;
  return r < high ? 'high' : r < high + 0.22 ? 'medium' : 'standard';
}

/** The data set, generated in memory: partition key → incidents, in time order within each borough. */
export function generateYearScale(opts: YearScaleOptions = {}): { partitions: Map<string, IncidentRecord[]>; result: Omit<YearScaleResult, 'writes' | 'finderRows' | 'elapsedMs'> } {
  const end = opts.end ?? new Date('2027-01-01T00:00:00Z');
  const days = opts.days ?? 365;
  const scale = opts.scale ?? 1;
  const rand = prng(opts.seed ?? 20261105);
  const lastDate = toWallClock(new Date(end.getTime() - 1), 'Europe/London').date;
  const dates = Array.from({ length: days }, (_, i) => {
    const d = new Date(`${lastDate}T12:00:00Z`);
    d.setUTCDate(d.getUTCDate() - (days - 1 - i));
    return d.toISOString().slice(0, 10);
  });
  const boroughPick = picker(BOROUGHS.map((b) => b.id), BOROUGHS.map((b) => BOROUGH_WEIGHTS[b.id]));
  const areaWeights = [6, 2.5, 1]; // a few places take most of a district's incidents
  const places = new Map<BoroughId, (r: number) => { district: string; area: string }>();
  for (const b of BOROUGHS) {
    const list = DISTRICTS[b.id].flatMap((district, i) => [0, 1, 2].map((k) => ({ district, area: AREA_NAMES[(i * 3 + k * 7 + b.id.length) % AREA_NAMES.length]!, w: areaWeights[k]! * (1 + ((i * 37) % 5) / 4) })));
    places.set(b.id, picker(list.map(({ district, area }) => ({ district, area })), list.map((p) => p.w)));
  }
  const weekOfDate = new Map(dates.map((d) => [d, weekLabel(mondayOf(d))]));
  // Local hour → UTC, worked out once per date and hour (Intl is slow per incident); an hour skipped in spring is moved on.
  const hours = new Map<string, number>();
  const hourStart = (date: string, hour: number): number => {
    const key = `${date}|${hour}`;
    let t = hours.get(key);
    if (t === undefined) {
      const r = fromWallClock(date, `${String(hour).padStart(2, '0')}:00`, 'Europe/London');
      t = r.ok ? r.instant.getTime() : Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
      hours.set(key, t);
    }
    return t;
  };
  const drafts: { borough: BoroughId; category: IncidentCategory; occurredAt: string; date: string; risk: IncidentRecord['risk']; district: string; area: string; delayMin: number }[] = [];
  for (const category of IncidentCategory.options) {
    const n = Math.round(YEARLY_COUNTS[category] * scale * (days / 365));
    const dayPick = picker(dates, dates.map((d) => dayWeight(category, d)));
    const hourPick = [picker([...Array(24).keys()], hourWeights(category, false)), picker([...Array(24).keys()], hourWeights(category, true))];
    for (let i = 0; i < n; i++) {
      const date = dayPick(rand());
      const month = Number(date.slice(5, 7));
      const hour = hourPick[month >= 5 && month <= 9 ? 1 : 0]!(rand());
      const minute = Math.floor(rand() * 60);
      const instant = new Date(hourStart(date, hour) + minute * 60_000);
      if (instant.getTime() >= end.getTime()) continue;
      const borough = boroughPick(rand());
      const place = places.get(borough)!(rand());
      drafts.push({ borough, category, occurredAt: instant.toISOString().replace(/\.\d{3}Z$/, 'Z'), date, risk: riskOf(category, rand()), ...place, delayMin: Math.floor(rand() * 48 * 60) });
    }
  }
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0); // code-unit order: fast and locale-free
  drafts.sort((a, b) => cmp(a.occurredAt, b.occurredAt) || cmp(a.borough, b.borough) || cmp(a.category, b.category));

  const partitions = new Map<string, IncidentRecord[]>();
  const sequence = new Map<string, number>();
  const byBorough = Object.fromEntries(BOROUGHS.map((b) => [b.id, 0])) as Record<BoroughId, number>;
  const byCategory = Object.fromEntries(IncidentCategory.options.map((c) => [c, 0])) as Record<IncidentCategory, number>;
  const byWeek: Record<string, number> = {};
  let n = 0;
  // Who reported it, from the incident's number (no draw from the PRNG, so every other figure stays as it was): half the
  // police, a third the borough's landlords, the rest its council where there is one; shared as partners do.
  const demo = checkPartnershipFile(DEMO_PARTNERSHIP);
  if (!demo.ok) throw new Error(demo.errors.join('\n'));
  const DEMO_ORGANISATIONS = demo.value.organisations;
  const landlords = new Map(BOROUGHS.map((b) => [b.id, DEMO_ORGANISATIONS.filter((o) => o.kind === 'landlord' && o.boroughs.includes(b.id)).map((o) => o.id)]));
  const councils = new Map(BOROUGHS.map((b) => [b.id, DEMO_ORGANISATIONS.find((o) => o.kind === 'council' && o.boroughs.includes(b.id))?.id]));
  const reporterOf = (i: number, borough: BoroughId, local: string) => {
    const h = Math.imul(i, 2654435761) >>> 0;
    const pick = h % 100;
    const landlord = landlords.get(borough)![h % landlords.get(borough)!.length]!;
    const council = councils.get(borough);
    if (pick < 50 || (pick >= 85 && !council)) {
      return { org: 'gmp', sharedWith: pick % 3 === 0 ? [landlord] : [], policeReference: `${1 + (i % 999)} of ${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(2, 4)}` };
    }
    if (pick < 85) return { org: landlord, sharedWith: pick % 4 === 0 && council ? ['gmp', council] : ['gmp'] };
    return { org: council!, sharedWith: ['gmp', landlord] };
  };
  for (const d of drafts) {
    const code = BOROUGHS.find((b) => b.id === d.borough)!.code;
    const year = Number(d.date.slice(0, 4));
    const key = `${code}-${year}`;
    const seq = (sequence.get(key) ?? 0) + 1;
    sequence.set(key, seq);
    const reportedAt = new Date(Math.min(Date.parse(d.occurredAt) + d.delayMin * 60_000, Math.max(Date.parse(d.occurredAt), end.getTime()))).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const week = weekOfDate.get(d.date)!;
    const who = reporterOf(n + 1, d.borough, d.date); // d.date: the London calendar day
    const record: IncidentRecord = {
      kind: 'incident',
      reference: `${key}-${String(seq).padStart(6, '0')}`,
      borough: d.borough,
      category: d.category,
      ...(d.category === 'hate-crime' ? { hateCrimeStrand: 'race' as const } : {}),
      area: d.area,
      postcodeDistrict: d.district,
      occurredAt: d.occurredAt,
      reportedAt,
      summary: 'Synthetic incident generated for load testing.',
      people: { victims: 0, suspects: 0, witnesses: 0, vulnerablePerson: false, childrenPresent: false },
      ...(who.policeReference ? { policeReference: who.policeReference } : {}),
      risk: d.risk,
      actions: ['reported-to-police'],
      sharedWith: who.sharedWith,
      marking: 'OFFICIAL-SENSITIVE',
      reporter: { aadObjectId: '00000000-0000-4000-8000-00000000aaaa', organisationId: who.org, displayName: 'Load test' },
      restricted: {},
      submissionId: `ys${String(++n).padStart(10, '0')}`,
      version: 1,
      updatedAt: reportedAt,
    };
    const pk = `${d.borough}-${week}`;
    let list = partitions.get(pk);
    if (!list) partitions.set(pk, (list = []));
    list.push(record);
    byBorough[d.borough]++;
    byCategory[d.category]++;
    byWeek[week] = (byWeek[week] ?? 0) + 1;
  }
  return { partitions, result: { incidents: drafts.length, partitions: partitions.size, byBorough, byCategory, byWeek, from: dates[0]!, to: dates[dates.length - 1]! } };
}

const BATCH = 100;

/** Generates the data set and writes it: transactions of 100 per partition, `concurrency` partitions at a time. */
export async function loadYearScale(ctx: AppContext, opts: YearScaleOptions = {}): Promise<YearScaleResult> {
  const started = Date.now();
  const { partitions, result } = generateYearScale(opts);
  let writes = 0;
  let finderRows = 0;
  if (!opts.dryRun) {
    const queue = [...partitions.entries()];
    const computedAt = ctx.clock().toISOString();
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [partitionKey, rows] = next;
        const ops: Parameters<typeof ctx.store.incidents.transact>[0] = rows.map((value) => ({ op: 'create', value }));
        for (let i = 0; i < ops.length; i += BATCH) {
          await ctx.store.incidents.transact(ops.slice(i, i + BATCH));
          writes++;
        }
        if (opts.stats ?? true) {
          // No ~mark row: figures tagged '' are current until the first write through the app moves the marker.
          const { borough, week } = splitIncidentPartition(partitionKey);
          await ctx.store.weekStats.upsert({ week, borough: borough as BoroughId, mark: '', computedAt, stats: weekStatsOf(rows) });
          writes++;
        }
        if (opts.withIndex || opts.indexEvery) {
          for (const r of rows) {
            if (!opts.withIndex && Number(r.reference.slice(-6)) % opts.indexEvery! !== 0) continue;
            // With the finder, its slots recorded as the app records them (reindexIncident), so passes over the index
            // (bot/search/backfill.ts) see incidents indexed by this version.
            await ctx.store.incidentIndex.upsert({ reference: r.reference, partitionKey, ...(opts.finder ? { finderKeys: finderSlotsOf(ctx, r) } : {}) });
            writes++;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency ?? 16 }, worker));
    if (opts.finder) {
      const finder = await loadFinder(ctx, partitions, opts.concurrency ?? 16, opts.policeEvery ?? 1, opts.finderPartitions ?? (() => true));
      writes += finder.writes;
      finderRows = finder.rows;
    }
  }
  return { ...result, writes, finderRows, elapsedMs: Date.now() - started };
}

/** The finder rows of every incident, grouped by partition and written 100 to a transaction. */
async function loadFinder(ctx: AppContext, partitions: Map<string, IncidentRecord[]>, concurrency: number, policeEvery: number, wanted: (key: string) => boolean): Promise<{ writes: number; rows: number }> {
  const table = ctx.store.incidentFinder;
  const groups = new Map<string, ReturnType<typeof finderRowsOf>>();
  for (const rows of partitions.values()) {
    for (const r of rows) {
      const police = Number(r.reference.slice(-6)) % policeEvery === 0;
      for (const f of finderRowsOf(r)) {
        if (f.key.startsWith(finderKey.police('')) ? !police : !wanted(f.key)) continue;
        const pk = table.keysOf(f).partitionKey;
        let g = groups.get(pk);
        if (!g) groups.set(pk, (g = []));
        g.push(f);
      }
    }
  }
  const batches: { pk: string; rows: ReturnType<typeof finderRowsOf> }[] = [];
  for (const [pk, rows] of groups) for (let i = 0; i < rows.length; i += BATCH) batches.push({ pk, rows: rows.slice(i, i + BATCH) });
  let writes = 0;
  let rows = 0;
  const worker = async () => {
    for (let b = batches.shift(); b; b = batches.shift()) {
      await table.of(b.pk).transact(b.rows.map((value) => ({ op: 'upsert' as const, value })));
      writes++;
      rows += b.rows.length;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { writes, rows };
}
