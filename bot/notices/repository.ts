import { odata } from '@azure/data-tables';
import type { AppContext } from '../kernel/context';
import type { Stored } from '../store/entityTable';
import { ConcurrencyError } from '../store/errors';
import type { PrivateNotice } from './model';
import { keptBefore, noticeExpired } from './rules/retention';

/** The only module that touches the PrivateNotices table. */

/** Keeps a notice once: false when an earlier attempt already kept it (a retried reminder run or report). */
export async function keepNotice(ctx: Pick<AppContext, 'store'>, notice: PrivateNotice): Promise<boolean> {
  try {
    await ctx.store.privateNotices.create(notice);
    return true;
  } catch (err) {
    if (err instanceof ConcurrencyError) return false;
    throw err;
  }
}

/** One person's notices, newest first. */
export async function noticesOf(ctx: Pick<AppContext, 'store'>, recipient: string): Promise<Stored<PrivateNotice>[]> {
  const rows = await ctx.store.privateNotices.listPartition(recipient);
  return rows.sort((a, b) => b.value.keptAt.localeCompare(a.value.keptAt));
}

/** Marks it opened (the first time only). Two opens at once: one write wins, the other's view is still audited. */
export async function markOpened(ctx: Pick<AppContext, 'store'>, row: Stored<PrivateNotice>, at: string): Promise<void> {
  if (row.value.openedAt) return;
  try {
    await ctx.store.privateNotices.update({ ...row.value, openedAt: at }, row.etag);
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
  }
}

/** Deletes a notice the person may no longer see (their roles changed). */
export async function dropNotice(ctx: Pick<AppContext, 'store'>, row: Stored<PrivateNotice>): Promise<void> {
  await ctx.store.privateNotices.delete(row.keys);
}

/** Retention: deletes every notice past its time (rules/retention.ts). Returns how many. */
export async function purgeExpiredNotices(ctx: Pick<AppContext, 'store' | 'clock'>): Promise<number> {
  const now = ctx.clock();
  const candidates = await ctx.store.privateNotices.query(odata`keptAt lt ${keptBefore(now)}`);
  const expired = candidates.filter((r) => noticeExpired(r.value, now));
  for (const row of expired) await ctx.store.privateNotices.delete(row.keys);
  return expired.length;
}
