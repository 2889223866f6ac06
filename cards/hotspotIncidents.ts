import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/hotspotIncidents.json';

export const HotspotIncidentsData = z.object({
  title: z.string().min(1).max(160),
  subtitle: z.string().max(500),
  /** References, categories, dates and risk of the incidents the viewer may see: no free text. */
  rows: z.array(z.object({ reference: z.string(), heading: z.string().max(200), line: z.string().max(300) })).max(60),
  withheld: z.string().max(300).default(''),
});

/** The incidents behind a hotspot warning, for one viewer, after the access check; only ever sent to a personal chat. */
export function hotspotIncidentsCard(input: z.input<typeof HotspotIncidentsData>): AdaptiveCard {
  const d = HotspotIncidentsData.parse(input);
  return expandTemplate(template, {
    marking: 'OFFICIAL-SENSITIVE',
    ...d,
    footer: 'OFFICIAL-SENSITIVE · Shown to you because your organisation has access to these incidents. Your view has been logged. Select one to open it.',
  });
}
