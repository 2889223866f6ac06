import type { AppContext } from '../kernel/context';
import { boroughById } from '../shared/borough';
import { formatInstant } from '../shared/dates';
import { describeDelivery } from '../outbox/enqueue';
import { organisationNames } from '../referenceData';
import { alertListCard } from '../../cards/alertList';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import type { AlertListResult } from './list';
import { ALERT_VERBS } from './verbs';

const REFUSED: Record<Extract<AlertListResult, { ok: false }>['reason'], string> = {
  'someone-else': 'That **More** button belongs to someone else\'s list, so it shows you nothing. Type **alerts** to see your own.',
  expired: 'That list is more than a day old. Type **alerts** to see the current one.',
  tampered: 'That **More** button has been altered, so it cannot be followed. Type **alerts** to see your list.',
};

/**
 * The alerts list as a card, as help promises: organisations and times
 * everywhere, the person who pressed Acknowledge only in a private chat (a
 * channel or group chat is a broad audience), and who is still awaited.
 */
export async function alertListView(ctx: AppContext, result: AlertListResult, scope: 'personal' | 'team' | 'groupChat'): Promise<AdaptiveCard> {
  if (!result.ok) {
    return messageCard({ title: 'That list cannot be continued', text: REFUSED[result.reason], tone: 'warning', buttons: [{ title: 'Recent alerts', verb: ALERT_VERBS.list }] });
  }
  if (result.alerts.length === 0 && !result.continued && !result.more) {
    return messageCard({ title: `No alerts in the last ${result.days} days`, text: 'Nothing has been raised for your boroughs recently.' });
  }
  const names = await organisationNames(ctx);
  const orgName = (id: string) => names.get(id) ?? id;
  const when = (iso: string) => formatInstant(iso, ctx.config.timeZone, 'dayTime');
  const rows = result.alerts.map(({ record: r, delivery }) => {
    const by = r.acknowledgements.map((a) => `${orgName(a.organisationId)}${scope === 'personal' && a.byName ? ` (${a.byName}, ${when(a.at)})` : ` (${when(a.at)})`}`);
    const acked = new Set(r.acknowledgements.map((a) => a.organisationId));
    const waiting = r.expectedOrganisations.filter((o) => !acked.has(o)).map(orgName);
    return {
      heading: r.alert.title,
      where: `${r.alert.severity} · ${r.alert.boroughs.map((b) => boroughById(b).name).join(', ')} · ${when(r.alert.raisedAt)}`,
      delivery: delivery.total === 0 ? 'Delivery: no channel is set up for its boroughs' : `Delivery: ${describeDelivery(delivery)}`,
      acknowledgements: [
        `${r.acknowledgements.length}/${r.expectedOrganisations.length} acknowledged${by.length ? `: ${by.join(', ')}` : ''}`,
        ...(waiting.length ? [`waiting for ${waiting.join(', ')}`] : []),
      ].join('; '),
    };
  });
  const count = `${rows.length} alert${rows.length === 1 ? '' : 's'}`;
  return alertListCard({
    title: 'Recent alerts',
    subtitle: `Raised in the last ${result.days} days, newest first.`,
    rows,
    emptyText: result.continued ? 'No more alerts.' : 'None on this page: press More for older alerts.',
    pageText: rows.length === 0 ? '' : `${result.continued ? 'More: ' : ''}${count}${result.more ? ', and more to come' : ''}`,
    buttons: result.more ? [{ title: 'More', verb: ALERT_VERBS.list, data: { more: result.more } }] : [],
  });
}
