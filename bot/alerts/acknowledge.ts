import { recordAudit } from '../audit/record';
import type { AppContext } from '../kernel/context';
import { auditRouteRefusal } from '../conversation/refusalAudit';
import { EntraObjectId } from '../common/member';
import { canAcknowledge, type Actor } from '../common/permissions';
import { stableId } from '../common/stableId';
import { enqueue } from '../outbox/enqueue';
import { toAlertChannels } from './channels';
import type { AlertRecord } from './model';
import { renderAlertCard } from './views';
import { findAlert, mutateAlert } from './repository';

export type AckResult =
  | { ok: true; record: AlertRecord; changed: boolean }
  | { ok: false; reason: 'not-found' | 'not-allowed' | 'not-expected' };

/**
 * Records that the caller's organisation has seen the alert, then updates
 * every channel's copy of the card so all partners see who has acknowledged.
 */
export async function acknowledgeAlert(ctx: AppContext, actor: Actor & { displayName: string; aadObjectId?: string }, alertId: string): Promise<AckResult> {
  const refuse = async (reason: 'not-found' | 'not-allowed' | 'not-expected'): Promise<AckResult> => {
    // A refusal is audited: a button naming an alert the organisation was not asked about is a tampered one.
    // An alert that does not exist is recorded against the action, bounded, never under the id the button made up.
    if (reason === 'not-found') {
      await auditRouteRefusal(ctx, { aadObjectId: actor.aadObjectId, organisationId: actor.organisation?.id }, 'action:alert.ack', 'acknowledgement refused: no such alert');
    } else if (EntraObjectId.safeParse(actor.aadObjectId).success) {
      await recordAudit(ctx, {
        action: 'refusal',
        actor: { aadObjectId: actor.aadObjectId!, organisationId: actor.organisation?.id },
        subject: { type: 'alert', id: alertId },
        note: `acknowledgement refused: ${reason}`,
      });
    }
    return { ok: false, reason };
  };
  if (!canAcknowledge(actor)) return refuse('not-allowed');
  const orgId = actor.organisation!.id;
  const current = await findAlert(ctx, alertId);
  if (!current) return refuse('not-found');
  if (!current.expectedOrganisations.includes(orgId)) return refuse('not-expected');

  let changed = false;
  const stored = await mutateAlert(ctx, alertId, (r) => {
    if (!r || r.acknowledgements.some((a) => a.organisationId === orgId)) return undefined;
    changed = true;
    return { ...r, acknowledgements: [...r.acknowledgements, { organisationId: orgId, byName: actor.displayName, at: ctx.clock().toISOString() }] };
  });
  const record = stored!;
  if (changed) {
    const card = await renderAlertCard(ctx, record);
    await enqueue(
      ctx,
      `${record.batchId}.acks`,
      await toAlertChannels(ctx, record, (p) => ({
        id: stableId(`${record.alert.id}.ack`, orgId, p.conversationId),
        payload: { card },
        updateOf: { batchId: record.batchId, id: p.itemId },
      })),
    );
  }
  return { ok: true, record, changed };
}
