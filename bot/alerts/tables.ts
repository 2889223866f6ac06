import type { BoroughId } from '../common/borough';
import { newestFirst } from '../search/rules/keys';
import { safeKey } from '../store/entityTable';
import { table, type TablesOf } from '../store/tableDef';
import { AlertDelivery, AlertRecord, AlertTimelineRow } from './model';

/**
 * The alerts slice's tables and the only place their keys are spelt; touched only by bot/alerts/repository.ts.
 *
 * Alerts: partition `alert`, row key the alert id: the alert's reference lookup (a channel card's refresh, an
 * acknowledgement, the message extension) is one point read, and acknowledgements update it in place.
 *
 * AlertTimeline: the same alerts newest first, for the `alerts` list. Partition `recent`, row key
 * `<13 digits: max - epoch ms of raisedAt>|<alert id>`, so "the last 14 days, newest first" is one row-key range of
 * one partition, read a page at a time; a boolean column per borough (`in_stockport`) lets the service keep only the
 * caller's boroughs. Why a second table rather than re-keying Alerts by time: every stored alert keeps its key (no
 * migration of the rows acknowledgements and channel cards point at), and a lookup by id needs no index. The one
 * row that is not a listing, `backfilled`, records that alerts stored before this table existed were listed.
 *
 * AlertDeliveries: one partition per alert, a row per channel it was posted to.
 */
export const ALERT_PARTITION = 'alert';
export const alertKeys = (alertId: string) => ({ partitionKey: ALERT_PARTITION, rowKey: alertId });
export const alertDeliveryPartition = (alertId: string) => safeKey(alertId);
export const alertDeliveryKeys = (alertId: string, conversationId: string) => ({ partitionKey: alertDeliveryPartition(alertId), rowKey: safeKey(conversationId) });

export const TIMELINE_PARTITION = 'recent';
const TIMELINE_MARK = { partitionKey: 'mark', rowKey: 'backfilled' };

export function alertTimelineKeys(row: AlertTimelineRow): { partitionKey: string; rowKey: string } {
  if (row.kind === 'backfilled') return TIMELINE_MARK;
  return { partitionKey: TIMELINE_PARTITION, rowKey: `${newestFirst(row.raisedAt)}|${row.alertId}` };
}

export const timelineMarkKeys = () => TIMELINE_MARK;

/** The column that says a listing is for `borough`. */
export const boroughColumn = (borough: BoroughId) => `in_${borough}`;

export function alertTimelineColumns(row: AlertTimelineRow): Record<string, boolean> {
  return row.kind === 'listing' ? Object.fromEntries(row.boroughs.map((b) => [boroughColumn(b), true])) : {};
}

/** Row keys of listings raised from `since` to `until` (both included), newest first: `from` the later time, `to` just past the earlier. */
export function timelineRange(since: Date, until: Date): { from: string; to: string } {
  return { from: newestFirst(until.toISOString()), to: `${newestFirst(since.toISOString())}|~` };
}

/** Row keys of listings raised before `cutoff`: older rows sort after it. */
export const timelineBefore = (cutoff: Date) => ({ from: `${newestFirst(cutoff.toISOString())}|~` });

export const ALERT_TABLES = {
  alerts: table({
    name: 'Alerts',
    schema: AlertRecord,
    keys: (a) => alertKeys(a.alert.id),
    // Filtered on by the escalation timer (pending and due) and by retention and digests (raised since or before).
    columns: (a): Record<string, string | boolean> => ({
      raisedAt: a.alert.raisedAt,
      escalationPending: a.escalation !== undefined && a.escalation.sentAt === undefined,
      ...(a.escalation ? { escalationDueAt: a.escalation.dueAt } : {}),
    }),
    retention: {
      holds: 'community alerts, acknowledgements (organisation, name, time), settled delivery counts',
      retention: 'the incident retention after raised',
      enforcedBy: 'retention run (bot/alerts/repository.ts purgeAlertsRaisedBefore)',
    },
  }),
  alertTimeline: table({
    name: 'AlertTimeline',
    schema: AlertTimelineRow,
    keys: alertTimelineKeys,
    columns: alertTimelineColumns,
    retention: {
      holds: 'which alert was raised when, for which boroughs (alert id, time, boroughs; no text, no personal data)',
      retention: 'as long as its alert',
      enforcedBy: 'retention run: deleted with its alert (bot/alerts/repository.ts purgeAlertsRaisedBefore)',
    },
  }),
  alertDeliveries: table({
    name: 'AlertDeliveries',
    schema: AlertDelivery,
    // One partition per alert: its channels are one partition read, however many there are.
    keys: (d) => alertDeliveryKeys(d.alertId, d.conversationId),
    retention: {
      holds: 'which channels an alert was posted to (conversation and outbox item ids; no personal data)',
      retention: 'as long as its alert',
      enforcedBy: 'retention run: deleted with its alert (bot/alerts/repository.ts purgeAlertsRaisedBefore)',
    },
  }),
};

declare module '../store/store' {
  interface StoreTables extends TablesOf<typeof ALERT_TABLES> {}
}
