import { odata } from '@azure/data-tables';
import { z } from 'zod';
import { allOrganisations } from '../referenceData';
import type { AppContext } from '../kernel/context';
import { BOROUGHS, BoroughId } from '../common/borough';
import type { Member } from '../common/member';
import { boroughOfOperationId, type JointOperation, type Reminder } from './model';
import type { Organisation } from '../common/organisation';
import type { Stored } from '../store/entityTable';
import { activeMembers } from '../directory/repository';
import { ConcurrencyError } from '../store/errors';
import { lazySchema } from '../common/lazySchema';
import { MAX_DURATION_MS } from './rules/limits';
import { isTimelineRow, reminderKeys, reminderPartition, TIMELINE_END, TIMELINE_PREFIX, timelineFrom, timelineKey, timelineRowOf, type OperationRow, type TimelineRow } from './tables';

/**
 * The only module that touches the operations slice's tables (keys: ./tables.ts).
 * An operation row and its timeline row are always written together, in one
 * entity group transaction: the upcoming list never shows a moved or
 * cancelled operation at its old place.
 */

type OpCtx = Pick<AppContext, 'store'>;

const asOperation = (s: Stored<OperationRow> | undefined): Stored<JointOperation> | undefined =>
  s && !isTimelineRow(s.value) ? (s as Stored<JointOperation>) : undefined;

/** An operation by id: the id names its borough, which is its partition, so this is one point read. */
export async function loadOperation(ctx: OpCtx, id: string): Promise<Stored<JointOperation> | undefined> {
  const borough = boroughOfOperationId(id);
  if (!borough) return undefined;
  return asOperation(await ctx.store.operations.get({ partitionKey: borough.id, rowKey: id.trim().toUpperCase() }));
}

/** Operations that end at or after `endsAfter`, in the given boroughs (all when empty). Timeline rows carry no `endsAt` column, so never match. */
export async function listOperationsEndingAfter(ctx: OpCtx, endsAfter: Date, boroughs: readonly BoroughId[] = []): Promise<JointOperation[]> {
  const ends = odata`endsAt ge ${endsAfter.toISOString()}`;
  if (boroughs.length === 0) return operationsOf(await ctx.store.operations.query(ends));
  const perBorough = await Promise.all(boroughs.map((b) => ctx.store.operations.query(`${odata`PartitionKey eq ${b}`} and ${ends}`)));
  return operationsOf(perBorough.flat());
}

const operationsOf = (rows: Stored<OperationRow>[]): JointOperation[] => rows.flatMap((r) => (isTimelineRow(r.value) ? [] : [r.value]));

/** Stores a new operation with its timeline row. Throws ConcurrencyError if the id exists already. */
export async function createOperation(ctx: OpCtx, op: JointOperation): Promise<JointOperation> {
  const ops: Parameters<AppContext['store']['operations']['transact']>[0] = [{ op: 'create', value: op }];
  if (op.status === 'scheduled') ops.push({ op: 'upsert', value: timelineRowOf(op) });
  await ctx.store.operations.transact(ops);
  return op;
}

/**
 * Replaces `current` (as read, with its ETag) by `next`, moving its timeline
 * row with it: gone once it is no longer scheduled, re-keyed when its start
 * moves. Throws ConcurrencyError if someone changed it since it was read.
 */
export async function saveOperation(ctx: OpCtx, current: Stored<JointOperation>, next: JointOperation): Promise<Stored<JointOperation>> {
  const table = ctx.store.operations;
  const before = current.value;
  const ops: Parameters<typeof table.transact>[0] = [{ op: 'update', value: next, etag: current.etag }];
  const oldKey = timelineKey(before);
  const keepsLine = next.status === 'scheduled' && timelineKey(next) === oldKey;
  if (before.status === 'scheduled' && !keepsLine) {
    // A delete in a batch fails the batch if the row is missing (operations stored before timeline rows existed): look first.
    if (await table.get({ partitionKey: before.borough, rowKey: oldKey })) ops.push({ op: 'delete', keys: { partitionKey: before.borough, rowKey: oldKey } });
  }
  if (next.status === 'scheduled') ops.push({ op: 'upsert', value: timelineRowOf(next) });
  const etags = await table.transact(ops);
  return { value: next, etag: etags[0] ?? '', keys: current.keys };
}

/** Stores whose upcoming list is known to have a line for every scheduled operation: the check below runs once per store per process. */
const timelineComplete = new WeakSet<object>();

/**
 * Operations stored before timeline rows existed have no line on the upcoming
 * list. The first list in each process finds the scheduled operations that
 * have not ended and have no line, and writes each one's line in a
 * transaction with its operation row (checked by ETag), so an operation
 * cancelled or moved meanwhile is skipped, not given a stale line. Two
 * filtered queries once per process; every write is safe to repeat.
 */
