/**
 * Operation cards for each audience. The channel and reminder views carry
 * no names, briefing or linked incidents; the detail view adds them only for
 * a caller the access rules allow, and the briefing only in a private chat.
 */
import { NOTICE_VERBS } from '../notices/verbs';
import { randomUUID } from 'node:crypto';
import { BOROUGHS, boroughById } from '../common/borough';
import type { Member } from '../common/member';
import { canManage, canRecordOutcomes, canSeeBriefing } from './rules/access';
import { CHANGE_FORM_FIELDS, OPERATION_FORM_FIELDS, OUTCOMES_FORM_FIELDS, type FieldErrors, type ChangeFormField, type OperationFormField, type OutcomesFormField } from './rules/form';
import {
  DEFAULT_OUTCOMES_AFTER_MIN,
  DEFAULT_REMINDER_OFFSETS_MIN,
  hasEnded,
  OPERATION_TYPE_LABELS,
  OUTCOME_COUNTS,
  OUTCOME_LABELS,
  OperationType,
  type JointOperation,
  type OperationLine,
} from './model';
import { describeUntil, OUTCOMES_CHOICES, REMINDER_CHOICES } from './rules/reminderSchedule';
import { clocksGoBack, toWallClock } from '../common/timezone';
import { operationCard, type OperationCardData } from '../../cards/operation';
import { operationChangeCard } from '../../cards/operationChange';
import { operationFormCard } from '../../cards/operationForm';
import { operationListCard } from '../../cards/operationList';
import { outcomesFormCard } from '../../cards/outcomesForm';
import type { AdaptiveCard } from '../../cards/render';
import { formatInstant, formatSpan, timeZoneLabel } from '../common/dates';
import type { Directory } from './repository';
import { OPERATION_VERBS } from './verbs';

type Tone = 'default' | 'good' | 'warning' | 'attention';
type Notice = { text: string; tone: Tone };

export const LATE_NOTICE = 'This reminder is late: Concordat was unavailable when it was due.';

const orgName = (dir: Pick<Directory, 'organisations'>, id: string) => dir.organisations.get(id)?.name ?? id;
const memberName = (dir: Directory, id: string) => dir.members.get(id)?.displayName ?? 'a former member';

function subtitle(op: JointOperation): string {
  return `${OPERATION_TYPE_LABELS[op.type]} · ${boroughById(op.borough).name} · ${op.id}`;
}

function statusText(op: JointOperation, now: Date): string {
  if (op.status === 'cancelled') return `Cancelled${op.cancelReason ? `: ${op.cancelReason}` : ''}`;
  if (op.status === 'completed') return 'Completed, outcomes recorded';
  if (hasEnded(op, now)) return 'Ended, outcomes awaited';
  if (Date.parse(op.startsAt) <= now.getTime()) return 'Under way';
  return 'Scheduled';
}

/** Facts anyone in the borough's channel may see: no people, no briefing. */
function publicFacts(op: JointOperation, dir: Directory, timeZone: string, now: Date) {
  const partners = op.partnerOrganisationIds.map((id) => orgName(dir, id));
  return [
    { title: 'When', value: `${formatSpan(op.startsAt, op.endsAt, timeZone)} (${timeZoneLabel(timeZone)})` },
    { title: 'Area', value: op.area },
    { title: 'Lead agency', value: orgName(dir, op.leadOrganisationId) },
    ...(partners.length ? [{ title: 'With', value: partners.join(', ') }] : []),
    { title: 'Status', value: statusText(op, now) },
  ];
}

function outcomeFacts(op: JointOperation) {
  if (!op.outcomes) return [];
  return [
    ...OUTCOME_COUNTS.map((k) => ({ title: OUTCOME_LABELS[k], value: String(op.outcomes![k]) })),
    ...(op.outcomes.notes ? [{ title: 'Notes', value: op.outcomes.notes }] : []),
  ];
}

