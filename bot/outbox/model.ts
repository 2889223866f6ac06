import { z } from 'zod';
import { Instant } from '../common/common';
import { MAX_PACING_TEXT, PACING_TEXT } from './pacer';
import { lazySchema } from '../common/lazySchema';

/** Where an outbox item goes: enough of a conversation reference to continue it. */
export const Target = lazySchema(() => z.object({
  conversationId: z.string().min(1),
  serviceUrl: z.string().url(),
  tenantId: z.string(),
  kind: z.enum(['personal', 'groupChat', 'channel']),
}));
export type Target = z.infer<typeof Target>;

/** The target part of any stored conversation reference (the outbox knows no slice's shape, only these fields). */
export function targetOf(ref: Target): Target {
  return { conversationId: ref.conversationId, serviceUrl: ref.serviceUrl, tenantId: ref.tenantId, kind: ref.kind };
}

/** What to send. `update` replaces the activity an earlier item posted (cards kept current). */
export const OutboxPayload = lazySchema(() => z.object({
  card: z.record(z.unknown()).optional(),
  text: z.string().max(4000).optional(),
  /** Shown in notifications and activity feeds instead of "sent a card". */
  summary: z.string().max(200).optional(),
}).refine((p) => p.card !== undefined || p.text !== undefined, { message: 'a message has a card or text' }));
export type OutboxPayload = z.infer<typeof OutboxPayload>;

const ItemId = lazySchema(() => z.string().regex(/^[A-Za-z0-9:._-]{3,200}$/, 'letters, digits and : . _ -'));

export const OutboxStatus = lazySchema(() => z.enum(['pending', 'sent', 'dead', 'gone', 'cancelled']));

export const OutboxItem = lazySchema(() => z.object({
  /** Deterministic from what the item is for, so enqueueing twice stores one item. */
  id: ItemId,
  /** Items of one fan-out (an alert, a priorities update) share a batch for delivery tracking. */
  batchId: ItemId,
  target: Target,
  /**
   * The message itself, until the item is finished: the sender removes it
   * on sending (or dead-lettering, or giving up), so personal details in a
   * card (e.g. an incident's details sent to a private chat) do not stay in
   * storage after they were delivered. The row keeps delivery metadata only.
   */
  payload: OutboxPayload.optional(),
  payloadRemovedAt: Instant.optional(),
  /** Post a new activity, or update the one that item `updateOf` posted. */
  operation: z.enum(['post', 'update']),
  updateOf: z.object({ batchId: ItemId, id: ItemId }).optional(),
  status: OutboxStatus,
  attempts: z.number().int().min(0),
  createdAt: Instant,
  nextAttemptAt: Instant,
  leaseUntil: Instant.optional(),
  sentAt: Instant.optional(),
  activityId: z.string().optional(),
  lastError: z.string().max(500).optional(),
  /** Posts refused with 403/404 ("the bot is not in this conversation") so far: evidence, not yet proof. */
  goneStrikes: z.number().int().min(0).optional(),
  /** Dead letters of items that are themselves notifications do not notify again. */
  notifyOnDeadLetter: z.boolean(),
})
  .refine((i) => (i.operation === 'update') === (i.updateOf !== undefined), { message: 'an update names the item it updates', path: ['updateOf'] })
  .refine((i) => i.status !== 'sent' || (i.sentAt !== undefined && i.activityId !== undefined), { message: 'a sent item records when and its activity id', path: ['sentAt'] })
  .refine((i) => i.status !== 'pending' || i.payload !== undefined, { message: 'an item waiting to be sent has its message', path: ['payload'] }));
export type OutboxItem = z.infer<typeof OutboxItem>;

/** The index row that makes "what is due now" one partition range read. */
export const OutboxDue = lazySchema(() => z.object({ itemId: ItemId, batchId: ItemId, dueAt: Instant }));
export type OutboxDue = z.infer<typeof OutboxDue>;

/**
 * The one sender lease (table OutboxLease, a single row): whoever holds it is
 * the only instance sending, so one in-process pacer paces everything, however
 * many instances are woken. Others that find it held bump `wakes` (an
 * ETag-guarded write), which makes the holder's release fail and run another
 * pass: no wake is lost between "nothing left" and "released".
 */
export const SenderLease = lazySchema(() => z.object({
  name: z.literal('outbox'),
  /** Empty when free. */
  holder: z.string().max(100),
  until: Instant,
  wakes: z.number().int().min(0),
  /** Epoch ms of the next free send slot when the last holder let go: the next holder's pace starts there. */
  nextSlotAt: z.number().int().min(0),
  /**
   * The last holder's recent sends (pacer.ts, PacerState: hashed conversation keys and send times, nothing
   * else), so the next holder keeps Teams' per-app and per-conversation limits across the hand-over. Text this
   * code cannot read is dropped rather than failing the row: the pace then restarts from nextSlotAt.
   */
  pacing: z.string().max(MAX_PACING_TEXT).regex(PACING_TEXT).optional().catch(undefined),
}));
export type SenderLease = z.infer<typeof SenderLease>;
