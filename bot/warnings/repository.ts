import { odata } from '@azure/data-tables';
import type { AppContext } from '../kernel/context';
import { ConcurrencyError } from '../store/errors';
import type { ComplaintIndexEntry, HotspotWarning } from './model';
import { complaintRowKey } from './tables';

/** The only module that touches the Warnings and ComplaintIndex tables (bot/warnings/tables.ts). */
type Ctx = Pick<AppContext, 'store'>;

/** A borough's warnings whose window started on or after `sinceDate` (YYYY-MM-DD): one range read. */
export async function warningsSince(ctx: Ctx, borough: string, sinceDate: string) {
  return ctx.store.warnings.query(odata`PartitionKey eq ${borough} and RowKey ge ${sinceDate}`);
}

/** Raises a warning once: undefined if it exists already (another run raised it); else the new row's ETag. */
export async function createWarning(ctx: Ctx, warning: HotspotWarning): Promise<string | undefined> {
  try {
    return (await ctx.store.warnings.create(warning)).etag;
  } catch (err) {
    if (err instanceof ConcurrencyError) return undefined;
    throw err;
  }
}

/** Marks a warning posted to `channels` channels, if it still has `etag` (else another run finished it). */
export async function markWarningPosted(ctx: Ctx, warning: HotspotWarning, channels: number, etag: string): Promise<void> {
  try {
    await ctx.store.warnings.update({ ...warning, status: 'posted', channels }, etag);
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
  }
}

/** A warning by its row (the cards' buttons carry borough and row key). */
export async function warningAt(ctx: Ctx, borough: string, rowKey: string): Promise<HotspotWarning | undefined> {
  return (await ctx.store.warnings.get({ partitionKey: borough, rowKey }))?.value;
}

/** A household's complaints that happened from `from` up to and including `until`, oldest first: one range read. */
export async function complaintsOf(ctx: Ctx, hash: string, from: string, until: string): Promise<ComplaintIndexEntry[]> {
  return (await ctx.store.complaintIndex.listPartition(hash, { from, to: `${complaintRowKey(until, '')}~` })).map((r) => r.value);
}

/** Indexes a complaint once (a retry finds it); re-points it when the incident has since moved partition (a corrected borough or week). */
export async function indexComplaint(ctx: Ctx, entry: ComplaintIndexEntry): Promise<void> {
  await ctx.store.complaintIndex.mutate({ partitionKey: entry.hash, rowKey: complaintRowKey(entry.occurredAt, entry.reference) }, (current) =>
    current?.partitionKey === entry.partitionKey ? undefined : entry,
  );
}

/** A complaint's index row under an old time of happening removed (its incident's date was corrected). */
export async function forgetComplaint(ctx: Ctx, hash: string, occurredAt: string, reference: string): Promise<void> {
  await ctx.store.complaintIndex.delete({ partitionKey: hash, rowKey: complaintRowKey(occurredAt, reference) });
}

/** Retention: warnings raised before `cutoff` deleted; returns how many. */
export async function purgeWarningsRaisedBefore(ctx: Ctx, cutoff: string): Promise<number> {
  return ctx.store.warnings.deleteWhere(odata`raisedAt lt ${cutoff}`);
}

/** Retention: complaint index rows of incidents that happened before `cutoff` deleted; returns how many. */
export async function purgeComplaintsBefore(ctx: Ctx, cutoff: string): Promise<number> {
  return ctx.store.complaintIndex.deleteWhere(odata`RowKey lt ${cutoff}`);
}