const CHANNEL_FOOTER = (op: JointOperation) =>
  `${op.marking} · do not forward. Participants get details and reminders in a private chat with Concordat (operation ${op.id}).`;

/** The card posted to the borough's channels, and its later updates. */
export function channelCard(op: JointOperation, dir: Directory, timeZone: string, now: Date, heading?: { text: string; tone: Tone }): AdaptiveCard {
  const h = heading ?? defaultChannelHeading(op);
  return operationCard({
    marking: op.marking,
    heading: h.text,
    tone: h.tone,
    title: op.name,
    subtitle: subtitle(op),
    facts: publicFacts(op, dir, timeZone, now),
    outcomes: outcomeFacts(op),
    footer: CHANNEL_FOOTER(op),
  });
}

function defaultChannelHeading(op: JointOperation): { text: string; tone: Tone } {
  if (op.status === 'cancelled') return { text: 'Joint operation cancelled', tone: 'attention' };
  if (op.status === 'completed') return { text: 'Joint operation completed', tone: 'good' };
  if (op.version > 1) return { text: 'Joint operation moved', tone: 'warning' };
  return { text: 'Joint operation scheduled', tone: 'default' };
}

export interface Viewer {
  member?: Member;
  /** Only a private (1:1) chat may show the briefing. */
  privateChat: boolean;
}

/** The full card for one viewer: people, reminders and links if they may see them; the briefing only to those taking part. */
export function detailCard(
  op: JointOperation,
  dir: Directory,
  timeZone: string,
  now: Date,
  viewer: Viewer,
  extra: { heading?: string; tone?: Tone; notices?: Notice[] } = {},
): AdaptiveCard {
  const insider = canSeeBriefing(viewer.member, op);
  // Everyone in a channel or group chat sees the answer, whoever asked: people and links stay in private chats.
  const showRestricted = insider && viewer.privateChat;
  const facts = publicFacts(op, dir, timeZone, now);
  if (showRestricted) {
    facts.push({ title: 'Coordinator', value: memberName(dir, op.coordinator) });
    facts.push({ title: 'Participants', value: op.participants.map((id) => memberName(dir, id)).join(', ') });
    if (op.linkedIncidents.length) facts.push({ title: 'Linked incidents', value: op.linkedIncidents.join(', ') });
    facts.push({ title: 'Reminders', value: describeReminders(op) });
  }
  const notices = [...(extra.notices ?? [])];
  if (insider && !viewer.privateChat) notices.push({ text: 'Participants, the briefing and linked incidents are shown only in your private chat with Concordat.', tone: 'default' });
  const buttons: NonNullable<OperationCardData['buttons']> = [];
  if (viewer.privateChat && op.status === 'scheduled' && !hasEnded(op, now) && canManage(viewer.member, op)) {
    buttons.push({ title: 'Move or cancel', verb: OPERATION_VERBS.change, operationId: op.id, version: op.version });
  }
  if (viewer.privateChat && op.status !== 'cancelled' && Date.parse(op.startsAt) <= now.getTime() && canRecordOutcomes(viewer.member, op)) {
    buttons.push({ title: op.outcomes ? 'Update outcomes' : 'Record outcomes', verb: OPERATION_VERBS.outcomesForm, operationId: op.id, version: op.version });
  }
  return operationCard({
    marking: op.marking,
    heading: extra.heading ?? 'Joint operation',
    tone: extra.tone ?? 'default',
    title: op.name,
    subtitle: subtitle(op),
    notices,
    facts,
    briefing: showRestricted ? (op.briefing ?? '') : '',
    outcomes: outcomeFacts(op),
    footer: showRestricted ? `${op.marking} · for the people taking part; do not forward.` : CHANNEL_FOOTER(op),
    buttons,
  });
}

