import type { InvocationContext, Timer } from '@azure/functions';
import { drainOutbox } from '../bot/outbox/sender';
import type { Runtime } from '../bot/runtime';

/** Timer: sends what is due in the outbox, paced to Teams' limits. */
export async function outbox(_timer: Timer, _context: InvocationContext, runtime: Runtime): Promise<void> {
  await drainOutbox(runtime.ctx, runtime.transport, { budgetMs: 4 * 60_000 });
}
