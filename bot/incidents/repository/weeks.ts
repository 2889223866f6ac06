import { odata } from '@azure/data-tables';
import type { AppContext } from '../../kernel/context';
import type { BoroughId } from '../../common/borough';
import type { IncidentCategory } from '../../common/taxonomy';
import { isLive, type IncidentRecord } from '../model';
import { partitionRange, WEEK_MARK_KEY, weekPartition } from '../tables';

/**
 * Incidents by the weeks they happened in (Incidents is partitioned by borough and ISO week): what warnings and
 * digests count. Every incident query here skips rows that are not live (isLive: the old copy of a move under way, move.ts),
 * so an incident being moved is counted once, where it is going.
 */

/**
 * Live incidents of some categories in a borough that happened in (since,
 * until], not anonymised: one query over the borough's range of week
 * partitions, filtered by the service on the copied kind, anonymised and
 * category columns, so history rows and other categories never leave the
 * store. A row being moved away (a corrected borough or week) is not live:
 * it is counted where it is going, not twice.
 */
export async function liveIncidentsHappened(
  ctx: AppContext,
  borough: BoroughId,
  since: Date,
  until: Date,
  categories: readonly IncidentCategory[],
): Promise<IncidentRecord[]> {
  if (categories.length === 0) return [];
  const { from, to } = partitionRange(borough, since, until, ctx.config.timeZone);
  const anyCategory = [...new Set(categories)].map((c) => odata`category eq ${c}`).join(' or ');
  const rows = await ctx.store.incidents.query(`${odata`PartitionKey ge ${from} and PartitionKey le ${to}`} and kind eq 'incident' and anonymised eq false and (${anyCategory})`);
  const lo = since.getTime();
  const hi = until.getTime();
  return rows
    .map((r) => r.value)
    .filter((r): r is IncidentRecord => r.kind === 'incident' && isLive(r) && Date.parse(r.occurredAt) > lo && Date.parse(r.occurredAt) <= hi);
}

/** The nonce of a borough-week's change marker ('' when nothing was ever written there): cached figures tagged with it are current. */
export async function weekMarkOf(ctx: AppContext, borough: BoroughId, week: string): Promise<string> {
  const mark = await ctx.store.incidents.get({ partitionKey: weekPartition(borough, week), rowKey: WEEK_MARK_KEY });
  return mark?.value.kind === 'weekMark' ? mark.value.nonce : '';
}

/** The live incidents (not history, not the old copy of a move) of a borough's ISO week: one partition query. */
export async function liveIncidentsOfWeek(ctx: AppContext, borough: BoroughId, week: string): Promise<IncidentRecord[]> {
  const rows = await ctx.store.incidents.query(odata`PartitionKey eq ${weekPartition(borough, week)} and kind eq 'incident'`);
  return rows.map((r) => r.value).filter((v): v is IncidentRecord => v.kind === 'incident' && isLive(v));
}
