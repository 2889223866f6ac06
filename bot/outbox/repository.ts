import { odata } from '@azure/data-tables';
import type { AppContext } from '../kernel/context';
import type { Stored } from '../store/entityTable';
import { ConcurrencyError } from '../store/errors';
import type { OutboxDue, OutboxItem, SenderLease } from './model';
import { DUE_PARTITION, LEASE_KEYS } from './tables';

/**
 * The only module that touches the outbox's tables (Outbox, OutboxDue, OutboxLease; bot/outbox/tables.ts). Writes
 * come in the order that keeps every item findable after a crash between any two of them: the due index row is
 * written before the item it points at and deleted after it.
 */
type Ctx = Pick<AppContext, 'store'>;

// ---- Items and the due index -------------------------------------------------------------------------------

/**
 * Stores a new item and its due index row. Idempotent: an item already stored is left as it is (the same
 * message enqueued again by a retried request). Returns whether the item was new.
 */
export async function storeNewItem(ctx: Ctx, item: OutboxItem): Promise<boolean> {
  // The due index first: an index row without its item is cleaned up by the sender, while an item without an
  // index row would never be sent.
  await createUnlessExists(() => ctx.store.outboxDue.create({ itemId: item.id, batchId: item.batchId, dueAt: item.nextAttemptAt }));
  return createUnlessExists(() => ctx.store.outbox.create(item));
}

/** Every item of one batch (a fan-out), one partition read. */
export async function itemsOfBatch(ctx: Ctx, batchId: string): Promise<Stored<OutboxItem>[]> {
  return ctx.store.outbox.listPartition(batchId);
}

/** The index rows of items due at or before `at`, earliest first. */
export async function dueBy(ctx: Ctx, at: Date): Promise<OutboxDue[]> {
  return (await ctx.store.outboxDue.listPartition(DUE_PARTITION, { to: `${at.toISOString()}|~` })).map((row) => row.value);
}

export async function readItem(ctx: Ctx, ref: { batchId: string; id: string }): Promise<Stored<OutboxItem> | undefined> {
  return ctx.store.outbox.get({ partitionKey: ref.batchId, rowKey: ref.id });
}

/** Removes an index row that points at nothing to send (its item is done, rescheduled or never written). */
export async function dropDue(ctx: Ctx, due: OutboxDue): Promise<void> {
  await ctx.store.outboxDue.delete(ctx.store.outboxDue.keysOf(due));
}

/** Claims an item for one send until `leaseUntil`, if it is as read (ETag): undefined when another run has it. */
export async function claimItem(ctx: Ctx, item: Stored<OutboxItem>, leaseUntil: string): Promise<Stored<OutboxItem> | undefined> {
  try {
    return await ctx.store.outbox.update({ ...item.value, leaseUntil }, item.etag);
  } catch (err) {
    if (err instanceof ConcurrencyError) return undefined;
    throw err;
  }
}

/**
 * Records a claimed item's outcome (sent, dead, gone, cancelled) and drops its index row. Finished, the message's
 * content is no longer needed (updates reuse the activity id, never the payload), so it goes with this write.
 */
export async function recordFinished(ctx: Ctx, claimed: Stored<OutboxItem>, due: OutboxDue, change: Partial<OutboxItem>, at: string): Promise<void> {
  const { payload: _sent, ...metadata } = claimed.value;
  await ctx.store.outbox.update({ ...metadata, ...change, leaseUntil: undefined, payloadRemovedAt: at }, claimed.etag);
  await dropDue(ctx, due);
}

/** Makes a claimed item due again at `nextAttemptAt`, letting go of the claim. */
export async function recordRescheduled(ctx: Ctx, claimed: Stored<OutboxItem>, due: OutboxDue, item: OutboxItem, nextAttemptAt: string): Promise<void> {
  // New index row first, then the item, then the old row: a crash at any point leaves the item findable.
  await ctx.store.outboxDue.upsert({ itemId: item.id, batchId: item.batchId, dueAt: nextAttemptAt });
  await ctx.store.outbox.update({ ...item, nextAttemptAt, leaseUntil: undefined }, claimed.etag);
  await dropDue(ctx, due);
}

/** Cancels the items of a batch still waiting to be sent; the sender passes over cancelled items. Returns how many. */
export async function cancelPendingOfBatch(ctx: Ctx, batchId: string): Promise<number> {
  let cancelled = 0;
  for (const row of await itemsOfBatch(ctx, batchId)) {
    let changed = false;
    await ctx.store.outbox.mutate(row.keys, (current) => {
      changed = current?.status === 'pending';
      return current && changed ? { ...current, status: 'cancelled' as const, leaseUntil: undefined } : undefined;
    });
    if (changed) cancelled++;
  }
  return cancelled;
}

// ---- The sender lease --------------------------------------------------------------------------------------

export async function readLease(ctx: Ctx): Promise<Stored<SenderLease> | undefined> {
  return ctx.store.outboxLease.get(LEASE_KEYS);
}

/** The first lease ever; ConcurrencyError when another instance wrote it first. */
export async function createLease(ctx: Ctx, lease: SenderLease): Promise<Stored<SenderLease>> {
  return ctx.store.outboxLease.create(lease);
}

/** Writes the lease if it is as read (ETag); ConcurrencyError otherwise. */
export async function writeLease(ctx: Ctx, lease: SenderLease, etag: string): Promise<Stored<SenderLease>> {
  return ctx.store.outboxLease.update(lease, etag);
}

/** Changes the lease row (read, change, ETag-guarded write, again on a lost race); `change` returns undefined to leave it. */
export async function mutateLease(ctx: Ctx, change: (current: SenderLease | undefined) => SenderLease | undefined): Promise<void> {
  await ctx.store.outboxLease.mutate(LEASE_KEYS, change);
}

// ---- Retention (bot/retention/run.ts) ----------------------------------------------------------------------

/**
 * Removes the payload of finished items that still hold one. The sender removes it when it finishes an item; this
 * catches items finished before it did, or by a run that crashed between the send and recording it.
 */
export async function stripFinishedPayloads(ctx: Ctx, at: string): Promise<number> {
  const finished = await ctx.store.outbox.query("status ne 'pending'");
  let stripped = 0;
  for (const row of finished) {
    if (row.value.payload === undefined) continue;
    const { payload: _gone, ...metadata } = row.value;
    await ctx.store.outbox.update({ ...metadata, payloadRemovedAt: at }, row.etag);
    stripped++;
  }
  return stripped;
}

/** Deletes items created before the cutoff, whatever became of them. */
export async function purgeItemsCreatedBefore(ctx: Ctx, cutoff: string): Promise<number> {
  // createdAt is inside the row's JSON, not a column the service can filter on: the table is read and filtered here.
  const old = (await ctx.store.outbox.query("PartitionKey ne ''")).filter((row) => row.value.createdAt < cutoff);
  for (const row of old) await ctx.store.outbox.delete(row.keys);
  return old.length;
}

/** Deletes index rows due before the cutoff (their items are past retention too). */
export async function purgeDueBefore(ctx: Ctx, cutoff: string): Promise<number> {
  return ctx.store.outboxDue.deleteWhere(odata`PartitionKey eq ${DUE_PARTITION} and RowKey lt ${cutoff}`);
}

async function createUnlessExists(create: () => Promise<unknown>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (err) {
    if (err instanceof ConcurrencyError) return false;
    throw err;
  }
}