function describeReminders(op: JointOperation): string {
  const label = (m: number) => REMINDER_CHOICES.find((c) => c.minutes === m)?.label ?? `${m} minutes before`;
  const before = op.reminderOffsetsMin.length ? op.reminderOffsetsMin.map(label).join(', ') : 'none';
  const after = OUTCOMES_CHOICES.find((c) => c.minutes === op.outcomesAfterMin)?.label.toLowerCase() ?? `${op.outcomesAfterMin} minutes after`;
  return `${before}; outcomes asked for ${after}`;
}

/** A "before" reminder: in a participant's private chat, or in the channel for those Concordat cannot reach privately. */
export function reminderCard(
  op: JointOperation,
  dir: Directory,
  timeZone: string,
  now: Date,
  opts: { late: boolean; audience: 'personal' | 'channel' },
): AdaptiveCard {
  const notices: Notice[] = [];
  if (opts.late) notices.push({ text: LATE_NOTICE, tone: 'warning' });
  if (opts.audience === 'channel') {
    notices.push({
      text: 'Posted here for participants who have no private chat with Concordat. If you take part, press My private notices to see your reminder, shown to you alone.',
      tone: 'default',
    });
  }
  const started = Date.parse(op.startsAt) <= now.getTime();
  const heading = started ? 'Reminder: this joint operation is under way' : `Reminder: starts ${describeUntil(Date.parse(op.startsAt) - now.getTime())}`;
  return operationCard({
    marking: op.marking,
    heading,
    tone: opts.late ? 'warning' : 'default',
    title: op.name,
    subtitle: subtitle(op),
    notices,
    facts: publicFacts(op, dir, timeZone, now),
    footer: opts.audience === 'channel' ? CHANNEL_FOOTER(op) : `${op.marking} · for the people taking part; do not forward.`,
    buttons:
      opts.audience === 'personal'
        ? [{ title: 'Open details', verb: OPERATION_VERBS.view, operationId: op.id, version: op.version }]
        : [{ title: 'My private notices', verb: NOTICE_VERBS.list, operationId: op.id, version: op.version }],
  });
}

/** Told to participants once when they are added, when it moves, and when it is cancelled. */
export function participantNoticeCard(
  op: JointOperation,
  dir: Directory,
  timeZone: string,
  now: Date,
  event: 'scheduled' | 'rescheduled' | 'cancelled',
  previous?: { startsAt: string; endsAt: string },
): AdaptiveCard {
  const headings = {
    scheduled: { text: `You are taking part in a joint operation, organised by ${memberName(dir, op.coordinator)}`, tone: 'default' as Tone },
    rescheduled: { text: 'A joint operation you are taking part in has moved', tone: 'warning' as Tone },
    cancelled: { text: 'A joint operation you were taking part in is cancelled', tone: 'attention' as Tone },
  };
  const notices: Notice[] = [];
  if (event === 'rescheduled' && previous) {
    notices.push({ text: `Was ${formatSpan(previous.startsAt, previous.endsAt, timeZone)}. Your reminders have moved with it.`, tone: 'default' });
  }
  if (event === 'cancelled') notices.push({ text: 'No more reminders will be sent for it.', tone: 'default' });
  return operationCard({
    marking: op.marking,
    heading: headings[event].text,
    tone: headings[event].tone,
    title: op.name,
    subtitle: subtitle(op),
    notices,
    facts: publicFacts(op, dir, timeZone, now),
    footer: `${op.marking} · for the people taking part; do not forward.`,
    buttons: event === 'cancelled' ? [] : [{ title: 'Open details', verb: OPERATION_VERBS.view, operationId: op.id, version: op.version }],
  });
}

