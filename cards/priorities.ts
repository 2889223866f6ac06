import { z } from 'zod';
import { PrioritySet } from '../bot/priorities/model';
import { boroughById } from '../bot/domain/borough';
import { expandTemplate, type AdaptiveCard } from './render';
import { londonDate } from './format';
import template from './templates/priorities.json';

export const PrioritiesCardData = z.object({
  set: PrioritySet,
  themes: z.array(z.object({ id: z.string(), name: z.string() })),
  publishedByOrganisation: z.string(),
  /** Show only these themes (a `priorities stockport crime` question). */
  onlyThemes: z.array(z.string()).optional(),
});

/** A borough's current priorities, grouped by theme, in the configured theme order. */
export function prioritiesCard(input: z.input<typeof PrioritiesCardData>): AdaptiveCard {
  const d = PrioritiesCardData.parse(input);
  const themes = d.themes
    .filter((t) => !d.onlyThemes || d.onlyThemes.includes(t.id))
    .map((t) => ({ name: t.name, areas: d.set.priorities.filter((p) => p.themeId === t.id).map((p) => (p.detail ? `${p.title} — ${p.detail}` : p.title)) }))
    .filter((t) => t.areas.length > 0);
  const borough = boroughById(d.set.borough).name;
  return expandTemplate(template, {
    title: `${borough}`,
    subtitle: `Version ${d.set.version} · effective ${londonDate(d.set.effectiveFrom)}${d.set.version > 1 ? ` · updated ${londonDate(d.set.publishedAt)}` : ''}`,
    themes,
    changeNote: d.set.version > 1 ? `What changed: ${d.set.changeNote}` : '',
    footer: `OFFICIAL · Published by ${d.publishedByOrganisation} for the landlords and partners of ${borough}. Type "priorities ${d.set.borough}" to see the current version at any time.`,
  });
}
