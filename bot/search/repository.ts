import { odata } from '@azure/data-tables';
import type { AppContext } from '../kernel/context';
import type { IncidentRecord } from '../incidents/model';
import type { FinderRow } from './model';
import { finderKey, finderRowsOf, timeRange, WORD_IN_DISTRICT } from './rules/keys';
import { safeKey } from '../store/entityTable';
import { ConcurrencyError } from '../store/errors';
import type { AccessRequest, FinderMark } from './model';
import { accessRequestKeys, finderMarkKeys } from './tables';

/** The only module that touches the search slice's tables, IncidentFinder and AccessRequests (docs/storage.md "Lists and search"). */

/**
 * An incident's finder rows as slots, "<partition> <row key>" (the row key too, since it holds the incident's
 * times): what the incidents slice records on the incident's IncidentIndex row before writing them, so that a
 * crash half way leaves rows the next reindex knows to delete (bot/incidents/repository.ts reindexIncident).
 */
export function finderSlotsOf(ctx: Pick<AppContext, 'store'>, record: IncidentRecord): string[] {
  return finderRowsOf(record).map((r) => slotOf(ctx.store.incidentFinder.keysOf(r)));
}

const slotOf = (k: { partitionKey: string; rowKey: string }) => `${k.partitionKey} ${k.rowKey}`;

/**
 * Whether an incident's recorded finder slots (its IncidentIndex row's) predate the place-word-within-district keys:
 * place words without them, or nothing recorded at all. Such an incident is re-indexed by the one-off pass
 * (bot/search/backfill.ts); every write since those keys existed records them.
 */
export function lacksWordInDistrict(slots: readonly string[] | undefined): boolean {
  if (!slots) return true;
  return slots.some((s) => s.startsWith(finderKey.word(''))) && !slots.some((s) => s.startsWith(WORD_IN_DISTRICT));
}

/** Stores whose marks are known, so a search checks one at most once per store and process once it is written. */
const marked = new WeakMap<object, Set<FinderMark['name']>>();

/** Whether a one-off pass over the finder has finished (its FinderMarks row): one point read until it has, none after. */
export async function finderMarked(ctx: Pick<AppContext, 'store'>, name: FinderMark['name']): Promise<boolean> {
  if (marked.get(ctx.store)?.has(name)) return true;
  if (!(await ctx.store.finderMarks.get(finderMarkKeys(name)))) return false;
  remember(ctx.store, name);
  return true;
}

/** Records that a pass has finished (once it has, it stays so: passes only ever add keys). */
export async function markFinder(ctx: Pick<AppContext, 'store'>, mark: FinderMark): Promise<void> {
  await ctx.store.finderMarks.upsert(mark);
  remember(ctx.store, mark.name);
}

function remember(store: object, name: FinderMark['name']): void {
  let names = marked.get(store);
  if (!names) marked.set(store, (names = new Set()));
  names.add(name);
}

/** Writes (upserts) an incident's finder rows as the record now reads. Idempotent. */
export async function writeFinderRows(ctx: Pick<AppContext, 'store'>, record: IncidentRecord): Promise<void> {
  await Promise.all(finderRowsOf(record).map((r) => ctx.store.incidentFinder.upsert(r)));
}

/** Deletes finder rows by slot (rows an incident no longer should have: an edited area, a cleared police reference). */
export async function deleteFinderSlots(ctx: Pick<AppContext, 'store'>, slots: readonly string[]): Promise<void> {
  await Promise.all(
    slots.map((k) => {
      const [partitionKey, rowKey] = k.split(' ') as [string, string];
      return ctx.store.incidentFinder.delete({ partitionKey, rowKey });
    }),
  );
}

export interface FinderPage {
  rows: FinderRow[];
  /** The storage continuation token, when more rows may follow. */
  next?: string;
}

/** Reads one finder page may take when responses come back short (one when they do not, as on Azurite). */
export const FINDER_PAGE_READS = 4;

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
  // A response may come back short, even empty, with more to follow (Azure stops a response after 5 s or at a
  // boundary): read on from the service's continuation until the page is full, at most FINDER_PAGE_READS requests.
  const { fillPage } = await import('../store/paging');
  const page = await fillPage((q) => ctx.store.incidentFinder.page(safeKey(key), filter, q), {
    size: opts.size,
    maxRequests: FINDER_PAGE_READS,
    ...(opts.continuation ? { continuation: opts.continuation } : {}),
  });
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