/** The outcomes card the lead gets after the operation (and from "Record outcomes"). */
export function outcomesCard(
  op: JointOperation,
  timeZone: string,
  opts: { late?: boolean; values?: Record<OutcomesFormField, string>; errors?: FieldErrors<OutcomesFormField>; notice?: string } = {},
): AdaptiveCard {
  const recorded = op.outcomes;
  const values =
    opts.values ??
    ({
      arrests: recorded ? String(recorded.arrests) : '',
      warrantsExecuted: recorded ? String(recorded.warrantsExecuted) : '',
      premisesClosed: recorded ? String(recorded.premisesClosed) : '',
      vehiclesSeized: recorded ? String(recorded.vehiclesSeized) : '',
      referrals: recorded ? String(recorded.referrals) : '',
      notes: recorded?.notes ?? '',
    } satisfies Record<OutcomesFormField, string>);
  const notices: { text: string; tone: 'default' | 'warning' | 'attention' }[] = [];
  if (opts.late) notices.push({ text: LATE_NOTICE, tone: 'warning' });
  if (opts.notice) notices.push({ text: opts.notice, tone: 'attention' });
  return outcomesFormCard({
    operationId: op.id,
    version: op.version,
    basedOn: recorded?.recordedAt ?? '',
    title: op.name,
    summary: `${subtitle(op)} · ${formatSpan(op.startsAt, op.endsAt, timeZone)}`,
    notices,
    fields: OUTCOMES_FORM_FIELDS,
    values,
    errors: opts.errors ?? {},
    counts: OUTCOME_COUNTS.map((k) => ({ id: k, label: OUTCOME_LABELS[k] })),
  });
}

/** The reminder in a channel that outcomes are due, for a lead Concordat cannot reach privately. */
export function outcomesDueChannelCard(op: JointOperation, dir: Directory, timeZone: string, now: Date, late: boolean): AdaptiveCard {
  const notices: Notice[] = [
    { text: `The lead can record the outcomes in a private chat with Concordat: type "operation ${op.id}".`, tone: 'default' },
  ];
  if (late) notices.unshift({ text: LATE_NOTICE, tone: 'warning' });
  return operationCard({
    marking: op.marking,
    heading: 'Outcomes are due for this joint operation',
    tone: late ? 'warning' : 'default',
    title: op.name,
    subtitle: subtitle(op),
    notices,
    facts: publicFacts(op, dir, timeZone, now),
    footer: CHANNEL_FOOTER(op),
  });
}

export function changeCard(
  op: JointOperation,
  timeZone: string,
  opts: { values?: Record<ChangeFormField, string>; errors?: FieldErrors<ChangeFormField>; notice?: string } = {},
): AdaptiveCard {
  const start = toWallClock(op.startsAt, timeZone);
  const end = toWallClock(op.endsAt, timeZone);
  const values =
    opts.values ??
    (Object.fromEntries(CHANGE_FORM_FIELDS.map((f) => [f, ''])) as Record<ChangeFormField, string>);
  if (!opts.values) Object.assign(values, { startDate: start.date, startTime: start.time, endDate: end.date, endTime: end.time });
  return operationChangeCard({
    operationId: op.id,
    version: op.version,
    title: op.name,
    summary: `${subtitle(op)} · now ${formatSpan(op.startsAt, op.endsAt, timeZone)}`,
    notice: opts.notice ?? '',
    fields: CHANGE_FORM_FIELDS,
    values,
    errors: opts.errors ?? {},
    timeZoneLabel: timeZoneLabel(timeZone),
  });
}

/**
 * What the form says about the hour the zone's clocks go back (read twice: fromWallClock takes the first), in the
 * zone's own words: "01:00–01:59 ... the first (BST)" in London, "(EDT)" in New York; nothing where clocks never change.
 */
function clockChangeNote(timeZone: string, now: Date): string {
  const back = clocksGoBack(timeZone, now);
  if (!back) return '';
  return ` When the clocks go back, ${back.from}–${back.to} happens twice: the first (${back.offsetOnly ? `summer time, ${back.before}` : back.before}) is taken.`;
}

