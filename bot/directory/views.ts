import type { Role } from '../common/access';
import { formatInstant } from '../common/dates';
import type { Member } from '../common/member';
import { possessive } from '../common/organisation';
import { accessDecisionCard, accessRequestCard, memberCard, peopleCard } from '../../cards/directory';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import type { AccessState, DecisionResult, RequestResult } from './results';
import type { PeopleResult } from './people';
import type { ReviewPage } from './rules/review';
import type { AccessRequest, AccessReview, DirectoryTheme, ReviewCounts } from './model';
import { GRANTABLE_ROLES, ROLE_LABELS } from './rules/access';
import { DIRECTORY_VERBS } from './verbs';
import { clip } from '../common/plainText';
import { CONVERSATION_VERBS } from '../conversation/verbs';

/** Results of the directory's use cases as cards. No I/O. Times read as in the deployment's zone (TIME_ZONE), passed in. */

/** "28 March 2026": the day an instant fell on in the zone. */
const day = (instant: string, timeZone: string) => formatInstant(instant, timeZone, 'date');


const roleChoices = () => GRANTABLE_ROLES.map((r) => ({ title: ROLE_LABELS[r], value: r }));
const themeChoices = (themes: DirectoryTheme[]) => themes.slice(0, 20).map((t) => ({ title: t.name, value: t.id }));
const roleList = (roles: readonly Role[]) => roles.map((r) => ROLE_LABELS[r]).join(', ');

export function accessStateCard(state: AccessState, displayName: string, timeZone: string, form?: { values: Record<string, string>; errors: Record<string, string> }): AdaptiveCard {
  switch (state.kind) {
    case 'pending':
      return messageCard({
        title: 'Your request is waiting for a decision',
        text: `You asked on ${day(state.request.requestedAt, timeZone)} to join as ${ROLE_LABELS[state.request.role]} of ${state.organisationName}. ${state.request.routedTo === 'organisation' ? `${possessive(state.organisationName)} approvers decide` : 'The concordat administrators decide'}; you will hear the answer here. Until then Concordat shows you nothing else.`,
      });
    case 'suspended':
      return messageCard({ title: 'Your Concordat access is suspended', text: "Your organisation's approver did not confirm your access in the last review, or suspended it. Ask them to reinstate you.", tone: 'warning' });
    case 'wrong-tenant':
      return messageCard({ title: 'Signed in from another organisation', text: "Concordat knows you from your own organisation's Microsoft 365 account. Sign in with that account to use it.", tone: 'warning' });
    case 'organisation-retired':
      return messageCard({ title: 'Your organisation has left the concordat', text: 'Its access has ended. If this is wrong, ask a concordat administrator.', tone: 'warning' });
    case 'ask': {
      // One proposal (a domain, or a tenant only one organisation uses) is preselected; a shared host tenant proposes several.
      const single = state.proposed.length === 1 ? state.proposed[0] : undefined;
      const ordered = [...state.proposed, ...state.organisations.filter((o) => !state.proposed.includes(o))];
      return accessRequestCard({
        displayName,
        organisations: ordered.slice(0, 200).map((o) => ({ title: o.name, value: o.id })),
        routeNote: single
          ? `From your sign-in you look to be with ${single.name}: its approvers decide.`
          : state.proposed.length
            ? "Choose your organisation: its approvers decide (your sign-in's tenant is shared by several)."
            : 'Your sign-in does not match an organisation of the concordat: the concordat administrators decide.',
        values: { ...(single ? { organisationId: single.id } : {}), ...form?.values },
        errors: form?.errors ?? {},
      });
    }
  }
}

export function requestResultCard(result: RequestResult, displayName: string, timeZone: string): AdaptiveCard {
  switch (result.kind) {
    case 'invalid':
      return accessStateCard(result.state, displayName, timeZone, { values: result.values, errors: result.errors });
    case 'not-needed':
      return result.state.kind === 'member'
        ? messageCard({ title: 'You already have access', text: 'Say **help** to see what you can do.', buttons: [{ title: 'Show help', verb: CONVERSATION_VERBS.help }] })
        : accessStateCard(result.state, displayName, timeZone);
    case 'sent':
      return messageCard({
        title: 'Request sent',
        text: `${result.request.routedTo === 'organisation' ? `${possessive(result.organisationName)} approvers` : 'The concordat administrators'} will decide; you will hear the answer here.`,
        tone: 'good',
      });
  }
}

