/**
 * The reminder engine, run every minute by functions/reminders.ts.
 *
 * For each reminder due by now: claim it by writing a lease with the ETag
 * that was read (two runs at once: one claim wins, the other skips), put its
 * messages into the outbox with ids derived from the reminder and the
 * recipient, then mark it sent. A crash after the outbox write and before
 * "sent" leaves a claim whose lease runs out; the next run claims it again
 * and enqueues the same ids, which the outbox stores once: never sent twice.
 */
import type { AppContext } from '../kernel/context';
import { dueReminders } from './repository';

export interface ReminderRunOptions {
  /** How long a claim holds before another run may take the reminder over. */
  leaseMs?: number;
  /** How far back missed reminders are looked for (downtime longer than this is not caught up). */
  lookbackDays?: number;
  maxReminders?: number;
}

export interface ReminderRunResult {
  sent: number;
  late: number;
  dropped: number;
  busy: number;
}


export async function runDueReminders(ctx: AppContext, options: ReminderRunOptions = {}): Promise<ReminderRunResult> {
  const opts = { leaseMs: 2 * 60_000, lookbackDays: 14, maxReminders: 500, ...options };
  const now = ctx.clock();
  const result: ReminderRunResult = { sent: 0, late: 0, dropped: 0, busy: 0 };
  const due = (await dueReminders(ctx, now, opts.lookbackDays)).slice(0, opts.maxReminders);
  if (due.length === 0) return result;

  // Sending (the directory and private chats for the recipients, the operation, the outbox and notices) loads when
  // a reminder is due, not in every run: the timer runs every minute and most runs find none due.
  const { processReminder, sharedReads } = await import('./reminderSend');
  // Read once per run: who can be reached privately, and names for the cards.
  const shared = await sharedReads(ctx);
  for (const row of due) {
    const outcome = await processReminder(ctx, row, opts.leaseMs, shared);
    if (outcome === 'sent-late') {
      result.sent++;
      result.late++;
    } else result[outcome]++;
  }
  if (result.sent + result.dropped > 0) ctx.log.info('reminders run', { ...result });
  return result;
}