export async function ensureOperationTimeline(ctx: OpCtx, now: Date): Promise<number> {
  if (timelineComplete.has(ctx.store)) return 0;
  const iso = now.toISOString();
  const table = ctx.store.operations;
  const [rows, lines] = await Promise.all([table.query(odata`status eq ${'scheduled'} and endsAt gt ${iso}`), table.query(odata`lineEndsAt gt ${iso}`)]);
  const lined = new Set(lines.flatMap((r) => (isTimelineRow(r.value) ? [r.value.id] : [])));
  let written = 0;
  for (const row of rows) {
    const op = row.value;
    if (isTimelineRow(op) || op.status !== 'scheduled' || lined.has(op.id)) continue;
    try {
      await table.transact([
        { op: 'update', value: op, etag: row.etag },
        { op: 'upsert', value: timelineRowOf(op) },
      ]);
      written++;
    } catch (e) {
      // Changed since it was read: that save wrote (or removed) its line itself.
      if (!(e instanceof ConcurrencyError)) throw e;
    }
  }
  timelineComplete.add(ctx.store);
  return written;
}

/** Read, change and save, retrying when another writer got there first. `change` returns undefined to leave it as it is. */
export async function mutateOperation(
  ctx: OpCtx,
  id: string,
  change: (current: JointOperation) => JointOperation | undefined,
): Promise<Stored<JointOperation> | undefined> {
  for (let attempt = 1; ; attempt++) {
    const current = await loadOperation(ctx, id);
    if (!current) return undefined;
    const next = change(current.value);
    if (next === undefined) return current;
    try {
      return await saveOperation(ctx, current, next);
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || attempt >= 8) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}

/** Operations that ended before `cutoff`, for the retention run. */
export async function operationsEndedBefore(ctx: OpCtx, cutoff: string): Promise<Stored<JointOperation>[]> {
  const rows = await ctx.store.operations.query(odata`endsAt lt ${cutoff}`);
  return rows.flatMap((r) => (isTimelineRow(r.value) ? [] : [r as Stored<JointOperation>]));
}

/** Deletes an operation with its timeline row and its channel rows (the channel rows first: a run that stops half-way leaves the operation for the next run to find). */
export async function deleteOperation(ctx: OpCtx, stored: Stored<JointOperation>): Promise<void> {
  const op = stored.value;
  const channels = await ctx.store.operationChannels.listPartition(op.id);
  for (let i = 0; i < channels.length; i += 100) {
    await ctx.store.operationChannels.transact(channels.slice(i, i + 100).map((c) => ({ op: 'delete' as const, keys: c.keys })));
  }
  await ctx.store.operations.delete({ partitionKey: op.borough, rowKey: timelineKey(op) });
  await ctx.store.operations.delete(stored.keys, stored.etag);
}

/**
 * Records the channels an operation's card goes to, one row each. Idempotent
 * (upserts): a retried scheduling writes the same rows again. Up to 100 rows
 * per request (one partition: an entity group transaction).
 */
export async function recordOperationChannels(ctx: OpCtx, operationId: string, conversationIds: readonly string[]): Promise<void> {
  const unique = [...new Set(conversationIds)];
  for (let i = 0; i < unique.length; i += 100) {
    await ctx.store.operationChannels.transact(unique.slice(i, i + 100).map((conversationId) => ({ op: 'upsert' as const, value: { operationId, conversationId } })));
  }
}

/** The channels an operation's card went to: its channel rows, and the list older operations kept on their own row. */
export async function operationChannelIds(ctx: OpCtx, op: Pick<JointOperation, 'id' | 'channelConversationIds'>): Promise<string[]> {
  const rows = await ctx.store.operationChannels.listPartition(op.id);
  return [...new Set([...op.channelConversationIds, ...rows.map((r) => r.value.conversationId)])];
}

export interface UpcomingPage {
  /** Scheduled operations that have not ended, soonest first. */
  rows: TimelineRow[];
  /** Where the next page starts (the `after` of the next call); absent when nothing follows. */
  next?: UpcomingCursor;
  /** Storage requests this page took. */
  requests: number;
}

/** Where a page of the upcoming list goes on from: after the key of the last line shown, and, per borough, the service's token to resume its scan from. */
export const UpcomingCursor = lazySchema(() => z.object({
  after: z.string().startsWith(TIMELINE_PREFIX).max(200),
  resume: z.record(BoroughId, z.string().max(1000)).default({}),
}));
export type UpcomingCursor = z.infer<typeof UpcomingCursor>;

/** The cursor as the "More" token carries it. */
export const encodeUpcomingCursor = (c: UpcomingCursor): string => JSON.stringify(c);

/** A cursor from a "More" token, or undefined if it is not one. A bare key is a token made before pages could resume a scan. */
export function decodeUpcomingCursor(text: string): UpcomingCursor | undefined {
  let json: unknown = { after: text };
  if (text.startsWith('{')) {
    try {
      json = JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  const parsed = UpcomingCursor.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** Requests one page may take: a read per borough, and as many again to follow short responses. */
export const upcomingRequestBudget = (boroughs: number) => 2 * boroughs;

/**
 * One page of the upcoming operations in the given boroughs (all when empty),
 * soonest first, starting after `after` (the first page: from the earliest
 * start of an operation that may not have ended yet). A key-range read of at
 * most `size` rows per borough, merged by start time (bot/store/paging.ts);
 * a borough whose response came back short (Azure may stop a response early,
 * even with no rows, and give a continuation) is read on while the page is
 * short, within upcomingRequestBudget. Every row is keyed by start then id,
 * and ids are unique across boroughs, so "after this key" continues the
 * merged order without a gap or a repeat.
 */
export async function upcomingPage(ctx: OpCtx, boroughs: readonly BoroughId[], opts: { now: Date; size: number; after?: UpcomingCursor }): Promise<UpcomingPage> {
  const list = boroughs.length ? [...new Set(boroughs)] : BOROUGHS.map((b) => b.id);
  // Operations last at most MAX_DURATION_MS, so none that started earlier can still be running.
  const from = opts.after?.after ?? timelineFrom(new Date(opts.now.getTime() - MAX_DURATION_MS));
  const ending = opts.now.toISOString();
  const sources = Object.fromEntries(
    list.map((b) => [
      b,
      (q: { after: string; maxPageSize: number; continuationToken?: string }) =>
        ctx.store.operations.page(odata`PartitionKey eq ${b} and RowKey gt ${q.after} and RowKey lt ${TIMELINE_END} and lineEndsAt gt ${ending}`, {
          maxPageSize: q.maxPageSize,
          ...(q.continuationToken ? { continuationToken: q.continuationToken } : {}),
        }),
    ]),
  );
  // Loaded here, not at the top: the timers that reach this module (reminders, digests, retention) never list.
  const { mergedPage } = await import('../store/paging');
  const page = await mergedPage(sources, (r) => r.keys.rowKey, { size: opts.size, after: from, resume: opts.after?.resume ?? {}, maxRequests: upcomingRequestBudget(list.length) });
  // Started but not yet ended is upcoming still (the service filtered out those that have ended).
  const rows = page.rows.flatMap((r) => (isTimelineRow(r.value) ? [r.value] : []));
  return page.after ? { rows, next: { after: page.after, resume: page.resume }, requests: page.requests } : { rows, requests: page.requests };
}

// ---- Reminders ------------------------------------------------------------------

/** A planned reminder's row, if stored: one point read (the plan gives its due time and id, which are its keys). */
export async function findReminder(ctx: OpCtx, r: Pick<Reminder, 'dueAt' | 'id'>): Promise<Stored<Reminder> | undefined> {
  return ctx.store.reminders.get(reminderKeys(r));
}

/** Read, change and write back a reminder (created if absent and `change` returns one), retrying on a concurrent write. */
export async function mutateReminder(
  ctx: OpCtx,
  r: Pick<Reminder, 'dueAt' | 'id'>,
  change: (current: Reminder | undefined) => Reminder | undefined,
): Promise<Stored<Reminder> | undefined> {
  return ctx.store.reminders.mutate(reminderKeys(r), change);
}

/** Replaces a reminder if it still has `etag`; throws ConcurrencyError otherwise (a claim is taken by one worker only). */
export async function updateReminder(ctx: OpCtx, value: Reminder, etag: string): Promise<Stored<Reminder>> {
  return ctx.store.reminders.update(value, etag);
}

/** Pending (or abandoned) reminders due by `now`, earliest first: one range query over the day partitions. */
export async function dueReminders(ctx: OpCtx, now: Date, lookbackDays: number): Promise<Stored<Reminder>[]> {
  const first = reminderPartition(new Date(now.getTime() - lookbackDays * 24 * 3600_000).toISOString());
  const last = reminderPartition(now.toISOString());
  // Row keys start with the due time, so "RowKey le now" holds for every row of earlier days and only the due ones of today.
  const filter = [
    odata`PartitionKey ge ${first}`,
    odata`PartitionKey le ${last}`,
    odata`RowKey le ${`${now.toISOString()}|~`}`,
    `(${odata`status eq ${'pending'}`} or ${odata`status eq ${'claimed'}`})`,
  ].join(' and ');
  const rows = await ctx.store.reminders.query(filter);
  return rows.sort((a, b) => a.value.dueAt.localeCompare(b.value.dueAt));
}

/** The retention run's reminder step: every reminder due on a UTC day before `cutoff`'s. Returns how many were deleted. */
export async function purgeRemindersDueBefore(ctx: OpCtx, cutoff: string): Promise<number> {
  const old = await ctx.store.reminders.query(odata`PartitionKey lt ${reminderPartition(cutoff)}`);
  for (const row of old) await ctx.store.reminders.delete(row.keys);
  return old.length;
}

/** The concordat's organisations and members, for names on cards and choices on forms. */
export interface Directory {
  organisations: Map<string, Organisation>;
  members: Map<string, Member>;
}

export async function loadDirectory(ctx: AppContext): Promise<Directory> {
  const [orgs, members] = await Promise.all([allOrganisations(ctx), activeMembers(ctx)]);
  return {
    organisations: new Map(orgs.map((o) => [o.id, o])),
    members: new Map(members.map((m) => [m.aadObjectId, m])),
  };
}
