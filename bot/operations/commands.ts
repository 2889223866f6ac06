/**
 * The joint-operation commands and card actions, as cards. No Teams types:
 * bot/teams/app.ts routes to these and sends what they return.
 */
import type { Scope } from '../common/access';
import { quoteForCard } from '../common/plainText';
import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { z } from 'zod';
import { BOROUGHS, BoroughId, boroughById, findBorough } from '../common/borough';
import { allOrganisations } from '../referenceData';
import { PAGE_TOKEN_EXPIRED, signPageToken, verifyPageToken } from '../search/rules/pageToken';
import { auditPageTokenRefusal } from '../conversation/refusalAudit';
import { OPERATION_VERBS } from './verbs';
import { boroughOfOperationId, hasEnded, type JointOperation } from './model';
import { canManage, canRecordOutcomes, canSchedule, canSeeBriefing } from './rules/access';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { auditOperation } from './audit';
import { cancelOperation, OperationAction, rescheduleOperation, type ChangeResult } from './change';
import { recordOutcomes } from './outcomes';
import { decodeUpcomingCursor, encodeUpcomingCursor, ensureOperationTimeline, loadDirectory, loadOperation, upcomingPage, type UpcomingCursor } from './repository';
import { scheduleOperation } from './schedule';
import { changeCard, detailCard, outcomesCard, scheduleFormCard, upcomingListCard } from './views';

export interface OperationRequest {
  caller: Caller;
  scope: Scope;
  args: string;
  /** Action.Execute data: the card's own data merged with its inputs. */
  data?: unknown;
}

const refusedSchedule = () =>
  messageCard({
    title: 'Only coordinators can schedule joint operations',
    text: 'Scheduling is for concordat coordinators. Ask your organisation\'s coordinator to schedule it, or your Concordat administrator to give you the coordinator role.',
    tone: 'attention',
  });

const notFound = (id?: string) =>
  messageCard({
    title: 'No such operation',
    text: `${id ? `There is no joint operation ${id}. ` : ''}Operation ids look like OP-STO-7K3Q9M; type **operations** to list the upcoming ones.`,
    tone: 'warning',
  });

/** `schedule`: the form, for coordinators in a private chat. */
export async function scheduleCommand(ctx: AppContext, req: OperationRequest): Promise<AdaptiveCard> {
  if (!canSchedule(req.caller.member)) return refusedSchedule();
  if (req.scope !== 'personal') {
    return messageCard({ title: 'Schedule in a private chat', text: 'The scheduling card holds restricted details (participants, briefing): open your chat with Concordat and type **schedule** there.' });
  }
  return scheduleFormCard(await loadDirectory(ctx), ctx.config.timeZone, ctx.clock(), { caller: req.caller.member });
}

/** The form's "Schedule" button. */
export async function scheduleSubmit(ctx: AppContext, req: OperationRequest): Promise<AdaptiveCard> {
  if (!canSchedule(req.caller.member)) return refusedSchedule();
  const result = await scheduleOperation(ctx, req.caller, req.data);
  if (result.kind === 'refused') return refusedSchedule();
  const dir = await loadDirectory(ctx);
  if (result.kind === 'invalid') {
    return scheduleFormCard(dir, ctx.config.timeZone, ctx.clock(), {
      submissionId: result.submissionId,
      values: result.values,
      errors: result.errors,
      notice: result.notice ?? 'Some details need attention: see the notes under the fields.',
    });
  }
  const notices: { text: string; tone: 'default' | 'warning' }[] = [];
  notices.push({
    text: result.channels
      ? `The card went to ${result.channels} ${result.channels === 1 ? 'channel' : 'channels'} for ${BOROUGHS.find((b) => b.id === result.op.borough)!.name} (without names or the briefing).`
      : 'No channel is mapped to this borough, so no channel card was posted. An administrator can map one.',
    tone: result.channels ? 'default' : 'warning',
  });
  if (result.unreachable > 0) {
    notices.push({
      text: `${result.unreachable} ${result.unreachable === 1 ? 'participant has' : 'participants have'} no private chat with Concordat: their reminders go to the borough channel${result.installRequested ? ' until Teams finishes installing Concordat for them' : ''}.`,
      tone: 'warning',
    });
  }
  return detailCard(result.op, dir, ctx.config.timeZone, ctx.clock(), { member: req.caller.member, privateChat: req.scope === 'personal' }, {
    heading: result.kind === 'scheduled' ? `Scheduled: ${result.op.id}` : `Already scheduled: ${result.op.id}`,
    tone: 'good',
    notices,
  });
}

/** Upcoming operations shown per turn: one page, so a busy year costs the same as a quiet week. */
export const OPERATIONS_PAGE_SIZE = 10;

/** What a "More" token pages: the boroughs of the list (empty: all), so later pages continue the same list. */
const OperationsPage = z.object({ list: z.literal('operations'), boroughs: z.array(BoroughId).max(BOROUGHS.length) });

