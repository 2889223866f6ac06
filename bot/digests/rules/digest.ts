/**
 * The arithmetic of the weekly digest. Pure: the week's figures are passed
 * in (bot/digests/ reads them) and no clock is read.
 *
 * Everything here is a count or an aggregate. Nothing identifies a person:
 * no names, no free text of incidents, no addresses; places are a postcode
 * district and the area name reporters give (an estate, a street of shops).
 */
import { z } from 'zod';
import type { Member } from '../../common/member';
import { canReceiveDigests } from '../../common/permissions';
import type { AlertRecord } from '../../alerts/model';
import type { BoroughId } from '../../common/borough';
import type { JointActionSummary } from '../../operations/rules/summary';
import type { PrioritySet } from '../../priorities/model';
import { diffPriorities } from '../../priorities/rules/diff';
import { IncidentCategory } from '../../common/taxonomy';
import { lazySchema } from '../../common/lazySchema';

// ---------------------------------------------------------------------------
// One borough-week, aggregated (stored as the Incidents partition's ~stats row)
// ---------------------------------------------------------------------------

const Counts = lazySchema(() => z.record(IncidentCategory, z.number().int().min(0)));
export type CategoryCounts = Partial<Record<IncidentCategory, number>>;

export const Hotspot = lazySchema(() => z.object({
  district: z.string().max(8),
  /** The area as reporters typed it ('' once anonymised by retention). */
  area: z.string().max(80),
  counts: Counts,
}));
export type Hotspot = z.infer<typeof Hotspot>;

export const WeekStats = lazySchema(() => z.object({
  incidents: z.number().int().min(0),
  byCategory: Counts,
  /** High-risk incidents by category. */
  highByCategory: Counts,
  /** Areas with at least HOTSPOT_MIN incidents in the week, largest first, at most HOTSPOT_CAP. */
  hotspots: z.array(Hotspot).max(500),
}));
export type WeekStats = z.infer<typeof WeekStats>;

/** An area with one incident in a week is not a hotspot. */
export const HOTSPOT_MIN = 2;
/** Keeps the stats row far below the 64 KiB property limit; exact unless a borough-week has more repeat areas than this. */
export const HOTSPOT_CAP = 200;

export const EMPTY_WEEK: WeekStats = { incidents: 0, byCategory: {}, highByCategory: {}, hotspots: [] };

export interface CountableIncident {
  category: IncidentCategory;
  risk: 'standard' | 'medium' | 'high';
  postcodeDistrict: string;
  area: string;
}

const normaliseArea = (a: string) => a.replace(/\s+/g, ' ').trim();

/** Aggregates one borough-week of incidents. Order-independent: the same incidents give the same stats. */
export function weekStatsOf(incidents: Iterable<CountableIncident>): WeekStats {
  let total = 0;
  const byCategory: CategoryCounts = {};
  const highByCategory: CategoryCounts = {};
  const areas = new Map<string, { district: string; area: string; counts: CategoryCounts; total: number }>();
  for (const i of incidents) {
    total++;
    byCategory[i.category] = (byCategory[i.category] ?? 0) + 1;
    if (i.risk === 'high') highByCategory[i.category] = (highByCategory[i.category] ?? 0) + 1;
    const area = normaliseArea(i.area);
    const key = `${i.postcodeDistrict}|${area.toLowerCase()}`;
    let spot = areas.get(key);
    if (!spot) {
      spot = { district: i.postcodeDistrict, area, counts: {}, total: 0 };
      areas.set(key, spot);
    } else if (area < spot.area) {
      spot.area = area; // the same place typed in different case: the spelling that sorts first, whatever the order
    }
    spot.counts[i.category] = (spot.counts[i.category] ?? 0) + 1;
    spot.total++;
  }
  const hotspots = [...areas.values()]
    .filter((s) => s.total >= HOTSPOT_MIN)
    .sort((a, b) => b.total - a.total || a.district.localeCompare(b.district) || a.area.localeCompare(b.area))
    .slice(0, HOTSPOT_CAP)
    .map(({ district, area, counts }) => ({ district, area, counts: sortedCounts(counts) }));
  return { incidents: total, byCategory: sortedCounts(byCategory), highByCategory: sortedCounts(highByCategory), hotspots };
}

