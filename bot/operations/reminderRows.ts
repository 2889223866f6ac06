import type { AppContext } from '../kernel/context';
import { cancelBatch } from '../outbox/enqueue';
import type { JointOperation, Reminder } from './model';
import { mutateReminder } from './repository';
import { allReminders, planReminders } from './rules/reminderSchedule';

/** The outbox batch a reminder's messages go in: cancelling the batch stops whatever has not gone yet. */
export const reminderBatch = (reminderId: string) => `rem.${reminderId}`;

/** Stores the reminders of this version of the operation. Idempotent: a reminder that exists is left as it is. */
export async function storeReminders(ctx: AppContext, op: JointOperation): Promise<Reminder[]> {
  const planned = planReminders(op, ctx.clock(), ctx.config.timeZone);
  const stored: Reminder[] = [];
  for (const p of planned) {
    const row = await mutateReminder(ctx, p, (current) =>
      current ? undefined : { ...p, status: 'pending' as const, late: false },
    );
    if (row) stored.push(row.value);
  }
  return stored;
}

/**
 * Retires the reminders of one version of an operation (moved or cancelled).
 * Pending ones are cancelled; for any already claimed or sent, whatever they
 * put in the outbox that has not gone yet is cancelled too. The keys come from
 * the plan itself, so this is point reads, not a scan. The reminder engine
 * also checks the operation, so a crash half way through sends nothing stale.
 */
export async function retireReminders(ctx: AppContext, op: JointOperation, reason: string): Promise<void> {
  for (const p of allReminders(op, ctx.config.timeZone)) {
    const row = await mutateReminder(ctx, p, (current) => {
      if (!current || current.status !== 'pending') return undefined;
      return { ...current, status: 'cancelled' as const, reason };
    });
    if (row && (row.value.status === 'claimed' || row.value.status === 'sent')) await cancelBatch(ctx, reminderBatch(p.id));
  }
}
