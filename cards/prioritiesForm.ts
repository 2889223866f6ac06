import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/prioritiesForm.json';

export const PrioritiesFormData = z.object({
  borough: z.string(),
  boroughName: z.string(),
  submissionId: z.string(),
  baseVersion: z.number().int().min(0),
  effectiveFrom: z.string(),
  changeNote: z.string().default(''),
  themes: z.array(z.object({ id: z.string(), name: z.string(), lines: z.string(), error: z.string().default('') })),
  errors: z.record(z.string()).default({}),
  formError: z.string().default(''),
});

export const themeInputId = (themeId: string) => `areas.${themeId}`;

export function prioritiesFormCard(input: z.input<typeof PrioritiesFormData>): AdaptiveCard {
  const d = PrioritiesFormData.parse(input);
  return expandTemplate(template, {
    title: `${d.baseVersion === 0 ? 'Publish' : 'Update'} ${d.boroughName} policing priorities`,
    borough: d.borough,
    submissionId: d.submissionId,
    baseVersion: String(d.baseVersion),
    effectiveFrom: d.effectiveFrom,
    changeNote: d.changeNote,
    // From version 2 on a note is required (a new borough's first version has nothing to compare with).
    changeNoteRequired: d.baseVersion > 0,
    themes: d.themes.map((t) => ({ inputId: themeInputId(t.id), name: t.name, value: t.lines, error: t.error })),
    errors: { effectiveFrom: d.errors.effectiveFrom ?? '', changeNote: d.errors.changeNote ?? '' },
    formError: d.formError,
  });
}
