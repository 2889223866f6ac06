import type { AppContext } from '../context';
import type { Caller } from '../conversation/user';
import type { JointOperation } from '../domain/operation';
import { canRecordOutcomes } from '../domain/operationAccess';
import { parseOutcomesForm, type FieldErrors, type OutcomesFormField } from '../domain/operationForm';
import { ConcurrencyError } from '../store/errors';
import { auditOperation, auditOperationRefusal } from './audit';
import { OperationAction } from './change';
import { updateChannelPosts } from './publish';
import { loadDirectory, loadOperation } from './repository';
import { channelCard } from './views';

export type OutcomesResult =
  | { kind: 'not-found' }
  | { kind: 'refused'; op: JointOperation }
  | { kind: 'closed'; op: JointOperation; why: string }
  | { kind: 'invalid'; op: JointOperation; values: Record<OutcomesFormField, string>; errors: FieldErrors<OutcomesFormField> }
  | { kind: 'recorded'; op: JointOperation };

/** The lead records what the operation achieved; it is stored with the operation and feeds the digest. */
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

  const outcomes = { ...form.value, recordedBy: member.aadObjectId, recordedAt: now.toISOString() };
  let saved: JointOperation;
  try {
    saved = (await ctx.store.operations.update({ ...op, status: 'completed', outcomes }, stored.etag)).value;
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    // Someone else changed it meanwhile (outcomes recorded twice at once): apply on the newest version.
    const again = await ctx.store.operations.mutate(stored.keys, (current) =>
      current && current.status !== 'cancelled' ? { ...current, status: 'completed' as const, outcomes } : undefined,
    );
    if (!again || again.value.status !== 'completed') return { kind: 'closed', op: again?.value ?? op, why: 'it was cancelled' };
    saved = again.value;
  }
  await auditOperation(ctx, member, op.id, 'alteration', { note: op.outcomes ? 'outcomes updated' : 'outcomes recorded' });
  const dir = await loadDirectory(ctx);
  await updateChannelPosts(ctx, saved, `outcomes-${now.getTime()}`, channelCard(saved, dir, ctx.config.timeZone, now), `Joint operation completed: ${saved.name}`);
  return { kind: 'recorded', op: saved };
}
