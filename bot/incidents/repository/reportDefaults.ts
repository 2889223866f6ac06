import { odata } from '@azure/data-tables';
import type { AppContext } from '../../kernel/context';
import type { ReportDefaults } from '../model';
import { DEFAULTS_PARTITION, reportDefaultsKeys } from '../tables';

/** A reporter's remembered report choices (the ReportDefaults table): read, kept, and purged by retention. */

/** A reporter's last report choices, if any. */
export async function reportDefaultsOf(ctx: AppContext, aadObjectId: string): Promise<ReportDefaults | undefined> {
  return (await ctx.store.reportDefaults.get(reportDefaultsKeys(aadObjectId)))?.value;
}

/** Keeps a reporter's choices for their next report (one row per person, replaced). */
export async function saveReportDefaults(ctx: AppContext, defaults: ReportDefaults): Promise<void> {
  await ctx.store.reportDefaults.upsert(defaults);
}

/** Retention: remembered choices last updated before `cutoff` deleted (they go with the reports they came from); returns how many. */
export async function purgeReportDefaultsBefore(ctx: AppContext, cutoff: string): Promise<number> {
  const stale = await ctx.store.reportDefaults.query(odata`PartitionKey eq ${DEFAULTS_PARTITION} and updatedAt lt ${cutoff}`);
  for (const row of stale) await ctx.store.reportDefaults.delete(row.keys);
  return stale.length;
}
