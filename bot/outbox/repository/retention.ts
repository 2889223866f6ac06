import { odata } from '@azure/data-tables';
import type { AppContext } from '../../kernel/context';
import { DUE_PARTITION } from '../tables';

/** The outbox's retention (bot/retention/run.ts calls these; the policies are in bot/outbox/tables.ts). */
type Ctx = Pick<AppContext, 'store'>;

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