/**
 * `operations [borough]` and the list's "More": upcoming operations in a
 * borough, or in the caller's organisation's boroughs, soonest first, one
 * page per turn. "More" carries where the next page starts in a signed
 * token bound to the caller (bot/search/rules/pageToken.ts); a token that is
 * someone else's, edited, expired or unreadable is refused with the first
 * page again, never followed.
 */
export async function operationsCommand(ctx: AppContext, req: OperationRequest): Promise<AdaptiveCard> {
  const now = ctx.clock();
  const more = req.data && typeof req.data === 'object' ? (req.data as Record<string, unknown>).more : undefined;
  const user = req.caller.aadObjectId ?? '';
  let boroughs: BoroughId[] = [];
  let after: UpcomingCursor | undefined;
  let notice: string | undefined;
  const resumed = more !== undefined ? verifyPageToken(ctx.config.referenceHashKey, more, user, OperationsPage, now) : undefined;
  const cursor = resumed?.ok ? decodeUpcomingCursor(resumed.continuation) : undefined;
  if (resumed?.ok && cursor) {
    boroughs = resumed.query.boroughs;
    after = cursor;
  } else {
    if (resumed) {
      // A signed token whose cursor does not read is treated as edited (it cannot happen unless the format changed).
      const reason = resumed.ok ? 'page token names no known list' : resumed.reason;
      notice = reason === PAGE_TOKEN_EXPIRED ? 'That list was out of date, so here is its first page again.' : 'That "More" button could not be used (it was made for someone else, or it was changed), so here is the first page of your own list.';
      await auditPageTokenRefusal(ctx, { aadObjectId: req.caller.aadObjectId, organisationId: req.caller.organisation?.id }, `action:${OPERATION_VERBS.list}`, 'operations', reason);
    }
    if (req.args) {
      const b = findBorough(req.args);
      if (!b) {
        return messageCard({ title: `I don't know the borough ${quoteForCard(req.args, 40, 'you typed')}`, text: `Try one of: ${BOROUGHS.map((x) => x.name).join(', ')}.`, tone: 'warning' });
      }
      boroughs = [b.id];
    } else if (req.caller.organisation && req.caller.organisation.boroughs.length < BOROUGHS.length) {
      boroughs = req.caller.organisation.boroughs;
    }
  }
  const where = boroughs.length ? boroughs.map((id) => boroughById(id).name).join(', ') : 'all boroughs';
  await ensureOperationTimeline(ctx, now);
  const [page, organisations] = await Promise.all([upcomingPage(ctx, boroughs, { now, size: OPERATIONS_PAGE_SIZE, after }), allOrganisations(ctx, req.caller)]);
  const token = page.next ? signPageToken(ctx.config.referenceHashKey, { user, query: { list: 'operations', boroughs }, continuation: encodeUpcomingCursor(page.next) }, now) : undefined;
  return upcomingListCard(page.rows, { organisations: new Map(organisations.map((o) => [o.id, o])) }, ctx.config.timeZone, where, {
    ...(token ? { more: token } : {}),
    continued: after !== undefined,
    ...(notice ? { notice } : {}),
  });
}

/** `operation ID` and the "Open" / "Open details" buttons. */
export async function operationCommand(ctx: AppContext, req: OperationRequest): Promise<AdaptiveCard> {
  const id = req.args.trim().split(/\s+/)[0] ?? '';
  if (!boroughOfOperationId(id)) return notFound(id || undefined);
  return showOperation(ctx, req, id);
}

export async function viewAction(ctx: AppContext, req: OperationRequest): Promise<AdaptiveCard> {
  const action = OperationAction.safeParse(req.data);
  return action.success ? showOperation(ctx, req, action.data.operationId) : notFound();
}

async function showOperation(ctx: AppContext, req: OperationRequest, id: string, extra: Parameters<typeof detailCard>[5] = {}): Promise<AdaptiveCard> {
  const op = (await loadOperation(ctx, id))?.value;
  if (!op) return notFound(id);
  const member = req.caller.member;
  const privateChat = req.scope === 'personal';
  if (member && privateChat && op.briefing && canSeeBriefing(member, op)) {
    await auditOperation(ctx, member, op.id, 'consultation', { justification: briefingJustification(member.aadObjectId, op) });
  }
  return detailCard(op, await loadDirectory(ctx), ctx.config.timeZone, ctx.clock(), { member, privateChat }, extra);
}

function briefingJustification(viewer: string, op: JointOperation): string {
  if (viewer === op.coordinator) return 'coordinator of the operation';
  if (op.participants.includes(viewer)) return 'participant in the operation';
  return 'concordat administrator';
}

