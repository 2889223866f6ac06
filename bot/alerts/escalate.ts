import type { AppContext } from '../kernel/context';
import { escalationsDue, markEscalationSent } from './repository';

/**
 * A high-severity alert that some expected organisation has not acknowledged
 * in time gets one escalation reminder in the same channels. Claimed with
 * the alert row's ETag, so concurrent runs send it once.
 */
export async function escalateOverdueAlerts(ctx: AppContext): Promise<{ escalated: number }> {
  const now = ctx.clock().toISOString();
  const due = await escalationsDue(ctx, now);
  let escalated = 0;
  const run: { names?: Map<string, string> } = {};
  for (const { record: value, etag } of due) {
    const acked = new Set(value.acknowledgements.map((a) => a.organisationId));
    const missing = value.expectedOrganisations.filter((o) => !acked.has(o));
    const expired = Date.parse(value.alert.expiresAt) <= Date.parse(now);
    if (missing.length > 0 && !expired) {
      // Posting (organisation names, the alert's channels, the outbox) loads when an alert is overdue: the timer
      // runs every minute and most runs find none.
      const { postEscalation } = await import('./escalationPost');
      await postEscalation(ctx, value, missing, run);
      escalated++;
    }
    // False when an acknowledgement landed meanwhile: the next run re-reads.
    await markEscalationSent(ctx, value, etag, now);
  }
  return { escalated };
}
