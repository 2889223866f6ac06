import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import { buttonsOf, markingBanner } from './incidentCommon';
import template from './templates/incidentUpdateForm.json';

export const IncidentUpdateFormData = z.object({
  reference: z.string(),
  submissionId: z.string().min(8),
  note: z.string().max(5000).default(''),
  error: z.string().default(''),
});

/** "Add an update": a progress note kept in the incident's history. */
export function incidentUpdateFormCard(input: z.input<typeof IncidentUpdateFormData>): AdaptiveCard {
  const d = IncidentUpdateFormData.parse(input);
  return expandTemplate(template, {
    ...markingBanner('OFFICIAL-SENSITIVE'),
    title: `Add an update to ${d.reference}`,
    intro: 'Updates are restricted like the details: partners with access see them, with your name and the time.',
    note: d.note,
    error: d.error,
    buttons: buttonsOf([
      { title: 'Add update', verb: 'incident.update.submit', data: { reference: d.reference, submissionId: d.submissionId } },
      { title: 'Back to the incident', verb: 'incident.view', data: { reference: d.reference } },
    ]),
  });
}
