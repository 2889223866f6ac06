import type { InvocationContext, Timer } from '@azure/functions';
import { runDueReminders } from '../bot/operations/reminderEngine';
import type { Runtime } from '../bot/runtime';

/** Timer: puts due joint-operation reminders into the outbox (the outbox timer sends them). */
export async function reminders(_timer: Timer, _context: InvocationContext, runtime: Runtime): Promise<void> {
  await runDueReminders(runtime.ctx);
}
