import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { z } from 'zod';
import type { Scope } from '../common/access';
import { defineAction, defineCommand, FormData, NoData } from '../common/route';
import { MAY } from '../common/permissions';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { accessStateOf, approveRequest, declineRequest, requestAccess } from './join';
import { findRequest, loadDirectory } from './repository';
import { listPeople, removeMember, saveMemberRoles, setSuspended, showMember, type MemberResult } from './people';
import { reviewAction, reviewMore, type ReviewActionResult } from './review';
import { mayDecide } from './rules/access';
import { accessStateCard, decisionCardFor, decisionResultCard, memberManageCard, peopleListCard, peopleTokenRefusedCard, requestResultCard, reviewCard } from './views';
import { DIRECTORY_VERBS } from './verbs';

/**
 * The directory's commands and card actions. Each handler parses its data,
 * calls one use case and turns the result into a card (views.ts).
 * Verbs are constants (./verbs.ts).
 */

/**
 * What someone the directory does not know (or no longer admits) sees,
 * whatever they send: the request-access card in a personal chat, a pointer
 * to it elsewhere. undefined for a member in good standing.
 */
export async function gateUnknown(ctx: AppContext, req: { caller: Caller; scope: Scope; email?: string }): Promise<AdaptiveCard | undefined> {
  if (req.caller.member) return undefined;
  if (req.scope !== 'personal') {
    return messageCard({ title: 'You are not registered with the concordat yet', text: 'Open a personal chat with Concordat to ask for access. Nothing else is shown until your organisation approves you.' });
  }
  return accessStateCard(await accessStateOf(ctx, req.caller, req.email), req.caller.displayName, ctx.config.timeZone);
}

async function peopleList(ctx: AppContext, caller: Caller, input: { query?: string; more?: unknown }, status?: { text: string; tone: 'good' | 'attention' | 'warning' | 'default' }): Promise<AdaptiveCard> {
  const result = await listPeople(ctx, caller, input);
  if (result.kind === 'refused') return messageCard({ title: 'For approvers', text: "Only an organisation's approvers and the concordat administrators manage people.", tone: 'attention' });
  if (result.kind === 'bad-token') return peopleTokenRefusedCard(result.reason);
  return peopleListCard(result, ctx.config.timeZone, status);
}

async function memberResultCard(ctx: AppContext, caller: Caller, result: MemberResult): Promise<AdaptiveCard> {
  switch (result.kind) {
    case 'missing':
      return peopleList(ctx, caller, {}, { text: 'That person is no longer a member.', tone: 'warning' });
    case 'refused':
      return messageCard({ title: 'Not yours to manage', text: "Only the person's organisation approvers, or a concordat administrator, can. This attempt has been recorded.", tone: 'attention' });
    case 'removed':
      return peopleList(ctx, caller, {}, { text: `${result.member.displayName} has been removed: from their next message they have no access.`, tone: 'good' });
    default: {
      const themes = result.directory.themes.filter((t) => !t.retiredAt);
      const orgName = result.directory.organisations.find((o) => o.id === result.member.organisationId)?.name ?? result.member.organisationId;
      const status =
        result.kind === 'saved'
          ? { text: 'Saved: it applies from their next message.', tone: 'good' as const }
          : result.kind === 'suspended'
            ? { text: 'Suspended: from their next message they have no access until reinstated.', tone: 'warning' as const }
            : result.kind === 'reinstated'
              ? { text: 'Reinstated.', tone: 'good' as const }
              : result.kind === 'file-managed'
                ? { text: 'Named in the partnership file: change their roles, or remove them, in the file (npm run directory).', tone: 'attention' as const }
                : undefined;
      return memberManageCard(result.member, orgName, themes, { status, ...(result.kind === 'invalid' ? { errors: result.errors, values: result.values } : {}) });
    }
  }
}

const Text = (max: number) => z.string().max(max).optional();
/** A person's object id on a button (the requester, the member); checked against the store by the use case. */
const PersonData = z.object({ member: Text(64), requester: Text(64) }).passthrough().refine((d) => JSON.stringify(d).length <= 4_000, 'unexpected data');
/** A review card's button: the round, the person (or the people shown, for "Confirm all shown"), the page it was on; "More" its token. */
const ReviewData = z
  .object({ organisationId: Text(60), round: Text(10), member: Text(64), members: Text(2_000), from: Text(64), more: Text(4_000) })
  .passthrough()
  .refine((d) => JSON.stringify(d).length <= 6_000, 'unexpected data');
/** The people list's "More": its signed page token. */
const PageData = z.object({ more: Text(4_000) }).passthrough().refine((d) => JSON.stringify(d).length <= 6_000, 'unexpected data');
const PERSONAL = ['personal'] as const;
const people = { who: MAY.managePeople, scopes: PERSONAL, refusedTitle: "Only an organisation's approvers and the concordat administrators manage people" };

/**
 * Asking for access is for people the directory does not know ('anyone');
 * everything else is for approvers and administrators, with the
 * per-person check ("this organisation's approver") in the use case.
 */
