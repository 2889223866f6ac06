import type { InvocationContext, Timer } from '@azure/functions';
import { z } from 'zod';
import { DEFAULT_RETENTION_MONTHS } from '../bot/domain/retention';
import { applyRetention } from '../bot/incidents/retention';
import type { Runtime } from '../bot/runtime';

/** INCIDENT_RETENTION_MONTHS: how long incident details are kept (default 13 months). */
const RetentionSetting = z.coerce.number().int().min(1).max(120).default(DEFAULT_RETENTION_MONTHS);

/** Timer: anonymise incidents past the retention period, daily at night. */
export async function retention(_timer: Timer, context: InvocationContext, runtime: Runtime): Promise<void> {
  const months = RetentionSetting.parse(process.env.INCIDENT_RETENTION_MONTHS?.trim() || undefined);
  const result = await applyRetention(runtime.ctx, { months });
  context.log(`retention: cutoff ${result.cutoff}, anonymised ${result.anonymised.length}, failed ${result.failed.length}`);
}
