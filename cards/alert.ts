import { z } from 'zod';
import { expandTemplate, type AdaptiveCard } from './render';
import { listOf, TONE_COLOR } from './format';
import template from './templates/alert.json';

/**
 * Whose view this is. Absent: the card as posted to the channel, which is
 * what everyone sees when Teams does not refresh it for them (a large team,
 * an older client), so it must be right on its own. Otherwise the view of a
 * member of an organisation asked to acknowledge (with the button), of one
 * whose organisation has acknowledged (when), of the raising organisation,
 * or of anyone else (no button: nothing for them to do).
 */
export const AlertViewer = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('asked'), organisationName: z.string() }),
  /** `at`: when, as the viewer reads it ("21:35", or "Tue 24 Nov 21:35" when not the day it was raised). */
  z.object({ kind: z.literal('acknowledged'), organisationName: z.string(), at: z.string().min(1).max(40) }),
  z.object({ kind: z.literal('raised'), organisationName: z.string() }),
  z.object({ kind: z.literal('other') }),
]);
export type AlertViewer = z.infer<typeof AlertViewer>;

/** The card's `refresh`: Teams asks the bot for each listed viewer's own view (bot/userViews/rules/audience.ts). */
export const AlertRefresh = z.object({
  verb: z.string(),
  /** Teams user ids ("29:…"), at most 60; absent when nobody is named (an empty list would turn refresh off). */
  userIds: z.array(z.string().max(200)).min(1).max(60).optional(),
});

/** The alert as people read it: names, not ids; times already in the configured zone (bot/alerts/views.ts). */
export const AlertCardData = z.object({
  alertId: z.string().min(1),
  severity: z.enum(['info', 'warning', 'high']),
  title: z.string(),
  body: z.string(),
  boroughNames: z.array(z.string()).min(1),
  themeName: z.string(),
  /** "Sat 28 Mar 09:00". */
  raisedAt: z.string().min(1).max(40),
  raisedByOrganisation: z.string(),
  expiresAt: z.string().min(1).max(40),
  marking: z.string(),
  /** Who acknowledged, and at what time of day ("21:35"). */
  acknowledgements: z.array(z.object({ organisationName: z.string(), time: z.string().min(1).max(40) })),
  awaitingOrganisations: z.array(z.string()),
  viewer: AlertViewer.optional(),
  refresh: AlertRefresh.optional(),
});
export type AlertCardData = z.input<typeof AlertCardData>;

const SEVERITY = {
  high: { kicker: 'PARTNERSHIP ALERT · HIGH', style: 'attention', color: 'Attention' },
  warning: { kicker: 'PARTNERSHIP ALERT · WARNING', style: 'warning', color: 'Attention' },
  info: { kicker: 'PARTNERSHIP ALERT', style: 'accent', color: 'Accent' },
} as const;

function yours(d: z.output<typeof AlertCardData>): { yours: string; yoursColor: string } {
  const v = d.viewer;
  if (!v || v.kind === 'other') return { yours: '', yoursColor: TONE_COLOR.default };
  if (v.kind === 'asked') return { yours: `${v.organisationName} is asked to acknowledge this alert: press Acknowledge once you have read it.`, yoursColor: TONE_COLOR.warning };
  if (v.kind === 'acknowledged') return { yours: `✔ Your organisation acknowledged at ${v.at}.`, yoursColor: TONE_COLOR.good };
  return { yours: 'Your organisation raised this alert.', yoursColor: TONE_COLOR.default };
}

/** The alert as posted to channels: no personal data (checked when raised), acknowledgement by organisation, never by person. */
export function alertCard(input: AlertCardData): AdaptiveCard {
  const d = AlertCardData.parse(input);
  const s = SEVERITY[d.severity];
  const total = d.acknowledgements.length + d.awaitingOrganisations.length;
  // The posted card offers the button while anyone is awaited (someone Teams does not refresh for may be one of
  // them; a press by anyone else is refused with the reason). A viewer's own view offers it only to the asked.
  const canAcknowledge = d.viewer ? d.viewer.kind === 'asked' : d.awaitingOrganisations.length > 0;
  const card = expandTemplate(template, {
    ...s,
    alertId: d.alertId,
    title: d.title,
    body: d.body,
    boroughs: d.boroughNames.join(', '),
    theme: d.themeName,
    raised: `${d.raisedAt} by ${d.raisedByOrganisation}`,
    expires: d.expiresAt,
    ...yours(d),
    ackSummary: `Acknowledged by ${d.acknowledgements.length} of ${total} organisations`,
    acknowledged: d.acknowledgements.length
      ? `✔ ${d.acknowledgements.map((a) => `${a.organisationName} (${a.time})`).join(', ')}`
      : '',
    awaiting: d.awaitingOrganisations.length ? `Awaiting: ${listOf(d.awaitingOrganisations)}` : '',
    canAcknowledge,
    marking: `${d.marking} · Shared under the concordat's information-sharing agreement. No personal data.`,
  });
  if (!d.refresh) return card;
  return {
    ...card,
    refresh: {
      action: { type: 'Action.Execute', title: 'Refresh', verb: d.refresh.verb, data: { verb: d.refresh.verb, alertId: d.alertId } },
      ...(d.refresh.userIds ? { userIds: d.refresh.userIds } : {}),
    },
  };
}
