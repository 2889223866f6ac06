import { randomUUID } from 'node:crypto';
import type { IncidentWeekMark, IncidentWeekStats } from './model';

/**
 * The operation every incident write adds to its transaction: a new nonce on
 * the partition's change marker, so digests know their cached week stats are
 * out of date (docs/storage.md "Weekly digests"). An upsert: writers never
 * contend on it, so it adds no retries to reporting.
 */
export function weekMarkOp(partitionKey: string, at: string): { op: 'upsert'; value: IncidentWeekMark } {
  return { op: 'upsert', value: { kind: 'weekMark', partitionKey, nonce: randomUUID(), at } };
}

/**
 * Retention clears area names: the cached stats of that week (which hold area
 * names of hotspots) are emptied in the same transaction, and stay stale
 * (their mark matches no marker) until a digest recomputes them.
 */
export function clearWeekStatsOp(partitionKey: string, at: string): { op: 'upsert'; value: IncidentWeekStats } {
  return {
    op: 'upsert',
    value: { kind: 'weekStats', partitionKey, mark: 'cleared', computedAt: at, stats: { incidents: 0, byCategory: {}, highByCategory: {}, hotspots: [] } },
  };
}