export function decisionCardFor(
  request: AccessRequest,
  organisationName: string,
  themes: DirectoryTheme[],
  timeZone: string,
  opts: { open: boolean; status?: { text: string; tone: 'good' | 'attention' | 'warning' | 'default' }; values?: Record<string, string>; errors?: Record<string, string> },
): AdaptiveCard {
  return accessDecisionCard({
    headline: `${request.displayName} asks to join ${organisationName}`,
    requester: request.aadObjectId,
    facts: [
      { title: 'Asked for', value: ROLE_LABELS[request.role] },
      ...(request.jobTitle ? [{ title: 'Job title', value: request.jobTitle }] : []),
      { title: 'Reason', value: request.reason },
      ...(request.email ? [{ title: 'Signed in as', value: request.email }] : []),
      { title: 'Microsoft 365 tenant', value: request.tenantId },
      { title: 'Decided by', value: request.routedTo === 'organisation' ? `${possessive(organisationName)} approvers` : 'the concordat administrators (no organisation claims this sign-in)' },
      { title: 'Asked on', value: formatInstant(request.requestedAt, timeZone, 'dayTime') },
    ],
    open: opts.open,
    roleChoices: roleChoices(),
    themeChoices: themeChoices(themes),
    values: opts.values ?? { roles: request.role, themes: '' },
    errors: opts.errors ?? {},
    status: opts.status,
  });
}

/** A reason typed by an approver usually ends with its own full stop: not "post.. They have been told". */
const endSentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

export function decisionResultCard(result: DecisionResult, themes: DirectoryTheme[], timeZone: string): AdaptiveCard {
  switch (result.kind) {
    case 'missing':
      return messageCard({ title: 'No such request', text: 'This request no longer exists: the person may have asked again. Say **people** to see open requests.', tone: 'warning' });
    case 'refused':
      return messageCard({ title: 'Not yours to decide', text: `Only ${possessive(result.organisationName)} approvers, or a concordat administrator, can decide this request. This attempt has been recorded.`, tone: 'attention' });
    case 'invalid':
      return decisionCardFor(result.request, result.organisationName, themes, timeZone, { open: true, values: result.values, errors: result.errors });
    case 'decided': {
      const r = result.request;
      const text =
        r.status === 'approved'
          ? `Approved${r.decidedAt ? ` on ${day(r.decidedAt, timeZone)}` : ''}${result.member ? `: ${result.member.displayName} is now ${roleList(result.member.roles)} at ${result.organisationName}` : ''}. They have been told.`
          : `${endSentence(`Declined${r.decidedAt ? ` on ${day(r.decidedAt, timeZone)}` : ''}${r.declineReason ? `: ${r.declineReason}` : ''}`)} They have been told.`;
      return decisionCardFor(r, result.organisationName, themes, timeZone, { open: false, status: { text: result.already ? `Already decided. ${text}` : text, tone: r.status === 'approved' ? 'good' : 'warning' } });
    }
  }
}

export function outcomeCard(outcome: 'approved' | 'declined', detail: { organisationName: string; roles?: string[]; reason?: string }): AdaptiveCard {
  return outcome === 'approved'
    ? messageCard({
        title: 'Your Concordat access is approved',
        text: `You are ${roleList((detail.roles ?? []) as Role[])} at ${detail.organisationName}. Say **help** to see what you can do.`,
        tone: 'good',
        buttons: [{ title: 'Show help', verb: CONVERSATION_VERBS.help }],
      })
    : messageCard({
        title: 'Your Concordat access request was declined',
        text: `${detail.organisationName}: ${detail.reason ?? ''}`.slice(0, 2000),
        tone: 'warning',
      });
}

