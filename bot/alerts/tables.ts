import type { BoroughId } from '../shared/borough';
import { newestFirst } from '../search/rules/keys';
import type { AlertTimelineRow } from './model';

/**
 * Keys of the alerts slice's tables: the only place they are spelt.
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
 */
export const ALERT_PARTITION = 'alert';
export const alertKeys = (alertId: string) => ({ partitionKey: ALERT_PARTITION, rowKey: alertId });

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
