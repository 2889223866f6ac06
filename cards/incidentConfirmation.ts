import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import { Button, Fact, Marking, buttonsOf, markingBanner } from './incidentCommon';
import template from './templates/incidentConfirmation.json';

export const IncidentConfirmationData = z.object({
  reference: z.string(),
  marking: Marking,
  facts: z.array(Fact).max(10),
  /** Said when a medium or high risk incident was announced (redacted) in the borough's channels. */
  channelNote: z.string().default(''),
  buttons: z.array(Button).max(6),
});

/** "Recorded as STO-2026-000123": shown only once the incident is stored. */
export function incidentConfirmationCard(input: z.input<typeof IncidentConfirmationData>): AdaptiveCard {
  const d = IncidentConfirmationData.parse(input);
  return expandTemplate(template, {
    ...markingBanner(d.marking),
    title: `Recorded: ${d.reference}`,
    text: `Your report is stored as ${d.reference}. Quote this reference to partners and the police.`,
    facts: d.facts,
    channelNote: d.channelNote,
    buttons: buttonsOf(d.buttons),
  });
}
