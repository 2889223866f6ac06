import { TONE_COLOR } from './format';
import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import { Button, buttonsOf, Fact } from './incidentCommon';
import template from './templates/hotspotWarning.json';

export const HotspotWarningCardData = z.object({
  title: z.string().min(1).max(160),
  /** Place, counts and category only: the builder takes no free text, names, addresses or references. */
  facts: z.array(Fact).max(8),
  notice: z.string().max(500).default(''),
  tone: z.enum(['default', 'attention', 'good']).default('default'),
  buttons: z.array(Button).max(4),
});

const COLORS = TONE_COLOR;

/** A hotspot warning as posted to a borough's channels: de-identified, with buttons that run access checks for whoever presses them. */
export function hotspotWarningCard(input: z.input<typeof HotspotWarningCardData>): AdaptiveCard {
  const d = HotspotWarningCardData.parse(input);
  return expandTemplate(template, {
    marking: 'OFFICIAL',
    heading: 'Early warning: hotspot',
    title: d.title,
    facts: d.facts,
    notice: d.notice,
    noticeColor: COLORS[d.tone],
    footer: 'De-identified: area, district, counts and category only. The incidents behind it are shown in private chat to partners with access, and every look is logged.',
    buttons: buttonsOf(d.buttons),
  });
}
