import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/priorities.json';

/** A borough's priorities in words (bot/priorities/views.ts): themes in the configured order, dates already read out. */
export const PrioritiesCardData = z.object({
  borough: z.string(),
  /** What to type after "priorities" to see the current version ("stockport"). */
  boroughWord: z.string(),
  version: z.number().int().min(1),
  /** "28 March 2026" */
  effective: z.string(),
  /** When a later version was published ("2 April 2026"); absent for the first. */
  updated: z.string().optional(),
  changeNote: z.string(),
  themes: z.array(z.object({ name: z.string(), areas: z.array(z.string()) })),
  publishedByOrganisation: z.string(),
});
export type PrioritiesCardData = z.input<typeof PrioritiesCardData>;

/** A borough's current priorities, grouped by theme. */
export function prioritiesCard(input: PrioritiesCardData): AdaptiveCard {
  const d = PrioritiesCardData.parse(input);
  return expandTemplate(template, {
    title: d.borough,
    subtitle: `Version ${d.version} · effective ${d.effective}${d.updated ? ` · updated ${d.updated}` : ''}`,
    themes: d.themes,
    changeNote: d.version > 1 ? `What changed: ${d.changeNote}` : '',
    footer: `OFFICIAL · Published by ${d.publishedByOrganisation} for the landlords and partners of ${d.borough}. Type "priorities ${d.boroughWord}" to see the current version at any time.`,
  });
}
