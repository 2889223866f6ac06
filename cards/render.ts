import * as ACData from 'adaptivecards-templating';
import { z } from 'zod';

/** A rendered Adaptive Card, ready to attach to a message or return from Action.Execute. */
export const AdaptiveCard = z.object({ type: z.literal('AdaptiveCard'), version: z.string() }).passthrough();
export type AdaptiveCard = z.infer<typeof AdaptiveCard>;

/**
 * Binds a JSON template (Adaptive Cards Templating language) to data that
 * its builder has already validated. Templates are data; builders are the
 * only place that knows what a card needs.
 */
export function expandTemplate(template: object, data: object): AdaptiveCard {
  const expanded = new ACData.Template(template).expand({ $root: data }) as unknown;
  return AdaptiveCard.parse(expanded);
}

/** Teams advises messages under ~80 KB; our cards stay far below 28 KB for older clients. */
export const CARD_BYTE_BUDGET = 28 * 1024;

export function cardBytes(card: AdaptiveCard): number {
  // The limit is measured in UTF-16 by Teams: two bytes per code unit.
  return JSON.stringify(card).length * 2;
}