export function memberDetail(m: Member, organisationName: string): string {
  return [organisationName, roleList(m.roles), m.status === 'suspended' ? 'SUSPENDED' : '', m.source === 'file' ? 'named in the partnership file' : ''].filter(Boolean).join(' · ');
}

export function memberManageCard(m: Member, organisationName: string, themes: DirectoryTheme[], opts: { status?: { text: string; tone: 'good' | 'attention' | 'warning' | 'default' }; errors?: Record<string, string>; values?: Record<string, string> } = {}): AdaptiveCard {
  const fromFile = m.source === 'file';
  return memberCard({
    name: m.displayName,
    subtitle: `${memberDetail(m, organisationName)}${m.jobTitle ? ` · ${m.jobTitle}` : ''}`,
    member: m.aadObjectId,
    status: opts.status ?? (fromFile ? { text: 'Named in the partnership file: change roles or remove them there. You can suspend them here.', tone: 'default' } : undefined),
    roleChoices: roleChoices(),
    themeChoices: themeChoices(themes),
    values: opts.values ?? { roles: m.roles.filter((r) => r !== 'admin').join(','), themes: m.leadsThemes.join(',') },
    errors: opts.errors ?? {},
    buttons: [
      ...(fromFile ? [] : [{ title: 'Save roles', verb: DIRECTORY_VERBS.save }]),
      m.status === 'suspended' ? { title: 'Reinstate', verb: DIRECTORY_VERBS.reinstate } : { title: 'Suspend', verb: DIRECTORY_VERBS.suspend },
      { title: 'Back to people', verb: DIRECTORY_VERBS.people },
    ],
    removable: !fromFile,
  });
}

type Tone = 'good' | 'attention' | 'warning' | 'default';

/** The most characters of a person's name, their organisation's name and their line of details on a list. */
const LINE_CHARS = { name: 80, organisation: 40, detail: 150 } as const;

/** The people list: one page of open requests and members, with "More" when more follow. */
export function peopleListCard(result: Extract<PeopleResult, { kind: 'list' }>, timeZone: string, status?: { text: string; tone: Tone }): AdaptiveCard {
  const orgName = new Map(result.directory.organisations.map((o) => [o.id, o.name]));
  const requests = result.rows.flatMap((r) => (r.kind === 'request' ? [r.request] : []));
  const members = result.rows.flatMap((r) => (r.kind === 'member' ? [r.member] : []));
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const counts = [members.length || !requests.length ? plural(members.length, 'member') : '', requests.length ? plural(requests.length, 'open request') : ''].filter(Boolean).join(' and ');
  const everyOrganisation = result.scope === 'every organisation';
  const order = everyOrganisation ? 'open requests first, then people by organisation and name' : 'open requests first, then people by name';
  // One organisation's list names it once, above; an administrator's names each line's.
  const orgOf = (id: string | undefined) => (everyOrganisation ? clip(orgName.get(id ?? '') ?? id ?? 'no organisation', LINE_CHARS.organisation) : '');
  const restarted = result.restarted ? { text: 'That list was more than a day old, so here is its first page again.', tone: 'attention' as const } : undefined;
  return peopleCard({
    title: result.query ? `People matching "${result.query}"` : 'People', // the query is at most 60 characters
    subtitle: `${result.scope}${result.continued ? ', continued' : ''}: ${counts}${result.more ? ' on this page, more follow' : ''}. In order: ${order}. Type **people** and a name to find someone.`,
    status: status ?? restarted,
    people: [
      // A line each, its name and details cut to LINE_CHARS: a full page of the longest stays within a card's budget
      // (test/peoplePaging.test.ts); Decide and Manage show everything.
      ...requests.map((r) => ({
        name: `${clip(r.displayName, LINE_CHARS.name)} (asks to join)`,
        detail: clip([orgOf(r.organisationId), ROLE_LABELS[r.role], `asked ${day(r.requestedAt, timeZone)}`].filter(Boolean).join(' · '), LINE_CHARS.detail),
        member: r.aadObjectId,
        buttons: [{ title: 'Decide', verb: DIRECTORY_VERBS.openRequest }],
      })),
      ...members.map((m) => ({
        name: clip(m.displayName, LINE_CHARS.name),
        detail: clip(memberDetail(m, orgOf(m.organisationId)), LINE_CHARS.detail),
        member: m.aadObjectId,
        buttons: [{ title: 'Manage', verb: DIRECTORY_VERBS.member }],
      })),
    ],
    more:
      result.rows.length === 0
        ? result.more
          ? 'No one matches in this part of the list: select More to keep looking.'
          : result.continued
            ? 'No more people.'
            : 'No one matches.'
        : '',
    actions: result.more ? [{ title: 'More', verb: DIRECTORY_VERBS.people, data: { more: result.more } }] : [],
  });
}