/** "Move or cancel": the change form, for those who may manage it. */
export async function changeAction(ctx: AppContext, req: OperationRequest): Promise<AdaptiveCard> {
  const action = OperationAction.safeParse(req.data);
  const op = action.success ? (await loadOperation(ctx, action.data.operationId))?.value : undefined;
  if (!op) return notFound();
  const result = await closedOrRefused(ctx, req, op);
  return result ?? changeCard(op, ctx.config.timeZone);
}

async function closedOrRefused(ctx: AppContext, req: OperationRequest, op: JointOperation): Promise<AdaptiveCard | undefined> {
  if (!canManage(req.caller.member, op)) return changeResultCard(ctx, req, { kind: 'refused', op });
  if (op.status !== 'scheduled' || hasEnded(op, ctx.clock())) {
    return changeResultCard(ctx, req, { kind: 'closed', op, why: op.status === 'cancelled' ? 'it has been cancelled' : 'it has already ended' });
  }
  return undefined;
}

export async function rescheduleAction(ctx: AppContext, req: OperationRequest): Promise<AdaptiveCard> {
  return changeResultCard(ctx, req, await rescheduleOperation(ctx, req.caller, req.data));
}

export async function cancelAction(ctx: AppContext, req: OperationRequest): Promise<AdaptiveCard> {
  return changeResultCard(ctx, req, await cancelOperation(ctx, req.caller, req.data));
}

async function changeResultCard(ctx: AppContext, req: OperationRequest, result: ChangeResult): Promise<AdaptiveCard> {
  const tz = ctx.config.timeZone;
  switch (result.kind) {
    case 'not-found':
      return notFound();
    case 'refused':
      return showOperation(ctx, req, result.op.id, {
        notices: [{ text: 'Only the coordinator who scheduled it, or an administrator, can move or cancel this operation.', tone: 'attention' }],
      });
    case 'closed':
      return showOperation(ctx, req, result.op.id, { notices: [{ text: `It can no longer be changed: ${result.why}.`, tone: 'warning' }] });
    case 'stale':
      return changeCard(result.op, tz, { notice: 'Someone changed this operation since this card was shown: here it is as it is now.' });
    case 'invalid':
      return changeCard(result.op, tz, { values: result.values, errors: result.errors, notice: 'Some details need attention: see the notes under the fields.' });
    case 'rescheduled':
    case 'cancelled':
      return showOperation(ctx, req, result.op.id, {
        heading: result.kind === 'rescheduled' ? `Moved: ${result.op.id}` : `Cancelled: ${result.op.id}`,
        tone: result.kind === 'rescheduled' ? 'good' : 'attention',
        notices: [
          {
            text: `${result.participantsTold} ${result.participantsTold === 1 ? 'person was' : 'people were'} told privately; the channel card is updated.${result.kind === 'rescheduled' ? ' Pending reminders moved with it.' : ' No more reminders will go.'}`,
            tone: 'default',
          },
        ],
      });
  }
}

/** "Record outcomes": the outcomes form, for the lead. */
export async function outcomesFormAction(ctx: AppContext, req: OperationRequest): Promise<AdaptiveCard> {
  const action = OperationAction.safeParse(req.data);
  const op = action.success ? (await loadOperation(ctx, action.data.operationId))?.value : undefined;
  if (!op) return notFound();
  if (!canRecordOutcomes(req.caller.member, op)) {
    return showOperation(ctx, req, op.id, { notices: [{ text: 'Outcomes are recorded by the coordinator or the lead agency\'s participants.', tone: 'attention' }] });
  }
  return outcomesCard(op, ctx.config.timeZone);
}

export async function outcomesAction(ctx: AppContext, req: OperationRequest): Promise<AdaptiveCard> {
  const result = await recordOutcomes(ctx, req.caller, req.data);
  switch (result.kind) {
    case 'not-found':
      return notFound();
    case 'refused':
      return showOperation(ctx, req, result.op.id, { notices: [{ text: 'Outcomes are recorded by the coordinator or the lead agency\'s participants.', tone: 'attention' }] });
    case 'closed':
      return showOperation(ctx, req, result.op.id, { notices: [{ text: `Outcomes cannot be recorded: ${result.why}.`, tone: 'warning' }] });
    case 'stale':
      return outcomesCard(result.op, ctx.config.timeZone, {
        notice: result.op.outcomes
          ? 'Outcomes were recorded since this card was shown: here they are as recorded now. Change them and press Record outcomes again if they need correcting.'
          : 'Someone changed this operation since this card was shown: here it is as it is now.',
      });
    case 'invalid':
      return outcomesCard(result.op, ctx.config.timeZone, { values: result.values, errors: result.errors, notice: 'Some numbers need attention: see the notes under the fields.' });
    case 'recorded':
      return showOperation(ctx, req, result.op.id, { heading: `Outcomes recorded: ${result.op.id}`, tone: 'good', notices: [{ text: 'Thank you. They will be in the weekly digest.', tone: 'default' }] });
  }
}