export const directoryRoutes = [
  defineCommand({
    title: 'people',
    description: "Your organisation's members and access requests: find, approve, change roles, suspend, remove",
    menu: false,
    access: people,
    handler: (ctx, { caller, args }) => peopleList(ctx, caller, { query: args }),
  }),
  defineAction({
    verb: DIRECTORY_VERBS.request,
    schema: FormData,
    access: { who: 'anyone', scopes: PERSONAL },
    handler: async (ctx, req) => requestResultCard(await requestAccess(ctx, req.caller, req.data, req.conversation, req.email), req.caller.displayName, ctx.config.timeZone),
  }),
  defineAction({
    verb: DIRECTORY_VERBS.openRequest,
    schema: PersonData,
    access: people,
    handler: async (ctx, { caller, data }) => {
      const request = data.member ? (await findRequest(ctx, data.member))?.value : undefined;
      if (!request || !mayDecide(caller.member, request)) return decisionResultCard({ kind: 'missing' }, [], ctx.config.timeZone);
      const directory = await loadDirectory(ctx);
      const name = directory.organisations.find((o) => o.id === request.organisationId)?.name ?? 'an unknown organisation';
      return decisionCardFor(request, name, directory.themes.filter((t) => !t.retiredAt), ctx.config.timeZone, { open: request.status === 'pending' });
    },
  }),
  defineAction({ verb: DIRECTORY_VERBS.approve, schema: FormData, access: people, handler: async (ctx, { caller, data }) => decisionResultCard(await approveRequest(ctx, caller, data), await currentThemes(ctx), ctx.config.timeZone) }),
  defineAction({ verb: DIRECTORY_VERBS.decline, schema: FormData, access: people, handler: async (ctx, { caller, data }) => decisionResultCard(await declineRequest(ctx, caller, data), await currentThemes(ctx), ctx.config.timeZone) }),
  // "More" carries the signed page token; "People" and "Back to people" carry none (the first page).
  defineAction({ verb: DIRECTORY_VERBS.people, schema: PageData, access: people, handler: (ctx, { caller, data }) => peopleList(ctx, caller, data.more === undefined ? {} : { more: data.more }) }),
  defineAction({ verb: DIRECTORY_VERBS.member, schema: PersonData, access: people, handler: async (ctx, { caller, data }) => memberResultCard(ctx, caller, await showMember(ctx, caller, data)) }),
  defineAction({ verb: DIRECTORY_VERBS.save, schema: FormData, access: people, handler: async (ctx, { caller, data }) => memberResultCard(ctx, caller, await saveMemberRoles(ctx, caller, data)) }),
  defineAction({ verb: DIRECTORY_VERBS.suspend, schema: FormData, access: people, handler: async (ctx, { caller, data }) => memberResultCard(ctx, caller, await setSuspended(ctx, caller, data, true)) }),
  defineAction({ verb: DIRECTORY_VERBS.reinstate, schema: FormData, access: people, handler: async (ctx, { caller, data }) => memberResultCard(ctx, caller, await setSuspended(ctx, caller, data, false)) }),
  defineAction({ verb: DIRECTORY_VERBS.remove, schema: FormData, access: people, handler: async (ctx, { caller, data }) => memberResultCard(ctx, caller, await removeMember(ctx, caller, data)) }),
  defineAction({ verb: DIRECTORY_VERBS.reviewConfirm, schema: ReviewData, access: people, handler: (ctx, { caller, data }) => reviewResultCard(ctx, caller, data, 'confirm') }),
  defineAction({ verb: DIRECTORY_VERBS.reviewRemove, schema: ReviewData, access: people, handler: (ctx, { caller, data }) => reviewResultCard(ctx, caller, data, 'remove') }),
  defineAction({ verb: DIRECTORY_VERBS.reviewConfirmAll, schema: ReviewData, access: people, handler: (ctx, { caller, data }) => reviewResultCard(ctx, caller, data, 'confirmAll') }),
  defineAction({ verb: DIRECTORY_VERBS.reviewMore, schema: ReviewData, access: people, handler: async (ctx, { caller, data }) => reviewCardOf(await reviewMore(ctx, caller, data), ctx.config.timeZone) }),
];

const currentThemes = async (ctx: AppContext) => (await loadDirectory(ctx)).themes.filter((t) => !t.retiredAt);

async function reviewResultCard(ctx: AppContext, caller: Caller, data: unknown, action: 'confirm' | 'remove' | 'confirmAll'): Promise<AdaptiveCard> {
  return reviewCardOf(await reviewAction(ctx, caller, data, action), ctx.config.timeZone);
}

function reviewCardOf(result: ReviewActionResult, timeZone: string): AdaptiveCard {
  if (result.kind === 'missing') return messageCard({ title: 'This review has moved on', text: 'A newer access review has opened, or this one no longer exists.', tone: 'warning' });
  if (result.kind === 'refused') return messageCard({ title: 'Not yours to review', text: "Only the organisation's approvers, or a concordat administrator, can. This attempt has been recorded.", tone: 'attention' });
  if (result.kind === 'bad-token') return peopleTokenRefusedCard(result.reason);
  return reviewCard(result.review, result.tally, result.organisationName, timeZone, {
    ...(result.note ? { status: { text: result.note, tone: 'good' as const } } : {}),
    members: result.members,
    page: result.page,
    ...(result.more ? { more: result.more } : {}),
  });
}
