import { z } from 'zod';
import { CHANGE_FORM_FIELDS } from '../bot/operations/rules/form';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/operationChange.json';

const fieldRecord = z.object(Object.fromEntries(CHANGE_FORM_FIELDS.map((f) => [f, z.string()])) as Record<(typeof CHANGE_FORM_FIELDS)[number], z.ZodString>);

export const OperationChangeCardData = z.object({
  operationId: z.string().min(1),
  version: z.number().int().min(1),
  title: z.string().min(1).max(100),
  summary: z.string().min(1).max(300),
  notice: z.string().max(300).default(''),
  values: fieldRecord,
  errors: fieldRecord.partial().default({}),
  timeZoneLabel: z.string().min(1),
});
export type OperationChangeCardData = z.input<typeof OperationChangeCardData>;

/** Move or cancel an operation: new start and end, or a reason for cancelling. */
export function operationChangeCard(input: OperationChangeCardData): AdaptiveCard {
  const d = OperationChangeCardData.parse(input);
  const errors = Object.fromEntries(CHANGE_FORM_FIELDS.map((f) => [f, d.errors[f] ?? '']));
  return expandTemplate(template, { ...d, errors });
}
