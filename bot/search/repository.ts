import { odata } from '@azure/data-tables';
import type { AppContext } from '../kernel/context';
import type { IncidentRecord } from '../incidents/model';
import type { FinderRow } from './model';
import { finderKey, finderRowsOf, timeRange, WORD_IN_DISTRICT } from './rules/keys';
import { safeKey } from '../store/entityTable';
import { ConcurrencyError } from '../store/errors';
import type { AccessRequest, FinderMark } from './model';
import { accessAsksKeys, accessRequestKeys, finderMarkKeys } from './tables';
import { admitAsk, ASK_WINDOW_MS, settleAsk, type AskAdmission, type AskEntry } from './rules/accessLimits';

/** The only module that touches the search slice's tables, IncidentFinder and AccessRequests (docs/storage.md "Lists and search"). */

/**
 * An incident's finder rows as slots, "<partition> <row key>" (the row key too, since it holds the incident's
 * times): what the incidents slice records on the incident's IncidentIndex row before writing them, so that a
 * crash half way leaves rows the next reindex knows to delete (bot/incidents/repository/reindex.ts reindexIncident).
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

/**
 * Files a request again under the id of a withdrawn one (its requester, restored since, asks for the same incidents):
 * ETag-guarded, so two taps file it once. The request as it now stands.
 */
export async function refileAccessRequest(ctx: Pick<AppContext, 'store'>, withdrawn: { value: AccessRequest; etag: string }, request: AccessRequest): Promise<AccessRequest> {
  try {
    return (await ctx.store.accessRequests.update({ ...request, refiled: (withdrawn.value.refiled ?? 0) + 1 }, withdrawn.etag)).value;
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    return (await accessRequestAt(ctx, request.ownerOrg, request.id))?.value ?? request;
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

/**
 * Counts one more request of `requester` against the limits (bot/search/rules/accessLimits.ts) and, if admitted,
 * records it before the request is filed: one point read and one ETag-guarded write of the requester's AccessAsks
 * row. Two requests at once both read the row; the second write fails on the ETag and is checked again against the
 * first, so two taps can never both take the last place. A request already counted (a double tap) writes nothing.
 */
export async function admitAccessAsk(ctx: Pick<AppContext, 'store' | 'clock'>, requester: string, ask: { id: string; owner: string }): Promise<AskAdmission> {
  const now = ctx.clock();
  const keys = accessAsksKeys(requester);
  for (let attempt = 1; ; attempt++) {
    const current = await ctx.store.accessAsks.get(keys);
    let entries = current?.value.asks ?? [];
    let admission = admitAsk(entries, ask, now);
    if (!admission.ok && admission.limit !== 'perDay') {
      // At a limit on waiting requests: confirm each is still waiting (at most 25 point reads, only at the limit).
      // One decided without this row being told (a crash between the two writes) or deleted by retention is settled.
      const settled = await notWaiting(ctx, admission.waiting, now);
      if (settled.length === 0) return admission;
      entries = settleAsk(entries, settled) ?? entries;
      admission = admitAsk(entries, ask, now);
      if (!admission.ok) {
        await writeAsks(ctx, requester, entries, now, current?.etag).catch((err) => {
          if (!(err instanceof ConcurrencyError)) throw err;
        });
        return admission;
      }
    }
    if (!admission.ok || admission.repeat) return admission;
    try {
      await writeAsks(ctx, requester, admission.entries, now, current?.etag);
      return admission;
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || attempt >= 8) throw err;
    }
  }
}

async function writeAsks(ctx: Pick<AppContext, 'store'>, requester: string, asks: AskEntry[], now: Date, etag: string | undefined): Promise<void> {
  const row = { requester, asks, updatedAt: now.toISOString() };
  if (etag === undefined) await ctx.store.accessAsks.create(row);
  else await ctx.store.accessAsks.update(row, etag);
}

/**
 * Of entries counted as waiting, the ids whose request is decided, or gone. A request not yet filed is still
 * waiting: its entry is written just before the request (a concurrent tap must not free its place), so a missing
 * request counts as gone only once its entry is a day old (a crash between the two writes, or retention).
 */
async function notWaiting(ctx: Pick<AppContext, 'store'>, waiting: readonly AskEntry[], now: Date): Promise<string[]> {
  const found = await Promise.all(waiting.map(async (e) => ({ e, r: await accessRequestAt(ctx, e.owner, e.id) })));
  return found.filter(({ e, r }) => (r ? r.value.status !== 'pending' : Date.parse(e.at) <= now.getTime() - ASK_WINDOW_MS)).map(({ e }) => e.id);
}

/** A request is no longer waiting (decided or withdrawn): its requester's place under the limits is freed. Idempotent. */
export async function settleAccessAsk(ctx: Pick<AppContext, 'store'>, requester: string, id: string): Promise<void> {
  await ctx.store.accessAsks.mutate(accessAsksKeys(requester), (current) => {
    if (!current) return undefined;
    const asks = settleAsk(current.asks, [id]);
    return asks ? { ...current, asks } : undefined;
  });
}

/**
 * Retention of AccessAsks: a requester with nothing waiting and no request in the last day is forgotten; so is one
 * whose last request predates `incidentCutoff` (those requests have been deleted). Returns how many.
 */
export async function forgetIdleRequesters(ctx: Pick<AppContext, 'store'>, now: Date, incidentCutoff: string): Promise<number> {
  const dayAgo = new Date(now.getTime() - ASK_WINDOW_MS).toISOString();
  return ctx.store.accessAsks.deleteWhere(odata`(waiting eq false and updatedAt lt ${dayAgo}) or updatedAt lt ${incidentCutoff}`);
}
