import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { z } from 'zod';
import { OUTCOME_COUNTS, type JointOperation } from './model';
import { canRecordOutcomes } from './rules/access';
import { parseOutcomesForm, type FieldErrors, type OutcomesFormField } from './rules/form';
import { ConcurrencyError } from '../store/errors';
import { auditOperation, auditOperationRefusal } from './audit';
import { OperationAction } from './change';
import { updateChannelPosts, updateReminderPosts } from './publish';
import { loadDirectory, loadOperation, saveOperation } from './repository';
import { channelCard } from './views';

export type OutcomesResult =
  | { kind: 'not-found' }
  | { kind: 'refused'; op: JointOperation }
  | { kind: 'closed'; op: JointOperation; why: string }
  /** The card was shown before the operation was moved or before outcomes were recorded: nothing is overwritten. */
  | { kind: 'stale'; op: JointOperation }
  | { kind: 'invalid'; op: JointOperation; values: Record<OutcomesFormField, string>; errors: FieldErrors<OutcomesFormField> }
  | { kind: 'recorded'; op: JointOperation };

/** What the card was showing: its version, and when the outcomes on it were recorded ('' or absent: none). */
const CardBase = z.object({ basedOn: z.string().max(40).optional() }).passthrough();

const sameOutcomes = (a: NonNullable<JointOperation['outcomes']>, b: Omit<NonNullable<JointOperation['outcomes']>, 'recordedBy' | 'recordedAt'>) =>
  OUTCOME_COUNTS.every((k) => a[k] === b[k]) && (a.notes ?? '') === (b.notes ?? '');

/**
 * The lead records what the operation achieved; it is stored with the
 * operation and feeds the digest. Like move and cancel, a card older than the
 * stored operation is refused (shown again as it is now), so two leads, or
 * one card pressed twice with different numbers, never silently overwrite
 * recorded outcomes; the same submission retried is accepted once.
 */
export async function recordOutcomes(ctx: AppContext, caller: Caller, raw: unknown): Promise<OutcomesResult> {
  const action = OperationAction.safeParse(raw);
  const stored = action.success ? await loadOperation(ctx, action.data.operationId) : undefined;
  if (!action.success || !stored) return { kind: 'not-found' };
  const op = stored.value;
  const member = caller.member;
  if (!member || !canRecordOutcomes(member, op)) {
    await auditOperationRefusal(ctx, caller, op.id, 'outcomes refused: not its coordinator or the lead agency');
    return { kind: 'refused', op };
  }
  const now = ctx.clock();
  if (op.status === 'cancelled') return { kind: 'closed', op, why: 'it was cancelled' };
  if (Date.parse(op.startsAt) > now.getTime()) return { kind: 'closed', op, why: 'it has not started yet' };
  const form = parseOutcomesForm(raw);
  if (!form.ok) return { kind: 'invalid', op, values: form.values, errors: form.errors };
  const basedOn = CardBase.safeParse(raw).data?.basedOn ?? '';
  const isCurrent = (o: JointOperation) =>
    (action.data.version === undefined || action.data.version === o.version) && (o.outcomes?.recordedAt ?? '') === basedOn;
  if (!isCurrent(op)) {
    // The same submission retried after it was stored: already done.
    if (op.outcomes && sameOutcomes(op.outcomes, form.value)) return { kind: 'recorded', op };
    return { kind: 'stale', op };
  }

  const outcomes = { ...form.value, recordedBy: member.aadObjectId, recordedAt: now.toISOString() };
  let saved: JointOperation;
  try {
    saved = (await saveOperation(ctx, stored, { ...op, status: 'completed', outcomes })).value;
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    // Someone else changed it meanwhile: apply only if the card is still current for the newest row.
    const latest = (await loadOperation(ctx, op.id))?.value ?? op;
    if (latest.status === 'cancelled') return { kind: 'closed', op: latest, why: 'it was cancelled' };
    return { kind: 'stale', op: latest };
  }
  await auditOperation(ctx, member, op.id, 'alteration', { note: op.outcomes ? 'outcomes updated' : 'outcomes recorded' });
  const dir = await loadDirectory(ctx);
  const card = channelCard(saved, dir, ctx.config.timeZone, now);
  await updateChannelPosts(ctx, saved, `outcomes-${now.getTime()}`, card, `Joint operation completed: ${saved.name}`);
  // The reminder and "outcomes are due" posts in the channel say completed too.
  await updateReminderPosts(ctx, saved, `outcomes-${now.getTime()}`, card, `Joint operation completed: ${saved.name}`);
  return { kind: 'recorded', op: saved };
}
