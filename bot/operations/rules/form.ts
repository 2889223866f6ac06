/**
 * The joint-operation cards' raw input (every value a string, as Teams sends
 * it) parsed into domain values, or into one message per field so the card
 * can come back with the values kept and the errors next to their fields.
 * Pure: "now", the time zone and the known organisations and members are
 * passed in.
 */
import { z } from 'zod';
import { BoroughId } from '../../common/borough';
import { IncidentReference } from '../../incidents/rules/incident';
import { EntraObjectId } from '../../common/member';
import { OperationType, type JointOperation } from '../model';
import { OrganisationId } from '../../common/organisation';
import { personalDataMessage } from '../../common/personalData';
import { plainTextRefinement } from '../../common/plainText';
import { OUTCOMES_CHOICES, REMINDER_CHOICES } from './reminderSchedule';
import { fieldErrors } from '../../common/formErrors';
import { fromWallClock } from '../../common/timezone';
import { lazySchema } from '../../common/lazySchema';
import { MAX_DURATION_MS } from './limits';

export type FieldErrors<F extends string> = Partial<Record<F, string>>;
export type FormResult<F extends string, T> =
  | { ok: true; value: T; values: Record<F, string> }
  | { ok: false; errors: FieldErrors<F>; values: Record<F, string> };

/** Every value of the raw form as a string ('' when absent), so a card can be shown again as it was. */
function readValues<F extends string>(fields: readonly F[], raw: unknown): Record<F, string> {
  const source = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  return Object.fromEntries(fields.map((f) => [f, typeof source[f] === 'string' ? (source[f] as string) : ''])) as Record<F, string>;
}

/** A comma-separated multi-select value ("a,b") as a list. */
const list = <T extends z.ZodTypeAny>(item: T) =>
  z
    .string()
    .transform((v) => [...new Set(v.split(/[,;\s]+/).map((x) => x.trim()).filter(Boolean))])
    .pipe(z.array(item));

const CHANNEL_TEXT_MESSAGE = 'This goes to a channel: give the area or estate, not an address, postcode, name or other personal details.';

/** Text shown on operation cards, channel cards included: the plain-text rule, and for channel text no personal data. */
const cardText = (max: number) => plainTextRefinement(max);
const channelText = (max: number) => plainTextRefinement(max, (t) => (personalDataMessage(t) ? CHANNEL_TEXT_MESSAGE : undefined));

const date = lazySchema(() => z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'choose a date'));
const time = lazySchema(() => z.string().regex(/^\d{2}:\d{2}(?::\d{2})?$/, 'choose a time'));

// ---------------------------------------------------------------------------
// When: shared by scheduling and rescheduling
// ---------------------------------------------------------------------------

export const WHEN_FIELDS = ['startDate', 'startTime', 'endDate', 'endTime'] as const;
type WhenField = (typeof WHEN_FIELDS)[number];

const MAX_AHEAD_MS = 2 * 365 * 24 * 3600_000;

export interface WhenContext {
  now: Date;
  timeZone: string;
}

function describeWallClockProblem(reason: 'malformed' | 'nonexistent', d: string, t: string): string {
  return reason === 'nonexistent'
    ? `${t} does not exist on ${d}: the clocks go forward an hour at 01:00. Choose a time after 02:00.`
    : 'not a real date and time';
}

/** Local start and end (in the zone) to UTC instants, with the checks every operation needs. */
function parseWhen(
  v: Record<WhenField, string>,
  ctx: WhenContext,
): { ok: true; startsAt: string; endsAt: string } | { ok: false; errors: FieldErrors<WhenField> } {
  const errors: FieldErrors<WhenField> = {};
  for (const [d, t, df, tf] of [
    [v.startDate, v.startTime, 'startDate', 'startTime'],
    [v.endDate, v.endTime, 'endDate', 'endTime'],
  ] as const) {
    if (!date.safeParse(d).success) errors[df] = 'choose a date';
    if (!time.safeParse(t).success) errors[tf] = 'choose a time';
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const start = fromWallClock(v.startDate, v.startTime.slice(0, 5), ctx.timeZone);
  const end = fromWallClock(v.endDate, v.endTime.slice(0, 5), ctx.timeZone);
  if (!start.ok) errors.startTime = describeWallClockProblem(start.reason, v.startDate, v.startTime.slice(0, 5));
  if (!end.ok) errors.endTime = describeWallClockProblem(end.reason, v.endDate, v.endTime.slice(0, 5));
  if (!start.ok || !end.ok) return { ok: false, errors };
  const s = start.instant.getTime();
  const e = end.instant.getTime();
  if (s <= ctx.now.getTime()) errors.startDate = 'the start must be in the future';
  else if (s - ctx.now.getTime() > MAX_AHEAD_MS) errors.startDate = 'schedule at most two years ahead';
  if (e <= s) errors.endTime = 'it must end after it starts';
  else if (e - s > MAX_DURATION_MS) errors.endDate = 'an operation lasts at most 14 days; schedule longer work as several';
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, startsAt: start.instant.toISOString(), endsAt: end.instant.toISOString() };
}

