import { z } from 'zod';
import { FORM_FIELDS, type FormErrors, type FormValues } from '../bot/domain/incidentForm';
import { expandTemplate, type AdaptiveCard } from './render';
import { withoutNullValues } from './incidentCommon';
import template from './templates/incidentForm.json';

const Choice = z.object({ title: z.string().min(1).max(120), value: z.string().min(1).max(80) });

export const IncidentFormData = z.object({
  mode: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('report'), submissionId: z.string().min(8) }),
    z.object({ kind: z.literal('edit'), submissionId: z.string().min(8), reference: z.string(), baseVersion: z.number().int().min(1), fixedWhere: z.string() }),
  ]),
  values: z.record(z.enum(FORM_FIELDS), z.string()),
  errors: z.record(z.enum(FORM_FIELDS), z.string()).default({}),
  /** YYYY-MM-DD: the date picker offers nothing later. */
  today: z.string(),
  reportedAt: z.string(),
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
function defaultsLine(d: z.output<typeof IncidentFormData>, values: FormValues): string {
  const c = d.choices;
  const when = values.occurredDate === d.today ? `today at ${values.occurredTime.slice(0, 5)}` : `${values.occurredDate} ${values.occurredTime.slice(0, 5)}`;
  const shared = values.sharedWith.split(',').filter(Boolean).map((v) => titleOf(c.share, v).replace(/ \(always\)$/, ''));
  const actions = values.actions.split(',').filter(Boolean).map((v) => titleOf(c.action, v));
  return [
    `${titleOf(c.borough, values.borough)}, ${when}`,
    `${titleOf(c.risk, values.risk).split(':')[0]} risk`,
    `actions: ${actions.join(', ').toLowerCase() || 'none chosen'}`,
    `shared with ${shared.join(', ') || 'the police only'}`,
    values.marking,
  ].join(' · ');
}

/**
 * The report (or edit) form. Given the values and errors of a bad
 * submission, it is the same card back with everything the user typed kept
 * and each message under its field.
 */
export function incidentFormCard(input: IncidentFormData): AdaptiveCard {
  const d = IncidentFormData.parse(input);
  const values = d.values as FormValues;
  const errors: Record<string, string> = Object.fromEntries(FORM_FIELDS.map((f) => [f, (d.errors as FormErrors)[f] ?? '']));
  const problems = Object.values(errors).filter(Boolean).length;
  // Input.Number needs a number; text a client should never send is shown as empty, with its error kept.
  const numbers = Object.fromEntries(COUNT_FIELDS.map((f) => [f, /^\d{1,3}$/.test(values[f].trim()) ? Number(values[f]) : null]));
  const editing = d.mode.kind === 'edit';
  // Folded unless editing, or a folded field has something to fix (its message must be seen).
  const showMore = editing || FORM_FIELDS.some((f) => !(FIRST_FIELDS as readonly string[]).includes(f) && errors[f]);
  const submitData =
    d.mode.kind === 'edit'
      ? { verb: 'incident.edit.submit', submissionId: d.mode.submissionId, reference: d.mode.reference, baseVersion: d.mode.baseVersion }
      : { verb: 'incident.submit', submissionId: d.mode.submissionId };
  return withoutNullValues(
    expandTemplate(template, {
      title: d.mode.kind === 'edit' ? `Edit ${d.mode.reference}` : 'Report an incident',
      intro: editing
        ? 'Change what needs correcting. Every change is kept in the incident\'s history with your name.'
        : 'Four fields and submit. Nothing is shared until you do.',
      errorSummary: problems === 0 ? '' : problems === 1 ? 'One field needs attention: see below.' : `${problems} fields need attention: see below.`,
      editing,
      showMore,
      moreTitle: 'More: when, risk, sharing',
      defaultsLine: defaultsLine(d, values),
      whenNote:
        d.mode.kind === 'edit'
          ? `${d.mode.fixedWhere}. The borough and time set the reference number, so they cannot be edited.`
          : `Reported: ${d.reportedAt} (now). Times are UK time; on the night the clocks go back, 01:00–01:59 is read as the first (BST) hour.`,
      values,
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
}
