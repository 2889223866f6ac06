import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import { Button, Fact, Marking, buttonsOf, markingBanner } from './incidentCommon';
import template from './templates/incidentDetails.json';

/** History entries on one card: with the other sections this keeps the card under Teams' 28 KB. */
export const HISTORY_PAGE = 5;

export const IncidentDetailsData = z.object({
  reference: z.string(),
  category: z.string(),
  marking: Marking,
  subtitle: z.string(),
  facts: z.array(Fact).max(16),
  summary: z.string(),
  restricted: z.array(Fact).max(4),
  /** One page of the history (the card has room for a few entries; "Earlier changes" pages back). */
  history: z.array(z.object({ heading: z.string().max(200), text: z.string().max(1000).default('') })).max(HISTORY_PAGE),
  historyTitle: z.string().max(80).default('History'),
  buttons: z.array(Button).max(6),
  /**
   * Set when the card is shown in place to someone with no personal chat (a button's invoke response in a
   * channel): says that only they see it and why. Empty for the personal chat.
   */
  onlyYou: z.string().max(400).default(''),
});

/**
 * Everything about an incident, for someone the access check let through: sent to their personal chat, or,
 * with no personal chat, returned to their button press alone (never posted to a channel).
 */
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
    historyTitle: d.historyTitle,
    onlyYou: d.onlyYou,
    footer: `${d.marking} · Shown to you because your organisation has access. Your view has been logged.`,
    buttons: buttonsOf(d.buttons),
  });
}
