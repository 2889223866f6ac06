import type { InvocationContext, Timer } from '@azure/functions';
import { z } from 'zod';
import { runSender } from '../bot/outbox/run';
import type { Runtime } from '../bot/runtime';
import { lazySchema } from '../bot/common/lazySchema';

/** Within the host's 5-minute function timeout, with room to record the last sends. */
const BUDGET_MS = 4 * 60_000;

/** Timer, every 2 minutes: the safety net that sends whatever a lost wake left in the outbox. */
export async function outbox(_timer: Timer, _context: InvocationContext, runtime: Runtime): Promise<void> {
  await runSender(runtime.ctx, runtime.transport, { budgetMs: BUDGET_MS });
}

/** What a wake message holds. Only a hint: nothing in it is trusted, so any well-formed message wakes the sender. */
const WakeMessage = lazySchema(() => z.object({ wake: z.literal('outbox') }));

/**
 * Queue trigger: an enqueue (or a retry coming due) woke the sender. Sends at
 * once if no other instance is sending; otherwise asks that one to go again.
 */
export async function outboxWake(message: unknown, context: InvocationContext, runtime: Runtime): Promise<void> {
  // The host hands over the decoded JSON; anything else is logged and still treated as a wake (it cannot do harm).
  if (!WakeMessage.safeParse(message).success) context.warn('outboxWake: unexpected message body; waking the sender anyway');
  await runSender(runtime.ctx, runtime.transport, { budgetMs: BUDGET_MS });
}
