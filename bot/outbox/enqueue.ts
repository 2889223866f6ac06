import type { AppContext } from '../kernel/context';
import { OutboxItem, type OutboxPayload, type Target } from './model';
import { cancelPendingOfBatch, itemsOfBatch, storeNewItem } from './repository/items';

export interface OutgoingMessage {
  /** Deterministic: the same message for the same reason always has the same id (e.g. `alert:A1:<conversation>`). */
  id: string;
  target: Target;
  payload: OutboxPayload;
  /** Replace what the item with this id posted, instead of posting anew. */
  updateOf?: { batchId: string; id: string };
  /** Not before this time (default: now). */
  notBefore?: Date;
  notifyOnDeadLetter?: boolean;
}

/**
 * Puts messages into the durable outbox: the only way anything is posted to
 * Teams outside a reply. Idempotent per item id, so a retried request or a
 * redelivered activity enqueues nothing twice. Returns how many were new.
 */
export async function enqueue(ctx: AppContext, batchId: string, messages: OutgoingMessage[]): Promise<{ added: number }> {
  const now = ctx.clock();
  let added = 0;
  let firstDue = Infinity;
  for (const m of messages) {
    const dueAt = m.notBefore && m.notBefore > now ? m.notBefore : now;
    firstDue = Math.min(firstDue, dueAt.getTime());
    const due = dueAt.toISOString();
    const item = OutboxItem.parse({
      id: m.id,
      batchId,
      target: m.target,
      payload: m.payload,
      operation: m.updateOf ? 'update' : 'post',
      updateOf: m.updateOf,
      status: 'pending',
      attempts: 0,
      createdAt: now.toISOString(),
      nextAttemptAt: due,
      notifyOnDeadLetter: m.notifyOnDeadLetter ?? true,
    });
    if (await storeNewItem(ctx, item)) added++;
  }
  // Stored first, then the sender woken: one wake per call (a 300-channel fan-out is one), also when a
  // retried request found its items already stored, since the first attempt may have stopped before waking.
  if (messages.length > 0) await ctx.wake?.wake(firstDue - now.getTime());
  return { added };
}

/**
 * Stops whatever of a batch has not gone yet (a reminder retired because its operation moved): its waiting items
 * are cancelled and the sender passes over them. What has gone stays gone. Returns how many were stopped.
 */
export async function cancelBatch(ctx: AppContext, batchId: string): Promise<number> {
  return cancelPendingOfBatch(ctx, batchId);
}

/** Delivery of one batch: "delivered 298/300, 2 retrying". */
export async function deliveryStatus(ctx: AppContext, batchId: string) {
  const items = (await itemsOfBatch(ctx, batchId)).map((s) => s.value);
  const count = (pred: (i: OutboxItem) => boolean) => items.filter(pred).length;
  return {
    total: items.length,
    delivered: count((i) => i.status === 'sent'),
    retrying: count((i) => i.status === 'pending' && i.attempts > 0),
    waiting: count((i) => i.status === 'pending' && i.attempts === 0),
    failed: count((i) => i.status === 'dead'),
    removed: count((i) => i.status === 'gone'),
    cancelled: count((i) => i.status === 'cancelled'),
  };
}

export function describeDelivery(s: Awaited<ReturnType<typeof deliveryStatus>>): string {
  const parts = [`delivered ${s.delivered}/${s.total}`];
  if (s.retrying) parts.push(`${s.retrying} retrying`);
  if (s.waiting) parts.push(`${s.waiting} waiting`);
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.removed) parts.push(`${s.removed} no longer installed`);
  return parts.join(', ');
}
