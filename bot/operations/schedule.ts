import { z } from 'zod';
import { channelsFor } from '../channels/lookup';
import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { JointOperation, operationIdFor } from './model';
import { canSchedule } from './rules/access';
import { parseOperationForm, type FieldErrors, type OperationFormField, type OperationFormValues } from './rules/form';
import { loadIncident } from '../incidents/repository/read';
import { ConcurrencyError } from '../store/errors';
import { auditOperation } from './audit';
import { stableId } from '../common/stableId';
import { createCalendarEvent, installForUnreachable } from './calendar';
import { postToChannels, sendPersonal } from './publish';
import { personalChats } from '../conversation/repository';
import { splitReachable } from './recipients';
import { storeReminders } from './reminderRows';
import { createOperation, loadDirectory, loadOperation, recordOperationChannels } from './repository';
import { channelCard, participantNoticeCard } from './views';

export type ScheduleResult =
  | { kind: 'refused' }
  | { kind: 'invalid'; submissionId?: string; values: OperationFormValues; errors: FieldErrors<OperationFormField>; notice?: string }
  | {
      kind: 'scheduled' | 'already-scheduled';
      op: JointOperation;
      /** Channels the card went to. */
      channels: number;
      /** Participants Concordat cannot message privately (reminded in the channel instead). */
      unreachable: number;
      /** Of those, how many Concordat asked Teams (through Graph) to install it for. */
      installRequested: number;
    };

const Submission = z.object({ submissionId: z.string().uuid() });

/**
 * Why some of the references to link cannot be linked: each must be an
 * incident that exists, in the operation's borough, and not anonymised
 * (the same rules as linking from the incident's own card). One point read each.
 */
async function unlinkableIncidents(ctx: AppContext, references: readonly string[], borough: string): Promise<string | undefined> {
  const problems: string[] = [];
  for (const reference of references) {
    const found = await loadIncident(ctx, reference);
    if (!found) problems.push(`there is no incident ${reference}`);
    else if (found.record.borough !== borough) problems.push(`${reference} is not in the operation's borough`);
    else if (found.record.anonymisedAt) problems.push(`${reference} is closed (anonymised)`);
  }
  return problems.length ? `${problems.join('; ')}: check the references` : undefined;
}

/** The incidents check for a form with other errors too: every problem is shown at once. */
async function incidentsErrorOf(ctx: AppContext, values: OperationFormValues, errors: FieldErrors<OperationFormField>): Promise<FieldErrors<OperationFormField>> {
  if (errors.incidents) return {};
  const borough = values.borough;
  const refs = values.incidents.toUpperCase().split(',').map((r) => r.trim()).filter(Boolean).slice(0, 20);
  if (!refs.length || !borough) return {};
  const problem = await unlinkableIncidents(ctx, refs, borough);
  return problem ? { incidents: problem } : {};
}

/**
 * Schedules a joint operation from the submitted card. The operation is
 * stored first; everything after (reminders, channel card, participants'
 * notices, calendar) is idempotent, so a resubmitted card (a double click, a
 * retry after a timeout) finds the same operation and finishes what is left.
 */
export async function scheduleOperation(ctx: AppContext, caller: Caller, raw: unknown): Promise<ScheduleResult> {
  const member = caller.member;
  if (!member || !canSchedule(member)) return { kind: 'refused' };
  const dir = await loadDirectory(ctx);
  const now = ctx.clock();
  const submission = Submission.safeParse(raw);
  const form = parseOperationForm(raw, {
    now,
    timeZone: ctx.config.timeZone,
    organisationIds: new Set(dir.organisations.keys()),
    memberIds: new Set(dir.members.keys()),
  });
  if (!submission.success) {
    return { kind: 'invalid', values: form.values, errors: form.ok ? {} : form.errors, notice: 'This card has expired: please check the details and schedule again.' };
  }
  const { submissionId } = submission.data;
  const incidentsError = form.ok ? await unlinkableIncidents(ctx, form.value.linkedIncidents, form.value.borough) : undefined;
  if (!form.ok) return { kind: 'invalid', submissionId, values: form.values, errors: { ...form.errors, ...(await incidentsErrorOf(ctx, form.values, form.errors)) } };
  if (incidentsError) return { kind: 'invalid', submissionId, values: form.values, errors: { incidents: incidentsError } };

  const id = operationIdFor(form.value.borough, submissionId);
  let op: JointOperation;
  let kind: 'scheduled' | 'already-scheduled' = 'scheduled';
  const existing = await loadOperation(ctx, id);
  if (existing) {
    if (existing.value.submissionId !== submissionId) throw new Error(`operation id ${id} collides with another operation`);
    op = existing.value;
    kind = 'already-scheduled';
  } else {
    const channels = await channelsFor(ctx, form.value.borough);
    const candidate = JointOperation.parse({
      ...form.value,
      id,
      coordinator: member.aadObjectId,
      status: 'scheduled',
      version: 1,
      submissionId,
      createdAt: now.toISOString(),
    });
    // The channel rows first (idempotent upserts): a retry after a failure here finds no operation and writes them again.
    await recordOperationChannels(ctx, id, channels.map((c) => c.conversationId));
    try {
      op = await createOperation(ctx, candidate);
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
      // The same card submitted twice at once: the other request stored it.
      op = (await loadOperation(ctx, id))!.value;
      kind = 'already-scheduled';
    }
  }

  // After the first write, every step re-runs on each submission of the card (a retry after a failure
  // included) and is idempotent: the collection is logged once, by an id derived from the operation.
  await auditOperation(ctx, member, op.id, 'collection', { id: stableId('collection', op.id), at: op.createdAt, note: 'joint operation scheduled' });
  await storeReminders(ctx, op);
  const channels = await postToChannels(ctx, op, channelCard(op, dir, ctx.config.timeZone, now), `Joint operation scheduled: ${op.name}`);
  const chats = await personalChats(ctx);
  const { reachable, unreachable } = splitReachable(
    op.participants.filter((p) => p !== op.coordinator),
    chats,
  );
  await sendPersonal(
    ctx,
    `op.${op.id}.v${op.version}.scheduled`,
    reachable.map((r) => ({
      ...r,
      card: participantNoticeCard(op, dir, ctx.config.timeZone, now, 'scheduled'),
      summary: `You are taking part in ${op.name}`,
    })),
  );
  const installRequested = kind === 'scheduled' ? await installForUnreachable(ctx, unreachable) : 0;
  op = await createCalendarEvent(ctx, op, dir);
  return { kind, op, channels, unreachable: unreachable.length, installRequested };
}
