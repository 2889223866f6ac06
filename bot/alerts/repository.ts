import { odata } from '@azure/data-tables';
import type { AppContext } from '../kernel/context';
import type { BoroughId } from '../common/borough';
import { ConcurrencyError } from '../store/errors';
import type { Stored } from '../store/entityTable';
import type { Alert, AlertDelivery, AlertListing, AlertRecord, SettledDelivery } from './model';
import {
  ALERT_PARTITION,
  alertDeliveryKeys,
  alertDeliveryPartition,
  alertKeys,
  boroughColumn,
  TIMELINE_PARTITION,
  timelineBefore,
  timelineMarkKeys,
  timelineRange,
} from './tables';

/**
 * The only module that touches the alerts slice's tables (Alerts, AlertTimeline, AlertDeliveries; keys in
 * bot/alerts/tables.ts). Other slices ask here: findAlert (the message extension), alertsRaisedSince (digests),
 * purgeAlertsRaisedBefore (retention).
 */

/** An alert by its id: one point read. */
export async function findAlert(ctx: AppContext, alertId: string): Promise<AlertRecord | undefined> {
  return (await ctx.store.alerts.get(alertKeys(alertId)))?.value;
}

/**
 * Stores a new alert. Idempotent by id: when the alert is already stored (a retry, or a concurrent request with
 * the same id won), returns the stored one with `created: false`.
 */
export async function storeAlert(ctx: AppContext, record: AlertRecord): Promise<{ record: AlertRecord; created: boolean }> {
  try {
    return { record: (await ctx.store.alerts.create(record)).value, created: true };
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    const stored = await findAlert(ctx, record.alert.id);
    if (!stored) throw err;
    return { record: stored, created: false };
  }
}

/** Read, change and write back an alert, retrying on a lost race; `change` returns undefined to leave it. */
export async function mutateAlert(ctx: AppContext, alertId: string, change: (current: AlertRecord | undefined) => AlertRecord | undefined): Promise<AlertRecord | undefined> {
  return (await ctx.store.alerts.mutate(alertKeys(alertId), change))?.value;
}

/** High alerts whose escalation is due by `now` and not yet sent, with the ETag each was read at. */
export async function escalationsDue(ctx: AppContext, now: string): Promise<{ record: AlertRecord; etag: string }[]> {
  const due = await ctx.store.alerts.query(odata`PartitionKey eq ${ALERT_PARTITION} and escalationPending eq true and escalationDueAt le ${now}`);
  return due.map((r) => ({ record: r.value, etag: r.etag }));
}

/** Marks the escalation sent, if the alert is unchanged since read; false when another write got there first. */
export async function markEscalationSent(ctx: AppContext, record: AlertRecord, etag: string, sentAt: string): Promise<boolean> {
  try {
    await ctx.store.alerts.update({ ...record, escalation: { dueAt: record.escalation!.dueAt, sentAt } }, etag);
    return true;
  } catch (err) {
    if (err instanceof ConcurrencyError) return false;
    throw err;
  }
}

/** Alerts raised at or after `since` (ISO): for the weekly digests. */
export async function alertsRaisedSince(ctx: AppContext, since: string): Promise<AlertRecord[]> {
  return (await ctx.store.alerts.query(odata`PartitionKey eq ${ALERT_PARTITION} and raisedAt ge ${since}`)).map((a) => a.value);
}

/** Records the channels an alert goes to, a row each (idempotent upserts, 100 to a transaction). */
export async function recordDeliveries(ctx: AppContext, deliveries: readonly AlertDelivery[]): Promise<void> {
  for (let i = 0; i < deliveries.length; i += 100) {
    await ctx.store.alertDeliveries.transact(deliveries.slice(i, i + 100).map((value) => ({ op: 'upsert' as const, value })));
  }
}

/** The channels an alert was posted to: one partition read. */
export async function deliveriesOf(ctx: AppContext, alertId: string): Promise<AlertDelivery[]> {
  return (await ctx.store.alertDeliveries.listPartition(alertDeliveryPartition(alertId))).map((d) => d.value);
}

/** Whether the alert was posted to this conversation (its AlertDeliveries row): one point read. */
export async function deliveryTo(ctx: AppContext, alertId: string, conversationId: string): Promise<AlertDelivery | undefined> {
  return (await ctx.store.alertDeliveries.get(alertDeliveryKeys(alertId, conversationId)))?.value;
}

