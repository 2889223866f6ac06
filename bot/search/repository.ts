import { odata } from '@azure/data-tables';
import type { AppContext } from '../kernel/context';
import type { IncidentRecord } from '../incidents/model';
import type { FinderRow } from './model';
import { finderRowsOf, timeRange } from './rules/keys';
import { safeKey } from '../store/entityTable';
import { ConcurrencyError } from '../store/errors';
import type { AccessRequest } from './model';
import { accessRequestKeys } from './tables';

/** The only module that touches the search slice's tables, IncidentFinder and AccessRequests (docs/storage.md "Lists and search"). */

/**
 * Brings an incident's finder rows in line with the record: upserts the rows
 * it should have and deletes those it no longer should (an edited area, a
 * police reference cleared by retention). The keys are recorded on the
 * IncidentIndex row first (old and new together), so a crash half way leaves
 * rows the next reindex knows to delete. Idempotent: every write path calls
 * it after its own write, and again on retry.
 */
export async function reindexIncident(ctx: AppContext, record: IncidentRecord): Promise<void> {
  const table = ctx.store.incidentFinder;
  const rows = finderRowsOf(record);
  // "<partition> <row key>": the row key too, since it holds the incident's times.
  const slot = (k: { partitionKey: string; rowKey: string }) => `${k.partitionKey} ${k.rowKey}`;
  const wanted = rows.map((r) => slot(table.keysOf(r)));
  const indexKeys = { partitionKey: record.reference, rowKey: 'i' };
  const index = await ctx.store.incidentIndex.get(indexKeys);
  const before = index?.value.finderKeys ?? [];
  const added = wanted.filter((k) => !before.includes(k));
  if (index && added.length > 0) {
    await ctx.store.incidentIndex.mutate(indexKeys, (i) => i && { ...i, finderKeys: [...new Set([...(i.finderKeys ?? []), ...wanted])] });
  }
  await Promise.all(rows.map((r) => table.upsert(r)));
  const gone = before.filter((k) => !wanted.includes(k));
  await Promise.all(
    gone.map((k) => {
      const [partitionKey, rowKey] = k.split(' ') as [string, string];
      return table.delete({ partitionKey, rowKey });
    }),
  );
  if (index && gone.length > 0) {
    await ctx.store.incidentIndex.mutate(indexKeys, (i) => i && { ...i, finderKeys: wanted });
  }
}

export interface FinderPage {
  rows: FinderRow[];
  /** The storage continuation token, when more rows may follow. */
  next?: string;
}

/**
 * One page of one finder partition, newest first, optionally within a time
 * range and filtered on the copied columns: one storage request.
 */
export async function finderPage(
  ctx: AppContext,
  key: string,
  opts: { since?: Date; until?: Date; filters?: { borough?: string; category?: string; district?: string }; size: number; continuation?: string },
): Promise<FinderPage> {
  const range = timeRange(opts.since, opts.until);
  let filter = odata`PartitionKey eq ${safeKey(key)}`;
  if (range.from !== undefined) filter += ` and ${odata`RowKey ge ${range.from}`}`;
  if (range.to !== undefined) filter += ` and ${odata`RowKey lt ${range.to}`}`;
  if (opts.filters?.borough) filter += ` and ${odata`borough eq ${opts.filters.borough}`}`;
  if (opts.filters?.category) filter += ` and ${odata`category eq ${opts.filters.category}`}`;
  if (opts.filters?.district) filter += ` and ${odata`postcodeDistrict eq ${opts.filters.district}`}`;
  const page = await ctx.store.incidentFinder.page(safeKey(key), filter, { maxPageSize: opts.size, continuationToken: opts.continuation });
  return { rows: page.rows.map((r) => r.value), ...(page.next ? { next: page.next } : {}) };
}

/** Files a request once: the stored one if its id exists already (a resubmitted card). */
export async function fileAccessRequest(ctx: Pick<AppContext, 'store'>, request: AccessRequest): Promise<AccessRequest> {
  try {
    await ctx.store.accessRequests.create(request);
    return request;
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    return (await ctx.store.accessRequests.get(accessRequestKeys(request.ownerOrg, request.id)))?.value ?? request;
  }
}

export async function accessRequestAt(ctx: Pick<AppContext, 'store'>, ownerOrg: string, id: string): Promise<{ value: AccessRequest; etag: string } | undefined> {
  return ctx.store.accessRequests.get(accessRequestKeys(ownerOrg, id));
}

/**
 * Records a decision on a pending request, ETag-guarded so that of two approvers at once one decides; returns the
 * request as it now stands (the other approver's decision if they were first).
 */
export async function recordDecision(ctx: Pick<AppContext, 'store'>, found: { value: AccessRequest; etag: string }, decision: Pick<AccessRequest, 'status' | 'decidedAt' | 'decidedBy'>): Promise<AccessRequest> {
  try {
    return (await ctx.store.accessRequests.update({ ...found.value, ...decision }, found.etag)).value;
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    return (await accessRequestAt(ctx, found.value.ownerOrg, found.value.id))?.value ?? found.value;
  }
}

/** Retention: requests made before `cutoff` deleted; returns how many. */
export async function purgeAccessRequestsBefore(ctx: Pick<AppContext, 'store'>, cutoff: string): Promise<number> {
  const old = (await ctx.store.accessRequests.query("PartitionKey ne ''")).filter((row) => row.value.createdAt < cutoff);
  for (const row of old) await ctx.store.accessRequests.delete(row.keys);
  return old.length;
}
