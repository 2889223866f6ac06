import { TONE_COLOR } from './format';
import { z } from 'zod';
import { formFields, FormInput } from './formFields';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/outcomesForm.json';

const COLORS = TONE_COLOR;

export const OutcomesFormCardData = z.object({
  operationId: z.string().min(1),
  version: z.number().int().min(1),
  /** When the outcomes this card shows were recorded ('' for none): a card older than the stored outcomes is refused. */
  basedOn: z.string().max(40).default(''),
  title: z.string().min(1).max(100),
  summary: z.string().min(1).max(300),
  notices: z.array(z.object({ text: z.string().min(1).max(300), tone: z.enum(['default', 'warning', 'attention']) })).max(3).default([]),
  /** The form's fields (bot/operations/rules/form.ts OUTCOMES_FORM_FIELDS: the counts, then `notes`), values and errors. */
  ...FormInput,
  /** The counts asked for, in order, with their labels ("Arrests"): each is one of `fields`. */
  counts: z.array(z.object({ id: z.string().min(1), label: z.string().min(1) })).min(1),
});
export type OutcomesFormCardData = z.input<typeof OutcomesFormCardData>;

/** The lead's outcomes card: counts (validated numbers) and notes, stored with the operation. */
export function outcomesFormCard(input: OutcomesFormCardData): AdaptiveCard {
  const d = OutcomesFormCardData.parse(input);
  const { values, errors } = formFields(d.fields, d.values, d.errors);
  return expandTemplate(template, {
    operationId: d.operationId,
    version: d.version,
    basedOn: d.basedOn,
    title: d.title,
    summary: d.summary,
    notices: d.notices.map((n) => ({ text: n.text, color: COLORS[n.tone] })),
    counts: d.counts.map((c) => ({ id: c.id, label: c.label, value: values[c.id] ?? '', error: errors[c.id] ?? '' })),
    notesValue: values.notes ?? '',
    notesError: errors.notes ?? '',
  });
}
