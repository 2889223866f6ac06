import type { InvocationContext, Timer } from '@azure/functions';
import { runDigests } from '../bot/digests/deliver';
import type { Runtime } from '../bot/runtime';

/** Timer: each subscription's weekly digest into the outbox once its local day and time has passed (the outbox timer sends them). */
export async function digests(_timer: Timer, _context: InvocationContext, runtime: Runtime): Promise<void> {
  await runDigests(runtime.ctx);
}
