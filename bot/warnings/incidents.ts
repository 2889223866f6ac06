import { odata } from '@azure/data-tables';
import type { AppContext } from '../context';
import type { BoroughId } from '../domain/borough';
import type { HotspotIncident } from '../domain/hotspots';
import type { IncidentCategory } from '../domain/taxonomy';
import { partitionRange } from '../incidents/repository';

/**
 * Incidents of some categories in one borough that happened in (since, until]:
 * one range query over the borough's week partitions (a 28-day look-back is
 * 5 partitions), filtered by the service on the copied kind and category
 * columns, so history rows and other categories never leave the store.
 */
export async function incidentsForDetection(
  ctx: AppContext,
  borough: BoroughId,
  since: Date,
  until: Date,
  categories: readonly IncidentCategory[],
): Promise<HotspotIncident[]> {
  if (categories.length === 0) return [];
  const { from, to } = partitionRange(borough, since, until, ctx.config.timeZone);
  const anyCategory = [...new Set(categories)].map((c) => odata`category eq ${c}`).join(' or ');
  const rows = await ctx.store.incidents.query(
    `${odata`PartitionKey ge ${from} and PartitionKey le ${to} and kind eq 'incident' and anonymised eq false`} and (${anyCategory})`,
  );
  const lo = since.getTime();
  const hi = until.getTime();
  const out: HotspotIncident[] = [];
  for (const { value: r } of rows) {
    if (r.kind !== 'incident') continue;
    const t = Date.parse(r.occurredAt);
    if (t <= lo || t > hi) continue;
    out.push({ reference: r.reference, borough: r.borough, category: r.category, area: r.area, postcodeDistrict: r.postcodeDistrict, occurredAt: r.occurredAt });
  }
  return out;
}
