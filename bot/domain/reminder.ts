import { z } from 'zod';
import { Id, Instant } from './common';

export const ReminderKind = z.enum(['before', 'outcomes', 'escalation', 'digest']);

/**
 * A message due at a time. A worker claims it by writing a lease with the
 * row's ETag, so two workers cannot both send it.
 */
export const Reminder = z.object({
  id: Id,
  kind: ReminderKind,
  subjectId: Id,
  dueAt: Instant,
  status: z.enum(['pending', 'claimed', 'sent', 'cancelled']),
  leaseUntil: Instant.optional(),
  sentAt: Instant.optional(),
  late: z.boolean().default(false),
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
