/**
 * Moving and cancelling an operation. The operation row changes first (with
 * its ETag, and its version goes up); then the follow-ups, each idempotent:
 * old reminders retired, new ones stored, channel posts updated, participants
 * told once (outbox ids carry the version), calendar event updated.
 */
import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { type JointOperation, hasEnded } from './model';
import { canManage } from './rules/access';
import { parseCancelForm, parseRescheduleForm, type ChangeFormField, type FieldErrors } from './rules/form';
import { ConcurrencyError } from '../store/errors';
import { auditOperation, auditOperationRefusal } from './audit';
import { cancelCalendarEvent, updateCalendarEvent } from './calendar';
import { sendPersonal, updateChannelPosts, updateReminderPosts } from './publish';
import { personalChats } from '../conversation/repository';
import { splitReachable } from './recipients';
import { retireReminders, storeReminders } from './reminderRows';
import { loadDirectory, loadOperation, saveOperation, type Directory } from './repository';
import type { Stored } from '../store/entityTable';
import { channelCard, participantNoticeCard } from './views';

export const OperationAction = z
  .object({ operationId: z.string().min(1).max(40), version: z.coerce.number().int().min(1).optional() })
  .passthrough();

export type ChangeResult =
  | { kind: 'not-found' }
  | { kind: 'refused'; op: JointOperation }
  | { kind: 'closed'; op: JointOperation; why: string }
  | { kind: 'stale'; op: JointOperation }
  | { kind: 'invalid'; op: JointOperation; values: Record<ChangeFormField, string>; errors: FieldErrors<ChangeFormField> }
  | { kind: 'rescheduled' | 'cancelled'; op: JointOperation; participantsTold: number };

type Precheck = { ok: true; op: JointOperation; stored: Stored<JointOperation>; version?: number } | { ok: false; result: ChangeResult };

async function precheck(ctx: AppContext, caller: Caller, raw: unknown): Promise<Precheck> {
  const action = OperationAction.safeParse(raw);
  const stored = action.success ? await loadOperation(ctx, action.data.operationId) : undefined;
  if (!action.success || !stored) return { ok: false, result: { kind: 'not-found' } };
  const op = stored.value;
  if (!canManage(caller.member, op)) {
    await auditOperationRefusal(ctx, caller, op.id, 'reschedule or cancel refused: not its coordinator or an administrator');
    return { ok: false, result: { kind: 'refused', op } };
  }
  return { ok: true, op, stored, version: action.data.version };
}

function whyClosed(op: JointOperation, now: Date): string | undefined {
  if (op.status === 'cancelled') return 'it has been cancelled';
  if (op.status === 'completed' || hasEnded(op, now)) return 'it has already ended';
  return undefined;
}

export async function rescheduleOperation(ctx: AppContext, caller: Caller, raw: unknown): Promise<ChangeResult> {
  const pre = await precheck(ctx, caller, raw);
  if (!pre.ok) return pre.result;
  const { op, stored, version } = pre;
  const now = ctx.clock();
  const form = parseRescheduleForm(raw, { now, timeZone: ctx.config.timeZone });

  // The same move submitted again (a retry after a timeout): finish its follow-ups, change nothing.
  if (form.ok && version === op.version - 1 && op.startsAt === form.value.startsAt && op.endsAt === form.value.endsAt && op.status === 'scheduled') {
    return afterReschedule(ctx, caller, op, undefined);
  }
  const closed = whyClosed(op, now);
  if (closed) return { kind: 'closed', op, why: closed };
  if (version !== undefined && version !== op.version) return { kind: 'stale', op };
  if (!form.ok) return { kind: 'invalid', op, values: form.values, errors: form.errors };
  if (form.value.startsAt === op.startsAt && form.value.endsAt === op.endsAt) {
    return { kind: 'invalid', op, values: form.values, errors: { startDate: 'that is when it is already: change the start or the end' } };
  }

  let moved: JointOperation;
  try {
    moved = (await saveOperation(ctx, stored, { ...op, startsAt: form.value.startsAt, endsAt: form.value.endsAt, version: op.version + 1 })).value;
  } catch (err) {
    if (err instanceof ConcurrencyError) return { kind: 'stale', op: (await loadOperation(ctx, op.id))?.value ?? op };
    throw err;
  }
  await auditOperation(ctx, caller.member!, op.id, 'alteration', { note: 'rescheduled' });
  await retireReminders(ctx, op, 'the operation was rescheduled');
  return afterReschedule(ctx, caller, moved, op);
}

