import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { acknowledgeAlert } from './acknowledge';
import { renderAlertCard } from './views';
import { alertViewFor } from './rules/userView';

/** The Acknowledge button: records it and answers with the refreshed alert card. */
export async function acknowledgeFromCard(ctx: AppContext, caller: Caller, data: unknown): Promise<AdaptiveCard> {
  const parsed = z.object({ alertId: z.string().min(3).max(100) }).safeParse(data);
  if (!parsed.success) return messageCard({ title: 'That button was out of date', text: 'Type **alerts** to see current alerts.', tone: 'warning' });
  const result = await acknowledgeAlert(ctx, caller, parsed.data.alertId);
  // The presser's own view ("your organisation acknowledged at …"); the channel's card is updated for everyone by the outbox.
  if (result.ok) return renderAlertCard(ctx, result.record, alertViewFor(result.record, caller.organisation?.id));
  const reasons = {
    'not-found': 'That alert no longer exists.',
    'not-allowed': 'Only registered partner staff can acknowledge alerts. Ask your Concordat administrator to add you.',
    'not-expected': 'Your organisation is not one of those this alert asks to acknowledge it.',
  } as const;
  ctx.log.info('acknowledgement refused', { alert: parsed.data.alertId, reason: result.reason, by: caller.aadObjectId });
  return messageCard({ title: 'Not acknowledged', text: reasons[result.reason], tone: 'warning' });
}
