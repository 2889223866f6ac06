import type { InvocationContext, Timer } from '@azure/functions';
import { escalateOverdueAlerts } from '../bot/alerts/escalate';
import type { Runtime } from '../bot/runtime';

/** Timer: one reminder for high alerts not acknowledged in time. */
export async function escalations(_timer: Timer, _context: InvocationContext, runtime: Runtime): Promise<void> {
  await escalateOverdueAlerts(runtime.ctx);
}
