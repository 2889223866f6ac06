import { odata } from '@azure/data-tables';
import type { AppContext } from '../kernel/context';
import type { BoroughId } from '../shared/borough';
import type { Alert, AlertListing, AlertRecord } from './model';
import { ALERT_PARTITION, alertKeys, boroughColumn, TIMELINE_PARTITION, timelineBefore, timelineMarkKeys, timelineRange } from './tables';

/** Reads and writes of the alerts slice's tables (keys in bot/alerts/tables.ts). */

/** An alert's listing, from the alert. */
const listingOf = (alert: Alert): AlertListing => ({ kind: 'listing', alertId: alert.id, raisedAt: alert.raisedAt, boroughs: alert.boroughs });

/** Puts the alert on the newest-first timeline. Idempotent (the listing of an alert never changes): raising calls it before storing the alert. */
export async function listAlert(ctx: AppContext, alert: Alert): Promise<void> {
  await ctx.store.alertTimeline.upsert(listingOf(alert));
}

/** The alerts with these ids, by point reads in parallel; an id whose alert is gone (retention) is left out. */
export async function alertsById(ctx: AppContext, ids: readonly string[]): Promise<Map<string, AlertRecord>> {
  const rows = await Promise.all(ids.map((id) => ctx.store.alerts.get(alertKeys(id))));
  return new Map(rows.flatMap((r) => (r ? [[r.value.alert.id, r.value] as const] : [])));
}

/**
 * One page of the timeline, newest first: the ids of alerts raised from `since` to `until` for any of `boroughs`
 * (every borough when undefined), at most `size`, and the storage continuation when more may follow. One storage
 * request: the borough filter runs in the service, so a page may be short (even empty) while more follow.
 */
export async function alertTimelinePage(
  ctx: AppContext,
  opts: { since: Date; until: Date; boroughs?: readonly BoroughId[]; size: number; continuation?: string },
): Promise<{ alertIds: string[]; next?: string }> {
  const range = timelineRange(opts.since, opts.until);
  let filter = `${odata`PartitionKey eq ${TIMELINE_PARTITION}`} and ${odata`RowKey ge ${range.from}`} and ${odata`RowKey lt ${range.to}`}`;
  // Column names come from the fixed borough list (bot/shared/borough.ts), never from input.
  if (opts.boroughs) filter += ` and (${opts.boroughs.map((b) => `${boroughColumn(b)} eq true`).join(' or ')})`;
  const page = await ctx.store.alertTimeline.page(filter, { maxPageSize: opts.size, continuationToken: opts.continuation });
  const alertIds = page.rows.flatMap((r) => (r.value.kind === 'listing' ? [r.value.alertId] : []));
  return page.next ? { alertIds, next: page.next } : { alertIds };
}

/** Stores whose timeline is known to be complete, so the check below is one read per store per process. */
const complete = new WeakSet<object>();

/**
 * Makes sure alerts stored before the AlertTimeline table existed are on it. Decided: a one-off backfill, run by
 * the first list that finds no `backfilled` mark, rather than reading both layouts on every list (a dual read
 * would merge two orders and two continuations forever, for a transition that lasts as long as the oldest alert).
 * Each listing is an idempotent upsert, so two instances backfilling at once, or a run that stops half-way (no
 * mark yet: the next list runs it again), write the same rows. It reads the Alerts partition once (retention
 * keeps it to the incident retention) in pages of 1,000, writing listings 100 to a transaction.
 */
export async function ensureAlertTimeline(ctx: AppContext): Promise<void> {
  if (complete.has(ctx.store)) return;
  const mark = timelineMarkKeys();
  if (!(await ctx.store.alertTimeline.get(mark))) {
    let continuationToken: string | undefined;
    do {
      const page = await ctx.store.alerts.page(odata`PartitionKey eq ${ALERT_PARTITION}`, { maxPageSize: 1000, continuationToken });
      const listings = page.rows.map((r) => listingOf(r.value.alert));
      for (let i = 0; i < listings.length; i += 100) {
        await ctx.store.alertTimeline.transact(listings.slice(i, i + 100).map((value) => ({ op: 'upsert' as const, value })));
      }
      continuationToken = page.next;
    } while (continuationToken);
    await ctx.store.alertTimeline.upsert({ kind: 'backfilled', version: 1, at: ctx.clock().toISOString() });
  }
  complete.add(ctx.store);
}

/** Listings of alerts raised before `cutoff` (retention): one range read of the timeline. */
export async function deleteListingsBefore(ctx: AppContext, cutoff: Date): Promise<number> {
  const old = await ctx.store.alertTimeline.listPartition(TIMELINE_PARTITION, timelineBefore(cutoff));
  for (const row of old) await ctx.store.alertTimeline.delete(row.keys, row.etag);
  return old.length;
}