/** A "More" token that was altered or made for someone else: refused, nothing read. */
export function peopleTokenRefusedCard(reason: string): AdaptiveCard {
  return messageCard({
    title: 'That "More" button is not yours to use',
    text: `It was ${reason === 'page token belongs to someone else' ? 'made for someone else' : 'altered or damaged'}, so nothing was read from it. Say **people** to see your own list.`,
    tone: 'attention',
    buttons: [{ title: 'People', verb: DIRECTORY_VERBS.people }],
  });
}

/**
 * The access review card: one page of the people still to confirm, in name order. `members` (the organisation's
 * member rows for those shown, where the caller has them) say what each person does, so the approver can judge who
 * still needs access; a person no longer a member shows as such.
 */
export function reviewCard(
  review: Pick<AccessReview, 'organisationId' | 'round' | 'deadline' | 'closedAt'>,
  counts: ReviewCounts,
  organisationName: string,
  timeZone: string,
  opts: { status?: { text: string; tone: Tone }; members?: readonly Member[]; page: ReviewPage; more?: string },
): AdaptiveCard {
  const byId = new Map((opts.members ?? []).map((m) => [m.aadObjectId, m]));
  const detailOf = (id: string) => {
    const m = byId.get(id);
    if (!m) return 'not confirmed yet';
    const since = m.confirmedAt && m.confirmedAt !== m.joinedAt ? `confirmed ${day(m.confirmedAt, timeZone)}` : m.joinedAt ? `joined ${day(m.joinedAt, timeZone)}` : '';
    return [roleList(m.roles), m.jobTitle, since].filter(Boolean).join(' · ');
  };
  const { shown, pending } = opts.page;
  const open = pending > 0 && !review.closedAt;
  return peopleCard({
    title: `Access review: ${organisationName}`.slice(0, 120),
    subtitle: review.closedAt
      ? `Closed ${day(review.closedAt, timeZone)}.`
      : `Confirm who still needs Concordat. Anyone not confirmed by ${day(review.deadline, timeZone)} is suspended and the administrators are told.`,
    status: opts.status,
    people: shown.map((m) => ({
      name: m.displayName,
      detail: detailOf(m.aadObjectId),
      member: m.aadObjectId,
      buttons: [
        { title: 'Confirm', verb: DIRECTORY_VERBS.reviewConfirm },
        { title: 'Remove', verb: DIRECTORY_VERBS.reviewRemove },
      ],
    })),
    more: `${counts.confirmed} confirmed, ${counts.removed} removed, ${pending} to go${pending > shown.length ? ` (${shown.length} shown here, in name order)` : ''}.`,
    organisationId: review.organisationId,
    round: review.round,
    from: shown[0]?.aadObjectId ?? '',
    actions: open && shown.length
      ? [
          // The ids shown ride on the button: "all shown" confirms exactly those, whoever else acted meanwhile; the card
          // then shows who is left from that place on (the next page).
          { title: `Confirm all ${shown.length} shown`, verb: DIRECTORY_VERBS.reviewConfirmAll, data: { members: shown.map((m) => m.aadObjectId).join(','), from: shown[0]!.aadObjectId } },
          ...(opts.more ? [{ title: 'More', verb: DIRECTORY_VERBS.reviewMore, data: { more: opts.more } }] : []),
        ]
      : [],
  });
}
