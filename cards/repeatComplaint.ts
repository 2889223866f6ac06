import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import { Button, buttonsOf, Fact } from './incidentCommon';
import template from './templates/repeatComplaint.json';

export const RepeatComplaintData = z.object({
  count: z.number().int().min(2),
  months: z.number().int().min(1),
  threshold: z.number().int().min(2),
  borough: z.string(),
  /** One line per complaint: when it happened, its incident reference and category. No names, never the household reference. */
  complaints: z.array(Fact).min(1).max(30),
  buttons: z.array(Button).max(4),
});

/** The private warning that a household or complainant reference has reached the ASB case-review threshold. */
export function repeatComplaintCard(input: z.input<typeof RepeatComplaintData>): AdaptiveCard {
  const d = RepeatComplaintData.parse(input);
  return expandTemplate(template, {
    heading: 'Early warning: ASB case review threshold',
    title: `${d.count} ASB complaints from one household in ${d.months} months · ${d.borough}`,
    text: `The same household or complainant reference is on ${d.count} ASB complaints within ${d.months} months (the case review threshold is ${d.threshold}). Consider whether a case review ("community trigger") applies, and agree who leads.`,
    complaints: d.complaints,
    footer: 'OFFICIAL-SENSITIVE · Sent privately to the reporting organisation\'s leads and the police. Only complaints shared between the reporting organisations are counted; the household reference itself is never shown.',
    buttons: buttonsOf(d.buttons),
  });
}