// ---------------------------------------------------------------------------
// Scheduling
// ---------------------------------------------------------------------------

export const OPERATION_FORM_FIELDS = [
  'name',
  'type',
  'borough',
  'area',
  ...WHEN_FIELDS,
  'lead',
  'partners',
  'participants',
  'briefing',
  'incidents',
  'reminders',
  'outcomesAfter',
] as const;
export type OperationFormField = (typeof OPERATION_FORM_FIELDS)[number];
export type OperationFormValues = Record<OperationFormField, string>;

export interface OperationFormContext extends WhenContext {
  organisationIds: ReadonlySet<string>;
  memberIds: ReadonlySet<string>;
}

/** A schedule form that passed every check: the operation's own fields, as the domain schema types them. */
export type ValidOperationForm = Pick<
  JointOperation,
  | 'name' | 'type' | 'borough' | 'area' | 'startsAt' | 'endsAt' | 'leadOrganisationId' | 'partnerOrganisationIds'
  | 'participants' | 'briefing' | 'linkedIncidents' | 'reminderOffsetsMin' | 'outcomesAfterMin'
>;

const REMINDER_MINUTES = new Set(REMINDER_CHOICES.map((c) => c.minutes));
const OUTCOMES_MINUTES = new Set(OUTCOMES_CHOICES.map((c) => c.minutes));

const OperationFormSchema = lazySchema(() => z.object({
  name: z.string().trim().min(3, 'give it a name of at least 3 characters').max(100, 'at most 100 characters').superRefine(channelText(100)),
  type: z.string().refine((t) => OperationType.safeParse(t).success, 'choose a type').transform((t) => t as OperationType),
  borough: z.string().refine((b) => BoroughId.safeParse(b).success, 'choose a borough').transform((b) => b as BoroughId),
  area: z.string().trim().min(2, 'name the area or estate').max(80, 'at most 80 characters').superRefine(channelText(80)),
  lead: z.string().trim().min(1, 'choose the lead agency').pipe(OrganisationId),
  partners: list(OrganisationId),
  participants: list(EntraObjectId).refine((p) => p.length > 0, 'choose at least one participant'),
  briefing: z.string().trim().max(4000, 'at most 4000 characters').superRefine(cardText(4000)),
  incidents: z
    .string()
    .transform((v) => v.toUpperCase())
    .pipe(list(z.string().pipe(IncidentReference)))
    .refine((r) => r.length <= 20, 'link at most 20 incidents'),
  reminders: list(z.coerce.number().int().refine((m) => REMINDER_MINUTES.has(m), 'choose reminder times from the list')).refine(
    (r) => r.length <= 6,
    'at most 6 reminders',
  ),
  outcomesAfter: z.coerce.number().int().refine((m) => OUTCOMES_MINUTES.has(m), 'choose when outcomes are asked for'),
}));

