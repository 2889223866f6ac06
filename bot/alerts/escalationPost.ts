import type { AppContext } from '../kernel/context';
import { stableId } from '../common/stableId';
import { enqueue } from '../outbox/enqueue';
import { organisationNames } from '../referenceData';
import { toAlertChannels } from './channels';
import type { AlertRecord } from './model';
import { listOf } from '../../cards/format';

/**
 * Posting one escalation reminder (bot/alerts/escalate.ts): loaded when an alert is overdue, not by every run of
 * the minutely timer, most of which find none. `names` is shared by one run's escalations (read once).
 */
export async function postEscalation(ctx: AppContext, value: AlertRecord, missing: string[], run: { names?: Map<string, string> }): Promise<void> {
  const names = (run.names ??= await organisationNames(ctx));
  // Card modules load when there is something to post: an idle timer run never loads the card templating (cold start).
  const { messageCard } = await import('../../cards/message');
  const card = messageCard({
    title: `Reminder: high alert not yet acknowledged — ${value.alert.title}`,
    text: `Still awaiting acknowledgement from ${listOf(missing.map((m) => names.get(m) ?? m))}. Please open the alert above and press Acknowledge.`,
    tone: 'attention',
  });
  // Enqueue before marking: item ids are deterministic, so a repeat run adds nothing, and a crash loses nothing.
  await enqueue(
    ctx,
    `${value.batchId}.escalation`,
    await toAlertChannels(ctx, value, (p) => ({ id: stableId(`${value.alert.id}.esc`, p.conversationId), payload: { card, summary: 'Alert not yet acknowledged' } })),
  );
}
