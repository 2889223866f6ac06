import { z } from 'zod';
import { Button, buttonsOf } from './incidentCommon';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/alertList.json';

export const AlertListData = z.object({
  title: z.string().min(1).max(120),
  subtitle: z.string().min(1).max(300),
  /** One alert a row: headline, where and when, delivery, acknowledgements. */
  rows: z
    .array(z.object({ heading: z.string().min(1).max(200), where: z.string().min(1).max(300), delivery: z.string().min(1).max(300), acknowledgements: z.string().min(1).max(2000) }))
    .max(25),
  emptyText: z.string().min(1).max(300),
  pageText: z.string().max(300),
  buttons: z.array(Button).max(6),
});
export type AlertListData = z.input<typeof AlertListData>;

/** A page of recent alerts, newest first, with a "More" button when more follow. Plain view data in. */
export function alertListCard(input: AlertListData): AdaptiveCard {
  const d = AlertListData.parse(input);
  return expandTemplate(template, { ...d, buttons: buttonsOf(d.buttons) });
}
