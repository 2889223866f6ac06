import { z } from 'zod';
import { TONE_COLOR } from './format';
import { expandTemplate, type AdaptiveCard } from './render';
import accessRequestTemplate from './templates/accessRequest.json';
import accessDecisionTemplate from './templates/accessDecision.json';
import peopleTemplate from './templates/people.json';
import memberTemplate from './templates/member.json';

/** Cards of the partnership directory: asking for access, deciding, managing people, the access review. */

const Choice = z.object({ title: z.string().max(160), value: z.string().max(100) });
const Fields = (_fields: readonly string[]) => z.record(z.string(), z.string().max(600)).default({});
const Status = z.object({ text: z.string().max(400), tone: z.enum(['good', 'attention', 'warning', 'default']) }).optional();

export const ACCESS_REQUEST_FIELDS = ['organisationId', 'role', 'jobTitle', 'reason'] as const;
export const AccessRequestCardData = z.object({
  displayName: z.string().max(120),
  organisations: z.array(Choice).max(200),
  /** Who will decide, e.g. "Stockport Homes' approvers decide." */
  routeNote: z.string().max(300).default(''),
  values: Fields(ACCESS_REQUEST_FIELDS),
  errors: Fields(ACCESS_REQUEST_FIELDS),
  formError: z.string().max(300).default(''),
});

export function accessRequestCard(input: z.input<typeof AccessRequestCardData>): AdaptiveCard {
  const d = AccessRequestCardData.parse(input);
  const pick = (r: Record<string, string>) => Object.fromEntries(ACCESS_REQUEST_FIELDS.map((f) => [f, r[f] ?? '']));
  return expandTemplate(accessRequestTemplate, { ...d, values: pick({ role: 'staff', ...d.values }), errors: pick(d.errors) });
}

export const DECISION_FIELDS = ['roles', 'themes', 'declineReason'] as const;
export const AccessDecisionCardData = z.object({
  headline: z.string().max(200),
  requester: z.string().max(64),
  facts: z.array(z.object({ title: z.string().max(40), value: z.string().max(600) })).max(10),
  /** Open: the approver can still decide (inputs and Approve / Decline shown). */
  open: z.boolean(),
  roleChoices: z.array(Choice).max(6).default([]),
  themeChoices: z.array(Choice).max(20).default([]),
  values: Fields(DECISION_FIELDS),
  errors: Fields(DECISION_FIELDS),
  formError: z.string().max(300).default(''),
  status: Status,
});

export function accessDecisionCard(input: z.input<typeof AccessDecisionCardData>): AdaptiveCard {
  const d = AccessDecisionCardData.parse(input);
  const pick = (r: Record<string, string>) => Object.fromEntries(DECISION_FIELDS.map((f) => [f, r[f] ?? '']));
  return expandTemplate(accessDecisionTemplate, {
    ...d,
    values: pick(d.values),
    errors: pick(d.errors),
    status: d.status?.text ?? '',
    statusColor: TONE_COLOR[d.status?.tone ?? 'default'],
    buttons: d.open
      ? [
          { title: 'Approve', verb: 'access.approve', style: 'positive' },
          { title: 'Decline', verb: 'access.decline', style: 'destructive' },
        ]
      : [],
  });
}

const Button = z.object({ title: z.string().max(40), verb: z.string().max(40) });
/** A card-level button; `data` rides along with it (the "More" button's signed page token, the ids "Confirm all shown" confirms). */
const CardAction = Button.extend({ data: z.record(z.string().max(64), z.string().max(2000)).default({}) });
export const PeopleCardData = z.object({
  title: z.string().max(120),
  subtitle: z.string().max(400),
  status: Status,
  people: z
    .array(z.object({ name: z.string().max(120), detail: z.string().max(300), member: z.string().max(64), buttons: z.array(Button).max(3) }))
    .max(25),
  more: z.string().max(200).default(''),
  organisationId: z.string().max(60).default(''),
  round: z.string().max(20).default(''),
  /** The first person of this page (the access review): a row's action shows the same page again. */
  from: z.string().max(64).default(''),
  actions: z.array(CardAction).max(4).default([]),
});

/** A list of people with a few buttons each: "people" for approvers, and the access review. At most 25 rows (card size). */
export function peopleCard(input: z.input<typeof PeopleCardData>): AdaptiveCard {
  const d = PeopleCardData.parse(input);
  return expandTemplate(peopleTemplate, {
    ...d,
    status: d.status?.text ?? '',
    statusColor: TONE_COLOR[d.status?.tone ?? 'default'],
    // Only the fields a button needs ride on it: a people list's rows carry no round (every byte is paid on every row).
    people: d.people.map((p) => ({
      ...p,
      buttons: p.buttons.map((b) => ({ ...b, data: { verb: b.verb, member: p.member, ...(d.organisationId ? { organisationId: d.organisationId } : {}), ...(d.round ? { round: d.round } : {}), ...(d.from ? { from: d.from } : {}) } })),
    })),
    actions: d.actions.map((a) => ({ title: a.title, verb: a.verb, data: { ...a.data, verb: a.verb, organisationId: d.organisationId, round: d.round } })),
  });
}

export const MEMBER_FIELDS = ['roles', 'themes'] as const;
export const MemberCardData = z.object({
  name: z.string().max(120),
  subtitle: z.string().max(300),
  member: z.string().max(64),
  status: Status,
  roleChoices: z.array(Choice).max(6),
  themeChoices: z.array(Choice).max(20),
  values: Fields(MEMBER_FIELDS),
  errors: Fields(MEMBER_FIELDS),
  buttons: z.array(Button).max(5),
  /** Offer "Remove…": it unfolds a confirmation naming the person, whose button removes (no removal on one tap). */
  removable: z.boolean().default(false),
});

/** One person, for an approver: change roles and led themes, suspend or reinstate, remove. */
export function memberCard(input: z.input<typeof MemberCardData>): AdaptiveCard {
  const d = MemberCardData.parse(input);
  const pick = (r: Record<string, string>) => Object.fromEntries(MEMBER_FIELDS.map((f) => [f, r[f] ?? '']));
  return expandTemplate(memberTemplate, { ...d, values: pick(d.values), errors: pick(d.errors), status: d.status?.text ?? '', statusColor: TONE_COLOR[d.status?.tone ?? 'default'] });
}
