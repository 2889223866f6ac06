import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import { buttonsOf } from './incidentCommon';
import template from './templates/incidentLink.json';

export const IncidentLinkData = z.object({
  reference: z.string(),
  borough: z.string(),
  operations: z.array(z.object({ title: z.string().max(160), value: z.string() })).min(1).max(20),
  selected: z.string().default(''),
  error: z.string().default(''),
});

/** "Link to a joint operation": the borough's upcoming operations to choose from. */
export function incidentLinkCard(input: z.input<typeof IncidentLinkData>): AdaptiveCard {
  const d = IncidentLinkData.parse(input);
  return expandTemplate(template, {
    title: `Link ${d.reference} to a joint operation`,
    intro: `Upcoming and current joint operations in ${d.borough}. The operation will list the reference only: its partners still need access to see the details.`,
    operations: d.operations,
    selected: d.selected,
    error: d.error,
    buttons: buttonsOf([
      { title: 'Link', verb: 'incident.link.submit', data: { reference: d.reference } },
      { title: 'Back to the incident', verb: 'incident.view', data: { reference: d.reference } },
    ]),
  });
}
