import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import { Button, buttonsOf } from './incidentCommon';
import template from './templates/incidentList.json';

const Choice = z.object({ title: z.string(), value: z.string() });

export const IncidentListData = z.object({
  title: z.string(),
  subtitle: z.string(),
  filters: z.object({ borough: z.string(), category: z.string(), days: z.string() }),
  choices: z.object({ borough: z.array(Choice).min(1), category: z.array(Choice).min(1), days: z.array(Choice).min(1) }),
  rows: z.array(z.object({ reference: z.string(), heading: z.string(), line: z.string() })).max(25),
  emptyText: z.string(),
  pageText: z.string(),
  buttons: z.array(Button).max(6),
});

/** One page of an organisation's recent incidents, with filters; only references and categories, no free text. */
export function incidentListCard(input: z.input<typeof IncidentListData>): AdaptiveCard {
  const d = IncidentListData.parse(input);
  return expandTemplate(template, {
    title: d.title,
    subtitle: d.subtitle,
    filters: d.filters,
    boroughChoices: d.choices.borough,
    categoryChoices: d.choices.category,
    dayChoices: d.choices.days,
    rows: d.rows,
    emptyText: d.emptyText,
    pageText: d.pageText,
    buttons: buttonsOf(d.buttons),
  });
}
