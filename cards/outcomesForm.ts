import { TONE_COLOR } from './format';
import { z } from 'zod';
import { OUTCOME_COUNTS, OUTCOME_LABELS } from '../bot/operations/model';
import { OUTCOMES_FORM_FIELDS } from '../bot/operations/rules/form';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/outcomesForm.json';

const fieldRecord = z.object(Object.fromEntries(OUTCOMES_FORM_FIELDS.map((f) => [f, z.string()])) as Record<(typeof OUTCOMES_FORM_FIELDS)[number], z.ZodString>);
const COLORS = TONE_COLOR;

export const OutcomesFormCardData = z.object({
  operationId: z.string().min(1),
  version: z.number().int().min(1),
  /** When the outcomes this card shows were recorded ('' for none): a card older than the stored outcomes is refused. */
  basedOn: z.string().max(40).default(''),
  title: z.string().min(1).max(100),
  summary: z.string().min(1).max(300),
  notices: z.array(z.object({ text: z.string().min(1).max(300), tone: z.enum(['default', 'warning', 'attention']) })).max(3).default([]),
  values: fieldRecord,
  errors: fieldRecord.partial().default({}),
});
export type OutcomesFormCardData = z.input<typeof OutcomesFormCardData>;

/** The lead's outcomes card: counts (validated numbers) and notes, stored with the operation. */
export function outcomesFormCard(input: OutcomesFormCardData): AdaptiveCard {
  const d = OutcomesFormCardData.parse(input);
  return expandTemplate(template, {
    operationId: d.operationId,
    version: d.version,
    basedOn: d.basedOn,
    title: d.title,
    summary: d.summary,
    notices: d.notices.map((n) => ({ text: n.text, color: COLORS[n.tone] })),
    counts: OUTCOME_COUNTS.map((k) => ({ id: k, label: OUTCOME_LABELS[k], value: d.values[k], error: d.errors[k] ?? '' })),
    notesValue: d.values.notes,
    notesError: d.errors.notes ?? '',
  });
}
