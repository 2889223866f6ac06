import { odata } from '@azure/data-tables';
import type { AppContext } from '../kernel/context';
import { ConcurrencyError } from '../store/errors';
import type { BoroughWeekStats, DigestAllowance, DigestDelivery, DigestSubscription } from './model';
import { allowanceKeys, deliveryKeys, subscriptionKeys, weekStatsKeys } from './tables';

/** The only module that touches the digest slice's tables (bot/digests/tables.ts). */
type Ctx = Pick<AppContext, 'store'>;

export async function subscriptionOf(ctx: Ctx, owner: string): Promise<DigestSubscription | undefined> {
  return (await ctx.store.digestSubscriptions.get(subscriptionKeys(owner)))?.value;
}

export async function allSubscriptions(ctx: Ctx): Promise<DigestSubscription[]> {
  return (await ctx.store.digestSubscriptions.listPartition('sub')).map((s) => s.value);
}

/** Read-change-write of a subscription, retried on a lost race; `change` returns undefined to leave it as it is. */
export async function changeSubscription(ctx: Ctx, owner: string, change: (current: DigestSubscription | undefined) => DigestSubscription | undefined): Promise<void> {
  await ctx.store.digestSubscriptions.mutate(subscriptionKeys(owner), change);
}

/** Records on the subscription that `week`'s digest is done, so later runs pass it over without a storage call. */
export async function markWeekDone(ctx: Ctx, owner: string, week: string): Promise<void> {
  await changeSubscription(ctx, owner, (current) => (current && current.lastWeek !== week ? { ...current, lastWeek: week } : undefined));
}

export async function deleteSubscription(ctx: Ctx, owner: string): Promise<void> {
  await ctx.store.digestSubscriptions.delete(subscriptionKeys(owner));
}

export async function isAllowedDigests(ctx: Ctx, aadObjectId: string): Promise<boolean> {
  return (await ctx.store.digestAllowances.get(allowanceKeys(aadObjectId))) !== undefined;
}

/** Everyone an administrator allowed digests. */
export async function digestAllowances(ctx: Ctx): Promise<DigestAllowance[]> {
  return (await ctx.store.digestAllowances.listPartition('allow')).map((a) => a.value);
}

export async function allowDigests(ctx: Ctx, allowance: DigestAllowance): Promise<void> {
  await ctx.store.digestAllowances.upsert(allowance);
}

/** Every borough's cached figures of one ISO week: one partition read. */
export async function cachedWeekStats(ctx: Ctx, week: string): Promise<Map<string, BoroughWeekStats>> {
  return new Map((await ctx.store.weekStats.listPartition(week)).map((r) => [r.value.borough, r.value]));
}

export async function weekStatsOfBorough(ctx: Ctx, week: string, borough: string): Promise<BoroughWeekStats | undefined> {
  return (await ctx.store.weekStats.get(weekStatsKeys(week, borough)))?.value;
}

export async function saveWeekStats(ctx: Ctx, stats: BoroughWeekStats): Promise<void> {
  await ctx.store.weekStats.upsert(stats);
}

/** A borough-week's cached figures dropped (an incident of that week was anonymised: they may name its area). */
export async function dropWeekStats(ctx: Ctx, week: string, borough: string): Promise<void> {
  await ctx.store.weekStats.delete(weekStatsKeys(week, borough));
}

export type DeliveryClaim = { state: 'claimed'; row: DigestDelivery; etag: string } | { state: 'alreadyDone' | 'busy' };

/**
 * Create-once claim of (subscription, week) with `fresh`; a claim whose lease ran out is taken over with an
 * ETag-guarded write (one more attempt counted).
 */
export async function claimDelivery(ctx: Ctx, fresh: DigestDelivery, now: Date): Promise<DeliveryClaim> {
  try {
    const created = await ctx.store.digestDeliveries.create(fresh);
    return { state: 'claimed', row: created.value, etag: created.etag };
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
  }
  const existing = await ctx.store.digestDeliveries.get(deliveryKeys(fresh.owner, fresh.week));
  if (!existing) return { state: 'busy' };
  if (existing.value.status !== 'claimed') return { state: 'alreadyDone' };
  if (Date.parse(existing.value.leaseUntil) > now.getTime()) return { state: 'busy' };
  try {
    const taken = await ctx.store.digestDeliveries.update({ ...fresh, attempts: existing.value.attempts + 1 }, existing.etag);
    return { state: 'claimed', row: taken.value, etag: taken.etag };
  } catch (err) {
    if (err instanceof ConcurrencyError) return { state: 'busy' };
    throw err;
  }
}

/** Records how a claimed delivery ended, if the claim is still ours. */
export async function finishDelivery(ctx: Ctx, row: DigestDelivery, etag: string, change: Partial<DigestDelivery>): Promise<void> {
  try {
    await ctx.store.digestDeliveries.update({ ...row, ...change }, etag);
  } catch (err) {
    // Another run took the claim over after our lease ran out: it enqueues the same item ids and marks the week itself.
    if (!(err instanceof ConcurrencyError)) throw err;
  }
}

/** Retention: cached figures of ISO weeks before `week` deleted; returns how many. */
export async function purgeWeekStatsBefore(ctx: Ctx, week: string): Promise<number> {
  return ctx.store.weekStats.deleteWhere(odata`PartitionKey lt ${week}`);
}

/** Retention: delivery records of ISO weeks before `week` deleted; returns how many. */
export async function purgeDeliveriesBefore(ctx: Ctx, week: string): Promise<number> {
  return ctx.store.digestDeliveries.deleteWhere(odata`RowKey lt ${week}`);
}
