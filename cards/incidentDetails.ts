import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import { Button, Fact, Marking, buttonsOf, markingBanner } from './incidentCommon';
import template from './templates/incidentDetails.json';

export const IncidentDetailsData = z.object({
  reference: z.string(),
  category: z.string(),
  marking: Marking,
  subtitle: z.string(),
  facts: z.array(Fact).max(16),
  summary: z.string(),
  restricted: z.array(Fact).max(4),
  history: z.array(z.object({ heading: z.string().max(200), text: z.string().max(6000).default('') })).max(60),
  buttons: z.array(Button).max(6),
});

/** Everything about an incident, for someone the access check let through; only ever sent to a personal chat. */
export function incidentDetailsCard(input: z.input<typeof IncidentDetailsData>): AdaptiveCard {
  const d = IncidentDetailsData.parse(input);
  return expandTemplate(template, {
    ...markingBanner(d.marking),
    title: `${d.reference} · ${d.category}`,
    subtitle: d.subtitle,
    facts: d.facts,
    summary: d.summary,
    hasRestricted: d.restricted.length > 0,
    restricted: d.restricted,
    history: d.history,
    footer: `${d.marking} · Shown to you because your organisation has access. Your view has been logged.`,
    buttons: buttonsOf(d.buttons),
  });
}