export function parseOperationForm(raw: unknown, ctx: OperationFormContext): FormResult<OperationFormField, ValidOperationForm> {
  const values = readValues(OPERATION_FORM_FIELDS, raw);
  const parsed = OperationFormSchema.safeParse(values);
  const when = parseWhen(values, ctx);
  const errors: FieldErrors<OperationFormField> = {
    ...(parsed.success ? {} : fieldErrors(parsed.error, OPERATION_FORM_FIELDS).fields),
    ...(when.ok ? {} : when.errors),
  };
  // Checks against the directory and across fields, on each field that parsed on its own.
  const shape = OperationFormSchema.shape;
  const lead = shape.lead.safeParse(values.lead);
  const partners = shape.partners.safeParse(values.partners);
  const participants = shape.participants.safeParse(values.participants);
  if (lead.success && !errors.lead && !ctx.organisationIds.has(lead.data)) errors.lead = 'choose the lead agency from the list';
  if (partners.success && !errors.partners) {
    if (partners.data.some((p) => !ctx.organisationIds.has(p))) errors.partners = 'choose partners from the list';
    else if (lead.success && partners.data.includes(lead.data)) errors.partners = 'the lead agency is already taking part: do not list it as a partner too';
  }
  if (participants.success && !errors.participants && participants.data.some((p) => !ctx.memberIds.has(p))) {
    errors.participants = 'choose participants from the list of concordat members';
  }
  if (!parsed.success || !when.ok || Object.keys(errors).length > 0) return { ok: false, errors, values };
  const f = parsed.data;
  return {
    ok: true,
    values,
    value: {
      name: f.name,
      type: f.type,
      borough: f.borough,
      area: f.area,
      startsAt: when.startsAt,
      endsAt: when.endsAt,
      leadOrganisationId: f.lead,
      partnerOrganisationIds: f.partners,
      participants: f.participants,
      briefing: f.briefing || undefined,
      linkedIncidents: f.incidents,
      reminderOffsetsMin: [...f.reminders].sort((a, b) => b - a),
      outcomesAfterMin: f.outcomesAfter,
    },
  };
}

// ---------------------------------------------------------------------------
// Rescheduling and cancelling
// ---------------------------------------------------------------------------

export const CHANGE_FORM_FIELDS = [...WHEN_FIELDS, 'reason'] as const;
export type ChangeFormField = (typeof CHANGE_FORM_FIELDS)[number];

export function parseRescheduleForm(raw: unknown, ctx: WhenContext): FormResult<ChangeFormField, { startsAt: string; endsAt: string }> {
  const values = readValues(CHANGE_FORM_FIELDS, raw);
  const when = parseWhen(values, ctx);
  if (!when.ok) return { ok: false, errors: when.errors, values };
  return { ok: true, values, value: { startsAt: when.startsAt, endsAt: when.endsAt } };
}

const Reason = lazySchema(() => z.string().trim().max(300, 'at most 300 characters').superRefine(channelText(300)));

export function parseCancelForm(raw: unknown): FormResult<ChangeFormField, { reason?: string }> {
  const values = readValues(CHANGE_FORM_FIELDS, raw);
  const reason = Reason.safeParse(values.reason);
  if (!reason.success) return { ok: false, errors: { reason: reason.error.issues[0]!.message }, values };
  return { ok: true, values, value: { reason: reason.data || undefined } };
}

// ---------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------

export const OUTCOMES_FORM_FIELDS = ['arrests', 'warrantsExecuted', 'premisesClosed', 'vehiclesSeized', 'referrals', 'notes'] as const;
export type OutcomesFormField = (typeof OUTCOMES_FORM_FIELDS)[number];

const count = lazySchema(() => z
  .string()
  .trim()
  .min(1, 'enter a number (0 if none)')
  // Empty is the message above alone (every problem of a field is shown, and this one would repeat it).
  .regex(/^(?:\d+)?$/, 'a whole number, 0 or more')
  .transform(Number)
  .pipe(z.number().max(9999, 'at most 9999')));

const OutcomesFormSchema = lazySchema(() => z.object({
  arrests: count,
  warrantsExecuted: count,
  premisesClosed: count,
  vehiclesSeized: count,
  referrals: count,
  notes: z.string().trim().max(1000, 'at most 1000 characters').superRefine(channelText(1000)),
}));
export type ValidOutcomesForm = z.output<typeof OutcomesFormSchema>;

export function parseOutcomesForm(raw: unknown): FormResult<OutcomesFormField, ValidOutcomesForm> {
  const values = readValues(OUTCOMES_FORM_FIELDS, raw);
  const parsed = OutcomesFormSchema.safeParse(values);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error, OUTCOMES_FORM_FIELDS).fields, values };
  return { ok: true, values, value: parsed.data };
}
