import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { Instant } from '../common/common';
import { AuditEvent } from './event';
import { lazySchema } from '../common/lazySchema';

/**
 * The audit log (DPA 2018 s.62) as a hash chain per partition (one
 * partition per subject, e.g. `incident:STO-2026-000123`).
 *
 * Keys: bot/audit/tables.ts.
 * - `e<seq>` rows hold the events, numbered 1, 2, 3... in append order; each
 *   carries the previous row's hash and its own:
 *   hash = HMAC-SHA256(key, partition, seq, prevHash, event JSON).
 * - `~head` holds the last sequence number and hash, and (after the
 *   retention run pruned the oldest events) the anchor the remaining chain
 *   starts from.
 * - `i|<event id>` rows make an append idempotent: the same event id is
 *   logged once, however often a retry writes it.
 *
 * An append writes the event, its id row and the moved head in one entity
 * group transaction; the head is ETag-guarded and the event row is created
 * once, so two concurrent writers cannot both extend the chain from the same
 * head (one gets a conflict and appends after the other): no fork.
 */

export const GENESIS = '0'.repeat(64);

const Hash = lazySchema(() => z.string().regex(/^[0-9a-f]{64}$/));

export const AuditEventRow = lazySchema(() => z.object({
  kind: z.literal('event'),
  partitionKey: z.string().min(1),
  seq: z.number().int().min(1),
  prevHash: Hash,
  hash: Hash,
  event: AuditEvent,
}));
export type AuditEventRow = z.infer<typeof AuditEventRow>;

export const AuditHeadRow = lazySchema(() => z.object({
  kind: z.literal('head'),
  partitionKey: z.string().min(1),
  /** The last event's sequence number and hash (0 and GENESIS before the first). */
  seq: z.number().int().min(0),
  hash: Hash,
  /** Events up to and including anchor.seq were deleted by retention; the chain resumes from anchor.hash. */
  anchor: z.object({ seq: z.number().int().min(1), hash: Hash, prunedAt: Instant }).optional(),
}));
export type AuditHeadRow = z.infer<typeof AuditHeadRow>;

export const AuditIdRow = lazySchema(() => z.object({
  kind: z.literal('id'),
  partitionKey: z.string().min(1),
  eventId: z.string().min(8),
  seq: z.number().int().min(1),
}));
export type AuditIdRow = z.infer<typeof AuditIdRow>;

export const AuditRow = lazySchema(() => z.discriminatedUnion('kind', [AuditEventRow, AuditHeadRow, AuditIdRow]));
export type AuditRow = z.infer<typeof AuditRow>;

/**
 * The hash of one link. The event is hashed as its canonical stored JSON
 * (AuditEvent parses to a fixed key order), together with where it sits
 * (partition and position), so a row cannot be moved, reordered or edited
 * without the verifier noticing. Keyed with AUDIT_CHAIN_KEY when configured:
 * then someone holding only the storage key cannot recompute a chain.
 */
export function linkHash(key: string, partitionKey: string, seq: number, prevHash: string, event: AuditEvent): string {
  return createHmac('sha256', key).update(`${partitionKey}\n${seq}\n${prevHash}\n${JSON.stringify(event)}`).digest('hex');
}
