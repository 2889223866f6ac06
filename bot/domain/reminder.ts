import { z } from 'zod';
import { Id, Instant } from './common';

export const ReminderKind = z.enum(['before', 'outcomes', 'escalation', 'digest']);
export type ReminderKind = z.infer<typeof ReminderKind>;

/**
 * A message due at a time. A worker claims it by writing a lease with the
 * row's ETag, so two workers cannot both send it.
 */
export const Reminder = z.object({
  id: Id,
  kind: ReminderKind,
  subjectId: Id,
  dueAt: Instant,
  status: z.enum(['pending', 'claimed', 'sent', 'cancelled', 'skipped']),
  leaseUntil: Instant.optional(),
  sentAt: Instant.optional(),
  late: z.boolean().default(false),
  /** The subject's version this reminder was planned for: a reminder of an older version is stale. */
  subjectVersion: z.number().int().min(1).optional(),
  /** For `before`: minutes before the start it was planned at; for `outcomes`: minutes after the end. */
  offsetMin: z.number().int().min(0).optional(),
  /** Why it was not sent (cancelled, superseded, the operation had ended). */
  reason: z.string().max(200).optional(),
})
  .refine((r) => (r.status === 'claimed') === (r.leaseUntil !== undefined), {
    message: 'a claimed reminder has a lease, and only a claimed one',
    path: ['leaseUntil'],
  })
  .refine((r) => (r.status === 'sent') === (r.sentAt !== undefined), {
    message: 'a sent reminder records when',
    path: ['sentAt'],
  });
export type Reminder = z.infer<typeof Reminder>;

/** The Reminders table's partition for a due time: one UTC day. */
export function reminderPartition(dueAt: string): string {
  return `due-${dueAt.slice(0, 10)}`;
}
