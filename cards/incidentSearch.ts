import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import { Button, buttonsOf } from './incidentCommon';
import template from './templates/incidentSearch.json';

export const IncidentSearchData = z.object({
  title: z.string().max(120),
  subtitle: z.string().max(500),
  /** What was typed and the dates, kept on the card (also when refused). */
  q: z.string().max(200),
  from: z.string().max(10),
  to: z.string().max(10),
  /** A problem with what was typed in the box, shown under it. */
  error: z.string().max(500).default(''),
  /** A problem with the From/To dates, shown under them. */
  datesError: z.string().max(500).default(''),
  resultsHeading: z.string().max(200).default(''),
  rows: z.array(z.object({ reference: z.string(), heading: z.string().max(200), line: z.string().max(300) })).max(25),
  /** Which other organisations hold incidents there: names and counts only. */
  heldElsewhere: z.string().max(1500).default(''),
  pageText: z.string().max(200).default(''),
  buttons: z.array(Button).max(6),
});

/** The search card: the question, what the caller may see, and which organisations hold the rest. */
export function incidentSearchCard(input: z.input<typeof IncidentSearchData>): AdaptiveCard {
  const d = IncidentSearchData.parse(input);
  return expandTemplate(template, { ...d, buttons: buttonsOf(d.buttons) });
}