function sortedCounts(c: CategoryCounts): CategoryCounts {
  return Object.fromEntries(IncidentCategory.options.filter((k) => c[k]).map((k) => [k, c[k]!]));
}

function sumOf(c: CategoryCounts, categories: readonly IncidentCategory[]): number {
  let n = 0;
  for (const k of categories) n += c[k] ?? 0;
  return n;
}

// ---------------------------------------------------------------------------
// A theme's digest over its boroughs
// ---------------------------------------------------------------------------

/** How many weeks the digest looks at: the reported week and the four before it (for the 4-week average). */
export const TREND_WEEKS = 5;

export interface ThemeDigestInput {
  theme: { id: string; name: string };
  categories: readonly IncidentCategory[];
  boroughs: readonly BoroughId[];
  /** ISO week labels, oldest first; the last is the reported week. TREND_WEEKS of them. */
  weeks: readonly string[];
  /** Stats of a borough in weeks[index]. */
  stats: (borough: BoroughId, weekIndex: number) => WeekStats;
  /** The reported week's instants, [from, to). */
  period: { from: Date; to: Date };
  /** Alerts raised around the period (filtered here by theme, borough and time). */
  alerts: readonly AlertRecord[];
  operations: JointActionSummary;
  /** Every stored version of each borough's priorities (filtered here to those published in the period). */
  priorities: readonly PrioritySet[];
}

export interface Change {
  thisWeek: number;
  previous: number;
  /** Mean of the four weeks before the reported one, to one decimal place. */
  average4: number;
  /** thisWeek - previous. */
  change: number;
  /** Rounded percentage change on the previous week; absent when the previous week had none. */
  changePct?: number;
  /** Rounded percentage against the 4-week average; absent when the average is 0. */
  vsAveragePct?: number;
}

export interface ThemeDigestFigures {
  theme: { id: string; name: string };
  week: string;
  total: Change;
  byCategory: (Change & { category: IncidentCategory })[];
  byBorough: (Change & { borough: BoroughId })[];
  trend: { week: string; count: number }[];
  highRisk: { thisWeek: number; previous: number };
  hotspots: { borough: BoroughId; district: string; area: string; count: number }[];
  alerts: { raised: number; expected: number; acknowledged: number; sharePct?: number };
  operations: Pick<JointActionSummary, 'totals' | 'withOutcomes' | 'awaitingOutcomes'> & {
    completed: number;
    upcoming: JointActionSummary['upcoming'];
  };
  priorityChanges: { borough: BoroughId; version: number; added: string[]; removed: string[]; reworded: string[] }[];
}

export const HOTSPOTS_SHOWN = 3;

