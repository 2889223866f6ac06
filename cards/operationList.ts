import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import template from './templates/operationList.json';

export const OperationListCardData = z.object({
  heading: z.string().min(1).max(120),
  emptyText: z.string().min(1).max(300),
  items: z.array(z.object({ id: z.string().min(1), title: z.string().min(1).max(200), detail: z.string().min(1).max(300) })).max(25),
  footer: z.string().min(1).max(300),
  /** The "More" button's signed page token ('' or absent: this is the last page). */
  more: z.string().max(4000).default(''),
});
export type OperationListCardData = z.input<typeof OperationListCardData>;

/** Upcoming joint operations, a page at a time, each opening its own card. No names, no briefing: safe in a channel. */
export function operationListCard(input: OperationListCardData): AdaptiveCard {
  return expandTemplate(template, OperationListCardData.parse(input));
}
