import { z } from 'zod';
import { formFields, FormInput } from './formFields';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/operationChange.json';

export const OperationChangeCardData = z.object({
  operationId: z.string().min(1),
  version: z.number().int().min(1),
  title: z.string().min(1).max(100),
  summary: z.string().min(1).max(300),
  notice: z.string().max(300).default(''),
  /** The form's fields (bot/operations/rules/form.ts CHANGE_FORM_FIELDS), every one's value, errors beside some. */
  ...FormInput,
  timeZoneLabel: z.string().min(1),
});
export type OperationChangeCardData = z.input<typeof OperationChangeCardData>;

/** Move or cancel an operation: new start and end, or a reason for cancelling. */
export function operationChangeCard(input: OperationChangeCardData): AdaptiveCard {
  const d = OperationChangeCardData.parse(input);
  return expandTemplate(template, { ...d, ...formFields(d.fields, d.values, d.errors) });
}
