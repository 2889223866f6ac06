import { z } from 'zod';
import { Alert, Acknowledgement } from '../bot/alerts/model';
import { boroughById } from '../bot/domain/borough';
import { expandTemplate, type AdaptiveCard } from './render';
import { listOf, londonDateTime } from './format';
import template from './templates/alert.json';

export const AlertCardData = z.object({
  alert: Alert,
  themeName: z.string(),
  raisedByOrganisation: z.string(),
  acknowledgements: z.array(Acknowledgement.extend({ organisationName: z.string() })),
  awaitingOrganisations: z.array(z.string()),
});

const SEVERITY = {
  high: { kicker: 'PARTNERSHIP ALERT · HIGH', style: 'attention', color: 'Attention' },
  warning: { kicker: 'PARTNERSHIP ALERT · WARNING', style: 'warning', color: 'Attention' },
  info: { kicker: 'PARTNERSHIP ALERT', style: 'accent', color: 'Accent' },
} as const;

/** The alert as posted to channels: no personal data (checked when raised), acknowledgement by organisation. */
export function alertCard(input: z.input<typeof AlertCardData>): AdaptiveCard {
  const d = AlertCardData.parse(input);
  const s = SEVERITY[d.alert.severity];
  const total = d.acknowledgements.length + d.awaitingOrganisations.length;
  return expandTemplate(template, {
    ...s,
    alertId: d.alert.id,
    title: d.alert.title,
    body: d.alert.body,
    boroughs: d.alert.boroughs.map((b) => boroughById(b).name).join(', '),
    theme: d.themeName,
    raised: `${londonDateTime(d.alert.raisedAt)} by ${d.raisedByOrganisation}`,
    expires: londonDateTime(d.alert.expiresAt),
    ackSummary: `Acknowledged by ${d.acknowledgements.length} of ${total} organisations`,
    acknowledged: d.acknowledgements.length
      ? `✔ ${d.acknowledgements.map((a) => `${a.organisationName} (${londonDateTime(a.at).split(' ').pop()})`).join(', ')}`
      : '',
    awaiting: d.awaitingOrganisations.length ? `Awaiting: ${listOf(d.awaitingOrganisations)}` : '',
    canAcknowledge: d.awaitingOrganisations.length > 0,
    marking: `${d.alert.marking} · Shared under the concordat's information-sharing agreement. No personal data.`,
  });
}
