import { odata } from '@azure/data-tables';
import type { AppContext } from '../kernel/context';
import type { BoroughId } from '../shared/borough';
import type { HotspotIncident, HotspotRule } from './rules/hotspots';
import type { IncidentCategory } from '../shared/taxonomy';
import { partitionRange } from '../incidents/tables';
import { isLive } from '../incidents/model';

/**
 * Incidents of some categories in some boroughs that happened in (since,
 * until]: one query over each borough's range of week partitions (a 14-day
 * look-back is 3 partitions a borough), filtered by the service on the
 * copied kind, anonymised and category columns, so history rows and other
 * categories never leave the store. Callers ask per borough: Azurite scans
 * the table once a page and evaluates the whole filter per row, so ten
 * simple range queries beat one filter of ten ranges.
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
  const ranges = list
    .map((b) => partitionRange(b, since, until, ctx.config.timeZone))
    .map(({ from, to }) => `(${odata`PartitionKey ge ${from} and PartitionKey le ${to}`})`)
    .join(' or ');
  const anyCategory = [...new Set(categories)].map((c) => odata`category eq ${c}`).join(' or ');
  const rows = await ctx.store.incidents.query(`(${ranges}) and kind eq 'incident' and anonymised eq false and (${anyCategory})`);
  const lo = since.getTime();
  const hi = until.getTime();
  const out: HotspotIncident[] = [];
  for (const { value: r } of rows) {
    // A row being moved away (a corrected borough or week) is counted where it is going, not twice.
    if (r.kind !== 'incident' || !isLive(r)) continue;
    const t = Date.parse(r.occurredAt);
    if (t <= lo || t > hi) continue;
    out.push({ reference: r.reference, borough: r.borough, category: r.category, area: r.area, postcodeDistrict: r.postcodeDistrict, occurredAt: r.occurredAt });
  }
  return out;
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
