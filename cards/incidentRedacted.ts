import { TONE_COLOR } from './format';
import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import { Button, buttonsOf } from './incidentCommon';
import template from './templates/incidentRedacted.json';

export const RedactedCardData = z.object({
  title: z.string().min(1).max(120),
  /** Only the redacted view: the type has no field for free text, names or addresses. */
  incident: z.object({
    reference: z.string(),
    category: z.string(),
    borough: z.string(),
    postcodeDistrict: z.string(),
    riskLabel: z.string(),
    reporterOrganisation: z.string(),
  }).strict(),
  notice: z.string().max(500).default(''),
  tone: z.enum(['default', 'attention', 'good']).default('default'),
  buttons: z.array(Button).max(6),
});

const COLORS = TONE_COLOR;

/** The redacted view of an incident (bot/incidents/rules/incidentRedaction.ts); its risk level shows as `riskLabel`. */
type RedactedFacts = z.input<typeof RedactedCardData>['incident'] & { risk?: string };

/**
 * What anyone may see: the channel announcement, and the answer to someone
 * whose organisation may not see the details. Built from the redacted view only.
 */
export function incidentRedactedCard(input: Omit<z.input<typeof RedactedCardData>, 'incident'> & { incident: RedactedFacts }): AdaptiveCard {
  const { risk: _risk, ...incident } = input.incident;
  const d = RedactedCardData.parse({ ...input, incident });
  return expandTemplate(template, {
    marking: 'OFFICIAL',
    markingColor: 'Default',
    title: d.title,
    facts: [
      { title: 'Reference', value: d.incident.reference },
      { title: 'Category', value: d.incident.category },
      { title: 'Where', value: `${d.incident.borough} · ${d.incident.postcodeDistrict}` },
      { title: 'Risk', value: d.incident.riskLabel },
      { title: 'Reported by', value: d.incident.reporterOrganisation },
    ],
    notice: d.notice,
    noticeColor: COLORS[d.tone],
    buttons: buttonsOf(d.buttons),
  });
}
