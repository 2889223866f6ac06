import type { InvocationContext, Timer } from '@azure/functions';
import { runRetention } from '../bot/retention/run';
import type { Runtime } from '../bot/runtime';

/**
 * Timer: the nightly retention run over every table (bot/retention/run.ts).
 * Its settings (INCIDENT_RETENTION_MONTHS and the others) are read and
 * checked at start-up by loadConfig, so a typo stops the app, not this run.
 * A step that fails has already been told to the administrators; the
 * invocation then fails too, so the host's monitoring records it.
 */
export async function retention(_timer: Timer, context: InvocationContext, runtime: Runtime): Promise<void> {
  const report = await runRetention(runtime.ctx);
  context.log(`retention: ${report.steps.map((s) => `${s.table} ${s.count}${s.error ? ' FAILED' : ''}`).join(', ')}`);
  if (report.failed.length > 0) {
    throw new Error(`retention incomplete: ${report.failed.map((s) => `${s.table}: ${s.error}`).join('; ')}`);
  }
}
