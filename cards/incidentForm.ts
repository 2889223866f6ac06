import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import { withoutNullValues } from './incidentCommon';
import template from './templates/incidentForm.json';

const Choice = z.object({ title: z.string().min(1).max(120), value: z.string().min(1).max(80) });

export const IncidentFormData = z.object({
  mode: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('report'), submissionId: z.string().min(8) }),
    z.object({
      kind: z.literal('edit'),
      submissionId: z.string().min(8),
      reference: z.string(),
      baseVersion: z.number().int().min(1),
      /** What correcting the borough, date or time does to the reference (it stays). */
      placeNote: z.string(),
      /** Why the borough, date or time is corrected (edit only: not a report field), and its problem. */
      correctionReason: z.string().max(1000).default(''),
      correctionError: z.string().default(''),
    }),
  ]),
  /** Every field of the form (bot/incidents/rules/incidentForm.ts FORM_FIELDS) with its value: the card's fields are these keys. */
  values: z.record(z.string(), z.string()),
  errors: z.record(z.string(), z.string()).default({}),
  /** YYYY-MM-DD: the date picker offers nothing later. */
  today: z.string(),
  reportedAt: z.string(),
  /** The configured zone in words ("UK time"), beside the time input. */
  timeZoneLabel: z.string().min(1),
  /** A report's note on times: the zone and how the repeated hour of a clock change is read. */
  timeNote: z.string().max(300).default(''),
  /**
   * Shown in a dialog (a message extension's task module): submitted with Action.Submit, which Teams sends back to
   * the extension as composeExtension/submitAction (dialogs do not carry Action.Execute). Reports only.
   */
  dialog: z.boolean().default(false),
  /** A problem with the whole submission rather than a field (storage unreachable): shown at the top, in place of the count. */
  notice: z.string().max(300).default(''),
  choices: z.object({
    category: z.array(Choice).min(1),
    strand: z.array(Choice).min(1),
    borough: z.array(Choice).min(1),
    risk: z.array(Choice).length(3),
    action: z.array(Choice).min(1),
    share: z.array(Choice),
    marking: z.array(Choice).min(1),
  }),
});
export type IncidentFormData = z.input<typeof IncidentFormData>;

const COUNT_FIELDS = ['victims', 'suspects', 'witnesses'] as const;

/** The fields shown first on a new report: what an officer on an estate fills in. The rest start folded, with defaults. */
export const FIRST_FIELDS = ['category', 'area', 'postcodeDistrict', 'summary'] as const;

const titleOf = (choices: readonly { title: string; value: string }[], value: string) => choices.find((c) => c.value === value)?.title ?? value;

/** One line saying what the folded fields hold, so the common report needs no unfolding. */
type Values = Readonly<Record<string, string>>;
const valueOf = (values: Values, field: string) => values[field] ?? '';

function defaultsLine(d: z.output<typeof IncidentFormData>, values: Values): string {
  const c = d.choices;
  const [date, time] = [valueOf(values, 'occurredDate'), valueOf(values, 'occurredTime')];
  const when = date === d.today ? `today at ${time.slice(0, 5)}` : `${date} ${time.slice(0, 5)}`;
  const shared = valueOf(values, 'sharedWith').split(',').filter(Boolean).map((v) => titleOf(c.share, v).replace(/ \(always\)$/, ''));
  const actions = valueOf(values, 'actions').split(',').filter(Boolean).map((v) => titleOf(c.action, v));
  return [
    `${titleOf(c.borough, valueOf(values, 'borough'))}, ${when}`,
    `${titleOf(c.risk, valueOf(values, 'risk')).split(':')[0]} risk`,
    `actions: ${actions.join(', ').toLowerCase() || 'none chosen'}`,
    `shared with ${shared.join(', ') || 'the police only'}`,
    valueOf(values, 'marking'),
  ].join(' · ');
}

/**
 * The report (or edit) form. Given the values and errors of a bad
 * submission, it is the same card back with everything the user typed kept
 * and each message under its field.
 */
export function incidentFormCard(input: IncidentFormData): AdaptiveCard {
  const d = IncidentFormData.parse(input);
  const values = d.values;
  const fields = Object.keys(values);
  const errors: Record<string, string> = Object.fromEntries(fields.map((f) => [f, d.errors[f] ?? '']));
  const correction = d.mode.kind === 'edit' ? { value: d.mode.correctionReason, error: d.mode.correctionError } : { value: '', error: '' };
  const problems = Object.values(errors).filter(Boolean).length + (correction.error ? 1 : 0);
  // Input.Number needs a number; text a client should never send is shown as empty, with its error kept.
  const numbers = Object.fromEntries(COUNT_FIELDS.map((f) => [f, /^\d{1,3}$/.test(valueOf(values, f).trim()) ? Number(values[f]) : null]));
  const editing = d.mode.kind === 'edit';
  // Folded unless editing, or a folded field has something to fix (its message must be seen).
  const showMore = editing || fields.some((f) => !(FIRST_FIELDS as readonly string[]).includes(f) && errors[f]);
  const submitData =
    d.mode.kind === 'edit'
      ? { verb: 'incident.edit.submit', submissionId: d.mode.submissionId, reference: d.mode.reference, baseVersion: d.mode.baseVersion }
      : { verb: 'incident.submit', submissionId: d.mode.submissionId };
  if (d.dialog && d.mode.kind !== 'report') throw new Error('only a new report is shown in a dialog');
  const card = withoutNullValues(
    expandTemplate(template, {
      title: d.mode.kind === 'edit' ? `Edit ${d.mode.reference}` : 'Report an incident',
      intro: editing
        ? 'Change what needs correcting. Every change is kept in the incident\'s history with your name.'
        : 'Four fields and submit. Nothing is shared until you do.',
      errorSummary: d.notice || (problems === 0 ? '' : problems === 1 ? 'One field needs attention: see below.' : `${problems} fields need attention: see below.`),
      editing,
      showMore,
      moreTitle: 'More: when, risk, sharing',
      defaultsLine: defaultsLine(d, values),
      whenNote:
        d.mode.kind === 'edit'
          ? d.mode.placeNote
          : `Reported: ${d.reportedAt} (now). ${d.timeNote}`.trim(),
      timeZoneLabel: d.timeZoneLabel,
      values,
      correction,
      numbers,
      errors,
      today: d.today,
      categoryChoices: d.choices.category,
      strandChoices: d.choices.strand,
      boroughChoices: d.choices.borough,
      riskChoices: d.choices.risk,
      actionChoices: d.choices.action,
      shareChoices: d.choices.share,
      markingChoices: d.choices.marking,
      submitTitle: editing ? 'Save changes' : 'Submit report',
      submitVerb: submitData.verb,
      submitData,
      // Editing: Cancel goes back to the incident as it is, sending none of the form (so required fields do not block it).
      cancelData: d.mode.kind === 'edit' ? { verb: 'incident.view', reference: d.mode.reference } : {},
    }),
  );
  if (!d.dialog) return card;
  // The same form, its one button a submit to the dialog's owner: the submission id is the card instance, as on the card.
  const [submit] = (card.actions as { title: string; style?: string }[] | undefined) ?? [];
  return { ...card, actions: [{ type: 'Action.Submit', title: submit?.title ?? 'Submit report', style: 'positive', data: { submissionId: d.mode.submissionId } }] };
}
