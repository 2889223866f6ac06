import { z } from 'zod';
import { formFields, FormInput } from './formFields';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/operationForm.json';

const Choice = z.object({ title: z.string().min(1).max(160), value: z.string().min(1) });

export const OperationFormCardData = z.object({
  submissionId: z.string().uuid(),
  notice: z.string().max(300).default(''),
  /** The form's fields (bot/operations/rules/form.ts OPERATION_FORM_FIELDS), every one's value, errors beside some. */
  ...FormInput,
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
  return expandTemplate(template, { ...d, ...formFields(d.fields, d.values, d.errors) });
}
