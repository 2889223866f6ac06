import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { deliveryTo, findAlert } from './repository';
import type { AlertRecord } from './model';
import { alertViewFor, type AlertView } from './rules/userView';

export type AlertViewResult = { ok: true; record: AlertRecord; view: AlertView } | { ok: false; reason: 'not-found' | 'not-posted-here' };

/**
 * One person's view of an alert card where it was posted: what Teams asks
 * for when the card's `refresh` runs. Answered from the store on every
 * request (the person's organisation from the directory, the
 * acknowledgements from the alert), and only in a conversation the alert
 * was posted to, so the verb cannot be used to read an alert from elsewhere.
 * Not audited: it shows exactly what the channel's card shows everyone,
 * with no personal data, and Teams sends one per viewer per minute.
 */
export async function viewAlertCard(ctx: AppContext, caller: Caller, alertId: string, conversationId: string): Promise<AlertViewResult> {
  const [record, delivery] = await Promise.all([findAlert(ctx, alertId), deliveryTo(ctx, alertId, conversationId)]);
  if (!record) return { ok: false, reason: 'not-found' };
  if (!delivery && !(record.posts ?? []).some((p) => p.conversationId === conversationId)) return { ok: false, reason: 'not-posted-here' };
  return { ok: true, record, view: alertViewFor(record, caller.member ? caller.organisation?.id : undefined) };
}
