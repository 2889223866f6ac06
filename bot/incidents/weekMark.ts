import { randomUUID } from 'node:crypto';
import type { IncidentWeekMark } from './model';

/**
 * The operation every incident write adds to its transaction: a new nonce on
 * the partition's change marker, so digests know their cached week figures
 * are out of date (docs/storage.md "Weekly digests"). An upsert: writers
 * never contend on it, so it adds no retries to reporting.
 */
export function weekMarkOp(partitionKey: string, at: string): { op: 'upsert'; value: IncidentWeekMark } {
  return { op: 'upsert', value: { kind: 'weekMark', partitionKey, nonce: randomUUID(), at } };
}
