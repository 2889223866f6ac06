import type { AppContext } from '../../kernel/context';
import type { Stored } from '../../store/entityTable';
import { ConcurrencyError } from '../../store/errors';
import type { OutboxItem } from '../model';

/**
 * The outbox's items as the rest of the app sees them (bot/outbox/enqueue.ts): stored, listed by batch, cancelled.
 * With sending.ts and retention.ts beside it, the only modules that touch the outbox's tables (bot/outbox/tables.ts);
 * split by who uses them, so a function loads only the part it runs (a timer that enqueues does not load the sender's).
 */
type Ctx = Pick<AppContext, 'store'>;

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

async function createUnlessExists(create: () => Promise<unknown>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (err) {
    if (err instanceof ConcurrencyError) return false;
    throw err;
  }
}
