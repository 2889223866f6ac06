import { z } from 'zod';
import { OPERATION_FORM_FIELDS } from '../bot/operations/rules/form';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/operationForm.json';

const Choice = z.object({ title: z.string().min(1).max(160), value: z.string().min(1) });
const fieldRecord = (value: z.ZodString) => z.object(Object.fromEntries(OPERATION_FORM_FIELDS.map((f) => [f, value])) as Record<(typeof OPERATION_FORM_FIELDS)[number], z.ZodString>);

export const OperationFormCardData = z.object({
  submissionId: z.string().uuid(),
  notice: z.string().max(300).default(''),
  values: fieldRecord(z.string()),
  errors: fieldRecord(z.string()).partial().default({}),
  choices: z.object({
    types: z.array(Choice).min(1),
    boroughs: z.array(Choice).min(1),
    organisations: z.array(Choice).min(1),
    members: z.array(Choice).min(1),
    reminders: z.array(Choice).min(1),
    outcomes: z.array(Choice).min(1),
  }),
  timeZoneLabel: z.string().min(1),
  timeNote: z.string().min(1),
});
export type OperationFormCardData = z.input<typeof OperationFormCardData>;

/** The scheduling form, empty or shown again with the values kept and an error beside each bad field. */
export function operationFormCard(input: OperationFormCardData): AdaptiveCard {
  const d = OperationFormCardData.parse(input);
  const errors = Object.fromEntries(OPERATION_FORM_FIELDS.map((f) => [f, d.errors[f] ?? '']));
  return expandTemplate(template, { ...d, errors });
}