async function afterReschedule(ctx: AppContext, caller: Caller, op: JointOperation, previous: JointOperation | undefined): Promise<ChangeResult> {
  const now = ctx.clock();
  const dir = await loadDirectory(ctx);
  await storeReminders(ctx, op);
  const card = channelCard(op, dir, ctx.config.timeZone, now);
  await updateChannelPosts(ctx, op, `v${op.version}`, card, `Joint operation moved: ${op.name}`);
  // Reminders already posted in channels for the old times now show the new ones.
  if (previous) await updateReminderPosts(ctx, previous, `v${op.version}`, card, `Joint operation moved: ${op.name}`);
  const told = await tellParticipants(ctx, caller, op, dir, 'rescheduled', previous);
  await updateCalendarEvent(ctx, op, dir);
  return { kind: 'rescheduled', op, participantsTold: told };
}

export async function cancelOperation(ctx: AppContext, caller: Caller, raw: unknown): Promise<ChangeResult> {
  const pre = await precheck(ctx, caller, raw);
  if (!pre.ok) return pre.result;
  const { op, stored, version } = pre;
  const now = ctx.clock();
  // Cancelled already by this very card (a retry): finish the follow-ups.
  if (op.status === 'cancelled' && version === op.version - 1) return afterCancel(ctx, caller, op);
  const closed = whyClosed(op, now);
  if (closed) return { kind: 'closed', op, why: closed };
  if (version !== undefined && version !== op.version) return { kind: 'stale', op };
  const form = parseCancelForm(raw);
  if (!form.ok) return { kind: 'invalid', op, values: form.values, errors: form.errors };

  let cancelled: JointOperation;
  try {
    cancelled = (
      await saveOperation(ctx, stored, { ...op, status: 'cancelled', cancelledAt: now.toISOString(), cancelReason: form.value.reason, version: op.version + 1 })
    ).value;
  } catch (err) {
    if (err instanceof ConcurrencyError) return { kind: 'stale', op: (await loadOperation(ctx, op.id))?.value ?? op };
    throw err;
  }
  await auditOperation(ctx, caller.member!, op.id, 'alteration', { note: 'cancelled' });
  return afterCancel(ctx, caller, cancelled, op);
}

async function afterCancel(ctx: AppContext, caller: Caller, op: JointOperation, previous?: JointOperation): Promise<ChangeResult> {
  const now = ctx.clock();
  const dir = await loadDirectory(ctx);
  // The version before the cancellation is the one whose reminders were live.
  await retireReminders(ctx, previous ?? { ...op, version: op.version - 1 }, 'the operation was cancelled');
  const card = channelCard(op, dir, ctx.config.timeZone, now);
  await updateChannelPosts(ctx, op, 'cancelled', card, `Joint operation cancelled: ${op.name}`);
  await updateReminderPosts(ctx, previous ?? { ...op, version: op.version - 1 }, 'cancelled', card, `Joint operation cancelled: ${op.name}`);
  const told = await tellParticipants(ctx, caller, op, dir, 'cancelled');
  await cancelCalendarEvent(ctx, op);
  return { kind: 'cancelled', op, participantsTold: told };
}

/** Once per change: the outbox ids carry the operation's version. The person making the change is not told. */
async function tellParticipants(
  ctx: AppContext,
  caller: Caller,
  op: JointOperation,
  dir: Directory,
  event: 'rescheduled' | 'cancelled',
  previous?: JointOperation,
): Promise<number> {
  const now = ctx.clock();
  const people = [...new Set([...op.participants, op.coordinator])].filter((p) => p !== caller.member?.aadObjectId);
  const { reachable } = splitReachable(people, await personalChats(ctx));
  const card = participantNoticeCard(op, dir, ctx.config.timeZone, now, event, previous);
  const summary = event === 'cancelled' ? `Cancelled: ${op.name}` : `Moved: ${op.name}`;
  await sendPersonal(ctx, `op.${op.id}.v${op.version}.${event}`, reachable.map((r) => ({ ...r, card, summary })));
  return reachable.length;
}
