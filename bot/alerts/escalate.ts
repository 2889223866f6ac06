import type { AppContext } from '../kernel/context';
import { stableId } from '../shared/stableId';
import { enqueue } from '../outbox/enqueue';
import { organisationNames } from '../referenceData';
import { toAlertChannels } from './channels';
import { escalationsDue, markEscalationSent } from './repository';
import { listOf } from '../../cards/format';

/**
 * A high-severity alert that some expected organisation has not acknowledged
 * in time gets one escalation reminder in the same channels. Claimed with
 * the alert row's ETag, so concurrent runs send it once.
 */
export async function escalateOverdueAlerts(ctx: AppContext): Promise<{ escalated: number }> {
  const now = ctx.clock().toISOString();
  const due = await escalationsDue(ctx, now);
  let escalated = 0;
  let names: Map<string, string> | undefined;
  for (const { record: value, etag } of due) {
    const acked = new Set(value.acknowledgements.map((a) => a.organisationId));
    const missing = value.expectedOrganisations.filter((o) => !acked.has(o));
    const expired = Date.parse(value.alert.expiresAt) <= Date.parse(now);
    if (missing.length > 0 && !expired) {
      names ??= await organisationNames(ctx);
      // Card modules load when there is something to post: an idle timer run never loads the card templating (cold start).
      const { messageCard } = await import('../../cards/message');
      const card = messageCard({
        title: `Reminder: high alert not yet acknowledged — ${value.alert.title}`,
        text: `Still awaiting acknowledgement from ${listOf(missing.map((m) => names!.get(m) ?? m))}. Please open the alert above and press Acknowledge.`,
        tone: 'attention',
      });
      // Enqueue before marking: item ids are deterministic, so a repeat run adds nothing, and a crash loses nothing.
      await enqueue(
        ctx,
        `${value.batchId}.escalation`,
        await toAlertChannels(ctx, value, (p) => ({ id: stableId(`${value.alert.id}.esc`, p.conversationId), payload: { card, summary: 'Alert not yet acknowledged' } })),
      );
      escalated++;
    }
    // False when an acknowledgement landed meanwhile: the next run re-reads.
    await markEscalationSent(ctx, value, etag, now);
  }
  return { escalated };
}