/** The scheduling form: empty with the defaults, or as submitted with errors beside the fields. */
export function scheduleFormCard(
  dir: Directory,
  timeZone: string,
  now: Date,
  opts: {
    submissionId?: string;
    values?: Record<OperationFormField, string>;
    errors?: FieldErrors<OperationFormField>;
    notice?: string;
    caller?: Member;
    /** Values to start from instead of the blanks (e.g. a hotspot's borough, area and incidents). */
    prefill?: Partial<Record<OperationFormField, string>>;
  } = {},
): AdaptiveCard {
  const defaults = Object.fromEntries(OPERATION_FORM_FIELDS.map((f) => [f, ''])) as Record<OperationFormField, string>;
  Object.assign(defaults, {
    reminders: DEFAULT_REMINDER_OFFSETS_MIN.join(','),
    outcomesAfter: String(DEFAULT_OUTCOMES_AFTER_MIN),
    lead: opts.caller?.organisationId ?? '',
    borough: opts.caller ? (dir.organisations.get(opts.caller.organisationId)?.boroughs.length === 1 ? dir.organisations.get(opts.caller.organisationId)!.boroughs[0]! : '') : '',
  });
  Object.assign(defaults, opts.prefill ?? {});
  const byName = <T extends { name?: string; displayName?: string }>(a: T, b: T) => (a.name ?? a.displayName ?? '').localeCompare(b.name ?? b.displayName ?? '');
  return operationFormCard({
    submissionId: opts.submissionId ?? randomUUID(),
    notice: opts.notice ?? '',
    fields: OPERATION_FORM_FIELDS,
    values: opts.values ?? defaults,
    errors: opts.errors ?? {},
    choices: {
      types: OperationType.options.map((t) => ({ title: OPERATION_TYPE_LABELS[t], value: t })),
      boroughs: BOROUGHS.map((b) => ({ title: b.name, value: b.id })),
      organisations: [...dir.organisations.values()].sort(byName).map((o) => ({ title: o.name, value: o.id })),
      members: [...dir.members.values()].sort(byName).map((m) => ({
        title: `${m.displayName} (${orgName(dir, m.organisationId)})`.slice(0, 160),
        value: m.aadObjectId,
      })),
      reminders: REMINDER_CHOICES.map((c) => ({ title: c.label, value: String(c.minutes) })),
      outcomes: OUTCOMES_CHOICES.map((c) => ({ title: c.label, value: String(c.minutes) })),
    },
    timeZoneLabel: timeZoneLabel(timeZone),
    timeNote: `Times are ${timeZoneLabel(timeZone)}.${clockChangeNote(timeZone, now)} OFFICIAL-SENSITIVE: the channel card shows name, type, area, times and agencies only.`,
  });
}


/**
 * One page of upcoming operations, soonest first. `more`: the signed token of
 * the "More" button when another page follows; `continued`: this is a later
 * page; `notice`: said first (e.g. an unusable token was ignored).
 */
export function upcomingListCard(
  lines: readonly OperationLine[],
  dir: Pick<Directory, 'organisations'>,
  timeZone: string,
  where: string,
  page: { more?: string; continued?: boolean; notice?: string } = {},
): AdaptiveCard {
  const count = `${lines.length} operation${lines.length === 1 ? '' : 's'}`;
  return operationListCard({
    heading: `Upcoming joint operations: ${where}`,
    // Empty with "More": storage answered slowly this time (bot/store/paging.ts), and the next press reads on from where this one stopped.
    emptyText: `${page.notice ? `${page.notice} ` : ''}${
      page.more ? `Still looking through ${where}: press More to go on.` : page.continued ? `No more joint operations are scheduled in ${where}.` : `No joint operations are scheduled in ${where}.`
    }`,
    items: lines.slice(0, 25).map((op) => ({
      id: op.id,
      title: `${op.name} (${op.id})`,
      detail: `${OPERATION_TYPE_LABELS[op.type]} · ${boroughById(op.borough).name}, ${op.area} · ${formatInstant(op.startsAt, timeZone)} · lead ${orgName(dir, op.leadOrganisationId)}`,
    })),
    footer: `${page.notice && lines.length ? `${page.notice} ` : ''}${page.continued ? 'More: ' : ''}${count}, soonest first${page.more ? ', and more to come' : ''}. Select one to open it.`,
    more: page.more ?? '',
  });
}
