import { z } from 'zod';
import { BOROUGHS } from '../bot/common/borough';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/alertForm.json';

export const ALERT_FORM_FIELDS = ['severity', 'boroughs', 'theme', 'title', 'body', 'expiresInDays', 'marking'] as const;
export type AlertFormField = (typeof ALERT_FORM_FIELDS)[number];

export const AlertFormData = z.object({
  submissionId: z.string(),
  themes: z.array(z.object({ id: z.string(), name: z.string() })),
  /** What the user typed, kept as typed so a rejected form comes back as they left it. */
  values: z.record(z.string()).default({}),
  errors: z.record(z.string()).default({}),
  formError: z.string().default(''),
});

export function alertFormCard(input: z.input<typeof AlertFormData>): AdaptiveCard {
  const d = AlertFormData.parse(input);
  const values: Record<string, string> = { severity: 'warning', expiresInDays: '7', marking: 'OFFICIAL', ...d.values };
  return expandTemplate(template, {
    submissionId: d.submissionId,
    boroughChoices: BOROUGHS.map((b) => ({ title: b.name, value: b.id })),
    themeChoices: d.themes.map((t) => ({ title: t.name, value: t.id })),
    values: Object.fromEntries(ALERT_FORM_FIELDS.map((f) => [f, values[f] ?? ''])),
    errors: Object.fromEntries(ALERT_FORM_FIELDS.map((f) => [f, d.errors[f] ?? ''])),
    formError: d.formError,
  });
}