/** Half away from zero, as people round. */
function roundHalfUp(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

export function changeOf(series: readonly number[]): Change {
  // series: TREND_WEEKS values, oldest first.
  const thisWeek = series[series.length - 1] ?? 0;
  const previous = series[series.length - 2] ?? 0;
  const before = series.slice(-TREND_WEEKS, -1);
  const sum4 = before.reduce((a, b) => a + b, 0);
  const average4 = roundHalfUp((sum4 / 4) * 10) / 10;
  const change = thisWeek - previous;
  const out: Change = { thisWeek, previous, average4, change };
  if (previous > 0) out.changePct = roundHalfUp((100 * change) / previous);
  if (sum4 > 0) out.vsAveragePct = roundHalfUp((100 * (thisWeek - sum4 / 4)) / (sum4 / 4));
  return out;
}

export function themeDigestFigures(input: ThemeDigestInput): ThemeDigestFigures {
  const { categories, boroughs, weeks } = input;
  if (weeks.length !== TREND_WEEKS) throw new RangeError(`a digest looks at ${TREND_WEEKS} weeks`);
  const last = TREND_WEEKS - 1;
  const seriesOf = (count: (s: WeekStats) => number, only: readonly BoroughId[] = boroughs) =>
    weeks.map((_, w) => only.reduce((n, b) => n + count(input.stats(b, w)), 0));

  const total = changeOf(seriesOf((s) => sumOf(s.byCategory, categories)));
  const byCategory = categories
    .map((category) => ({ category, ...changeOf(seriesOf((s) => s.byCategory[category] ?? 0)) }))
    .filter((c) => c.thisWeek + c.previous + c.average4 > 0)
    .sort((a, b) => b.thisWeek - a.thisWeek || b.average4 - a.average4 || categories.indexOf(a.category) - categories.indexOf(b.category));
  const byBorough = boroughs.map((borough) => ({ borough, ...changeOf(seriesOf((s) => sumOf(s.byCategory, categories), [borough])) }));
  const trendSeries = seriesOf((s) => sumOf(s.byCategory, categories));
  const trend = weeks.map((week, i) => ({ week, count: trendSeries[i]! }));
  const high = seriesOf((s) => sumOf(s.highByCategory, categories));

  const hotspots = boroughs
    .flatMap((borough) =>
      input.stats(borough, last).hotspots.map((h) => ({ borough, district: h.district, area: h.area, count: sumOf(h.counts, categories) })),
    )
    .filter((h) => h.count >= HOTSPOT_MIN)
    .sort((a, b) => b.count - a.count || a.borough.localeCompare(b.borough) || a.district.localeCompare(b.district) || a.area.localeCompare(b.area))
    .slice(0, HOTSPOTS_SHOWN);

  const inPeriod = (iso: string) => Date.parse(iso) >= input.period.from.getTime() && Date.parse(iso) < input.period.to.getTime();
  const alerts = input.alerts.filter(
    (a) => a.alert.themeId === input.theme.id && inPeriod(a.alert.raisedAt) && a.alert.boroughs.some((b) => boroughs.includes(b)),
  );
  let expected = 0;
  let acknowledged = 0;
  for (const a of alerts) {
    const orgs = new Set(a.expectedOrganisations);
    expected += orgs.size;
    acknowledged += new Set(a.acknowledgements.map((k) => k.organisationId).filter((o) => orgs.has(o))).size;
  }
  const alertFigures: ThemeDigestFigures['alerts'] = { raised: alerts.length, expected, acknowledged };
  if (expected > 0) alertFigures.sharePct = roundHalfUp((100 * acknowledged) / expected);

  return {
    theme: input.theme,
    week: weeks[last]!,
    total,
    byCategory,
    byBorough,
    trend,
    highRisk: { thisWeek: high[last]!, previous: high[last - 1]! },
    hotspots,
    alerts: alertFigures,
    operations: {
      completed: input.operations.completed.length,
      totals: input.operations.totals,
      withOutcomes: input.operations.withOutcomes,
      awaitingOutcomes: input.operations.awaitingOutcomes,
      upcoming: input.operations.upcoming,
    },
    priorityChanges: priorityChangesIn(input.priorities, input.theme.id, boroughs, input.period),
  };
}

/** Versions published in the period, with what changed under this theme (titles only; details and notes are left out). */
export function priorityChangesIn(
  sets: readonly PrioritySet[],
  themeId: string,
  boroughs: readonly BoroughId[],
  period: { from: Date; to: Date },
): ThemeDigestFigures['priorityChanges'] {
  const out: ThemeDigestFigures['priorityChanges'] = [];
  for (const borough of boroughs) {
    const versions = sets.filter((s) => s.borough === borough).sort((a, b) => a.version - b.version);
    versions.forEach((set, i) => {
      const at = Date.parse(set.publishedAt);
      if (at < period.from.getTime() || at >= period.to.getTime()) return;
      const before = (versions[i - 1]?.priorities ?? []).filter((p) => p.themeId === themeId);
      const after = set.priorities.filter((p) => p.themeId === themeId);
      const d = diffPriorities(before, after);
      if (d.added.length + d.removed.length + d.reworded.length === 0) return;
      out.push({
        borough,
        version: set.version,
        added: d.added.map((p) => p.title),
        removed: d.removed.map((p) => p.title),
        reworded: d.reworded.map((r) => r.to.title),
      });
    });
  }
  return out;
}

/** Theme leads and admins receive digests; anyone else once an admin allows them. */
export function mayReceiveDigests(roles: Member['roles'], allowedByAdmin: boolean): boolean {
  return canReceiveDigests(roles, allowedByAdmin);
}
