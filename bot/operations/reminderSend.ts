/**
 * Sending due reminders (bot/operations/reminderEngine.ts runDueReminders): claiming each, putting its messages
 * into the outbox, settling it. Loaded only when a reminder is due.
 */
import type { AppContext } from '../kernel/context';
import { reminderRecipients, type JointOperation, type Reminder } from './model';
import { outcomesRecipients } from './rules/access';
import { decideReminder } from './rules/reminderSchedule';
import type { Stored } from '../store/entityTable';
import { ConcurrencyError } from '../store/errors';
import { sendPersonal, sendToChannels } from './publish';
import { personalChats } from '../conversation/repository';
import { operationChannels, splitReachable } from './recipients';
import { reminderBatch } from './reminderRows';
import { loadDirectory, loadOperation, updateReminder, type Directory } from './repository';
import { keepPrivateNotices } from '../notices/keep';

export type Shared = { dir: Directory; chats: Awaited<ReturnType<typeof personalChats>> };

export async function sharedReads(ctx: AppContext): Promise<Shared> {
  return { dir: await loadDirectory(ctx), chats: await personalChats(ctx) };
}

export async function processReminder(ctx: AppContext, row: Stored<Reminder>, leaseMs: number, shared: Shared): Promise<'sent' | 'sent-late' | 'dropped' | 'busy'> {
  const now = ctx.clock();
  const reminder = row.value;
  if (reminder.status === 'claimed' && Date.parse(reminder.leaseUntil!) > now.getTime()) return 'busy';

  let claim: Stored<Reminder>;
  try {
    claim = await updateReminder(ctx, { ...reminder, status: 'claimed', leaseUntil: new Date(now.getTime() + leaseMs).toISOString() }, row.etag);
  } catch (err) {
    if (err instanceof ConcurrencyError) return 'busy'; // another run has it
    throw err;
  }

  const op = (await loadOperation(ctx, reminder.subjectId))?.value;
  const decision = decideReminder(reminder, op, now);
  if (decision.action === 'drop') {
    await settle(ctx, claim, { status: decision.status, reason: decision.reason });
    return 'dropped';
  }
  await enqueueReminder(ctx, reminder, op!, decision.late, shared);
  await settle(ctx, claim, { status: 'sent', sentAt: ctx.clock().toISOString(), late: decision.late });
  return decision.late ? 'sent-late' : 'sent';
}

/** Ends the claim. If the claim was lost meanwhile (cancelled, or taken over after a stall), the other writer's state stands. */
async function settle(ctx: AppContext, claim: Stored<Reminder>, change: Partial<Reminder>): Promise<void> {
  try {
    await updateReminder(ctx, { ...claim.value, ...change, leaseUntil: undefined }, claim.etag);
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    ctx.log.warn('reminder changed while it was being sent', { reminder: claim.value.id });
  }
}

async function enqueueReminder(ctx: AppContext, reminder: Reminder, op: JointOperation, late: boolean, { dir, chats }: Shared): Promise<void> {
  const tz = ctx.config.timeZone;
  const now = ctx.clock();
  const batch = reminderBatch(reminder.id);
  const people = reminder.kind === 'outcomes' ? outcomesRecipients(op, dir.members) : reminderRecipients(op);
  const { reachable, unreachable } = splitReachable(people, chats);
  // Card modules load when there is something to post: an idle timer run never loads the card templating (cold start).
  const { outcomesCard, outcomesDueChannelCard, reminderCard } = await import('./views');

  if (reminder.kind === 'outcomes') {
    const card = outcomesCard(op, tz, { late });
    await sendPersonal(ctx, batch, reachable.map((r) => ({ ...r, card, summary: `Outcomes due: ${op.name}` })));
  } else {
    const card = reminderCard(op, dir, tz, now, { late, audience: 'personal' });
    await sendPersonal(ctx, batch, reachable.map((r) => ({ ...r, card, summary: `Reminder: ${op.name}` })));
    // No personal chat (a shared-channel member from a partner tenant cannot have one): the same reminder is kept
    // for them, to open from the channel card's "My private notices", shown to them alone.
    await keepPrivateNotices(
      ctx,
      unreachable.map((id) => ({ recipient: id, id: `reminder:${reminder.id}`, about: { kind: 'reminder' as const, operationId: op.id }, title: `Reminder: ${op.name}`.slice(0, 200), card })),
    );
  }

  if (unreachable.length > 0) {
    // No private chat recorded for them: the channel is the fallback (the card says why it is there).
    const channels = await operationChannels(ctx, op);
    if (channels.length === 0) {
      ctx.log.warn('reminder: some recipients have no private chat and the operation has no channel', { reminder: reminder.id, unreachable: unreachable.length });
      return;
    }
    const card =
      reminder.kind === 'outcomes'
        ? outcomesDueChannelCard(op, dir, tz, now, late)
        : reminderCard(op, dir, tz, now, { late, audience: 'channel' });
    await sendToChannels(ctx, batch, channels, card, `Reminder: ${op.name}`);
  }
}