/** An alert's listing, from the alert. */
const listingOf = (alert: Alert): AlertListing => ({ kind: 'listing', alertId: alert.id, raisedAt: alert.raisedAt, boroughs: alert.boroughs });

/** Puts the alert on the newest-first timeline. Idempotent (the listing of an alert never changes): raising calls it before storing the alert. */
export async function listAlert(ctx: AppContext, alert: Alert): Promise<void> {
  await ctx.store.alertTimeline.upsert(listingOf(alert));
}

/** The alerts with these ids (as read, with their ETags), by point reads in parallel; an id whose alert is gone (retention) is left out. */
export async function alertsById(ctx: AppContext, ids: readonly string[]): Promise<Map<string, Stored<AlertRecord>>> {
  const rows = await Promise.all(ids.map((id) => ctx.store.alerts.get(alertKeys(id))));
  return new Map(rows.flatMap((r) => (r ? [[r.value.alert.id, r] as const] : [])));
}

/**
 * Keeps an alert's settled delivery on it: one write, if the alert is unchanged since read. False when it changed
 * meanwhile (an acknowledgement): nothing is lost, a later list settles it again.
 */
export async function keepSettledDelivery(ctx: AppContext, stored: Stored<AlertRecord>, delivery: SettledDelivery): Promise<boolean> {
  try {
    await ctx.store.alerts.update({ ...stored.value, delivery }, stored.etag);
    return true;
  } catch (err) {
    if (err instanceof ConcurrencyError) return false;
    throw err;
  }
}

/** Reads one timeline page may take: a response may come back short (even empty) with more to follow, so it is read on. */
export const ALERT_TIMELINE_READS = 4;

/**
 * One page of the timeline, newest first: the ids of alerts raised from `since` to `until` for any of `boroughs`
 * (every borough when undefined), at most `size`, and the storage continuation when more may follow. The borough
 * filter runs in the service, which may answer short (even empty) while more follow: the page is read on from the
 * service's continuation until full, at most ALERT_TIMELINE_READS requests (bot/store/paging.ts fillPage).
 */
export async function alertTimelinePage(
  ctx: AppContext,
  opts: { since: Date; until: Date; boroughs?: readonly BoroughId[]; size: number; continuation?: string },
): Promise<{ alertIds: string[]; next?: string }> {
  const range = timelineRange(opts.since, opts.until);
  let filter = `${odata`PartitionKey eq ${TIMELINE_PARTITION}`} and ${odata`RowKey ge ${range.from}`} and ${odata`RowKey lt ${range.to}`}`;
  // Column names come from the fixed borough list (bot/common/borough.ts), never from input.
  if (opts.boroughs) filter += ` and (${opts.boroughs.map((b) => `${boroughColumn(b)} eq true`).join(' or ')})`;
  // Loaded here, not at the top: the timers that reach this module (digests, retention, escalations) never list.
  const { fillPage } = await import('../store/paging');
  const page = await fillPage((q) => ctx.store.alertTimeline.page(filter, q), { size: opts.size, maxRequests: ALERT_TIMELINE_READS, ...(opts.continuation ? { continuation: opts.continuation } : {}) });
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

/**
 * Retention: deletes alerts raised before `cutoff` (ISO) with the rows of the channels each went to and their
 * listings. Deliveries and listings first: a run that stops half-way leaves alerts the next run still finds.
 */
export async function purgeAlertsRaisedBefore(ctx: AppContext, cutoff: string): Promise<number> {
  const old = await ctx.store.alerts.query(odata`PartitionKey eq ${ALERT_PARTITION} and raisedAt lt ${cutoff}`);
  for (const row of old) {
    for (const d of await ctx.store.alertDeliveries.listPartition(alertDeliveryPartition(row.value.alert.id))) await ctx.store.alertDeliveries.delete(d.keys);
  }
  for (const row of await ctx.store.alertTimeline.listPartition(TIMELINE_PARTITION, timelineBefore(new Date(cutoff)))) {
    await ctx.store.alertTimeline.delete(row.keys, row.etag);
  }
  for (const row of old) await ctx.store.alerts.delete(row.keys);
  return old.length;
}
