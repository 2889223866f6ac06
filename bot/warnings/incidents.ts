import type { AppContext } from '../kernel/context';
import type { BoroughId } from '../common/borough';
import type { HotspotIncident, HotspotRule } from './rules/hotspots';
import type { IncidentCategory } from '../common/taxonomy';
import { liveIncidentsHappened } from '../incidents/repository/weeks';

/**
 * Incidents of some categories in some boroughs that happened in (since,
 * until], as hotspot rules count them: the incidents slice reads each
 * borough's range of week partitions (a 14-day look-back is 3 partitions a
 * borough), live rows only (bot/incidents/repository/weeks.ts
 * liveIncidentsHappened). Asked per borough: Azurite scans the table once a
 * page and evaluates the whole filter per row, so ten simple range queries
 * beat one filter of ten ranges.
 */
export async function incidentsForDetection(
  ctx: AppContext,
  boroughs: BoroughId | readonly BoroughId[],
  since: Date,
  until: Date,
  categories: readonly IncidentCategory[],
): Promise<HotspotIncident[]> {
  const list = typeof boroughs === 'string' ? [boroughs] : [...boroughs];
  if (categories.length === 0 || list.length === 0) return [];
  const found = await Promise.all(list.map((b) => liveIncidentsHappened(ctx, b, since, until, categories)));
  return found.flat().map((r) => ({ reference: r.reference, borough: r.borough, category: r.category, area: r.area, postcodeDistrict: r.postcodeDistrict, occurredAt: r.occurredAt }));
}

/**
 * The incidents each borough's rules need, keyed `<borough>|<window days>`: per borough, one query per
 * window length, from `start(days)` to `end`. Not one query for all boroughs: a filter of ten key ranges
 * costs Azurite far more per row than ten simple ones.
 */
export async function incidentsByWindow(
  ctx: AppContext,
  rulesBy: ReadonlyMap<BoroughId, readonly HotspotRule[]>,
  start: (windowDays: number) => Date,
  end: Date,
): Promise<Map<string, HotspotIncident[]>> {
  const loaded = new Map<string, HotspotIncident[]>();
  await Promise.all(
    [...rulesBy].flatMap(([borough, rules]) =>
      [...new Set(rules.map((r) => r.windowDays))].map(async (days) => {
        const categories = rules.filter((r) => r.windowDays === days).flatMap((r) => r.categories);
        loaded.set(`${borough}|${days}`, await incidentsForDetection(ctx, borough, start(days), end, categories));
      }),
    ),
  );
  return loaded;
}
