import type { AppContext } from '../../kernel/context';
import type { Stored } from '../../store/entityTable';
import { ConcurrencyError } from '../../store/errors';
import type { OutboxDue, OutboxItem, SenderLease } from '../model';
import { DUE_PARTITION, LEASE_KEYS } from '../tables';

/**
 * The sender's side of the outbox's tables (bot/outbox/sender.ts, run.ts): what is due, claiming an item,
 * recording its outcome, and the sender lease. Writes come in the order that keeps every item findable after a
 * crash between any two of them: a due index row is written before the item it points at and deleted after it.
 */
type Ctx = Pick<AppContext, 'store'>;

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
