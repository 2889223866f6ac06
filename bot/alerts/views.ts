import type { AppContext } from '../kernel/context';
import { boroughById } from '../common/borough';
import { formatInstant } from '../common/dates';
import { describeDelivery } from '../outbox/enqueue';
import { alertListCard } from '../../cards/alertList';
import { messageCard } from '../../cards/message';
import { alertCard, type AlertCardData, type AlertViewer } from '../../cards/alert';
import type { AdaptiveCard } from '../../cards/render';
import type { AlertListResult } from './list';
import { ALERT_VERBS } from './verbs';
import { activeMembersOf } from '../directory/repository';
import { knownTeamsUsers } from '../userViews/repository';
import { refreshAudience } from '../userViews/rules/audience';
import type { AlertRecord } from './model';
import { refreshRank, type AlertView } from './rules/userView';
import { organisationNames, themeById, type DirectoryAt } from '../referenceData';

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
export async function alertListView(ctx: AppContext, result: AlertListResult, scope: 'personal' | 'team' | 'groupChat', caller: DirectoryAt): Promise<AdaptiveCard> {
  if (!result.ok) {
    return messageCard({ title: 'That list cannot be continued', text: REFUSED[result.reason], tone: 'warning', buttons: [{ title: 'Recent alerts', verb: ALERT_VERBS.list }] });
  }
  if (result.alerts.length === 0 && !result.continued && !result.more) {
    return messageCard({ title: `No alerts in the last ${result.days} days`, text: 'Nothing has been raised for your boroughs recently.' });
  }
  const names = await organisationNames(ctx, caller);
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

/**
 * The alert card as it stands now: acknowledgements named by organisation.
 * Without `view`, the card as posted to channels, right for everyone on its
 * own, whose `refresh` names the members Teams should ask the bot about
 * (those of organisations asked to acknowledge, at most 60). With `view`,
 * one person's own view (what Teams shows them in place of the posted card).
 */
export async function renderAlertCard(ctx: AppContext, record: AlertRecord, view?: AlertView): Promise<AdaptiveCard> {
  const refresh = { verb: ALERT_VERBS.view, userIds: view ? undefined : await refreshUserIds(ctx, record) };
  return alertCard(alertCardData(record, await namesOf(ctx, record), view, refresh));
}

/**
 * The alert card as a person inserts it into a conversation of their choosing (the message extension's find by
 * reference): the card as it stands, with no `refresh`. Teams would run a refresh in that conversation, where the
 * alert was not posted, and the bot answers such a refresh with "out of date" rather than the alert
 * (bot/alerts/routes.ts): everyone it named would lose the card they were sent.
 */
export async function insertedAlertCard(ctx: AppContext, record: AlertRecord): Promise<AdaptiveCard> {
  return alertCard(alertCardData(record, await namesOf(ctx, record), undefined, undefined));
}

/** What the card names: organisations, the alert's theme, and the zone its times are shown in. */
async function namesOf(ctx: AppContext, record: AlertRecord): Promise<Parameters<typeof alertCardData>[1]> {
  const [organisations, theme] = await Promise.all([organisationNames(ctx), themeById(ctx, record.alert.themeId)]);
  return { organisations, themeName: theme?.name, timeZone: ctx.config.timeZone };
}

/**
 * The alert as the card shows it: organisations by name, times in the configured zone. Pure. `refresh`: whom
 * Teams asks the bot about (a person's own view names nobody: Teams asks again when the posted card changes, and
 * every acknowledgement updates it).
 */
export function alertCardData(
  record: AlertRecord,
  names: { organisations: ReadonlyMap<string, string>; themeName: string | undefined; timeZone: string },
  view: AlertView | undefined,
  refresh: AlertCardData['refresh'],
): AlertCardData {
  const { alert } = record;
  const tz = names.timeZone;
  const acked = new Set(record.acknowledgements.map((a) => a.organisationId));
  const name = (id: string) => names.organisations.get(id) ?? id;
  const viewer: AlertViewer | undefined = !view
    ? undefined
    : view.kind === 'acknowledged'
      ? { kind: 'acknowledged', organisationName: name(view.organisationId), at: acknowledgedAt(view.at, alert.raisedAt, tz) }
      : view.kind === 'other'
        ? view
        : { kind: view.kind, organisationName: name(view.organisationId) };
  return {
    alertId: alert.id,
    severity: alert.severity,
    title: alert.title,
    body: alert.body,
    boroughNames: alert.boroughs.map((b) => boroughById(b).name),
    themeName: names.themeName ?? alert.themeId,
    raisedAt: formatInstant(alert.raisedAt, tz, 'dayTime'),
    raisedByOrganisation: name(alert.raisedBy.organisationId),
    expiresAt: formatInstant(alert.expiresAt, tz, 'dayTime'),
    marking: alert.marking,
    acknowledgements: record.acknowledgements.map((a) => ({ organisationName: name(a.organisationId), time: formatInstant(a.at, tz, 'time') })),
    awaitingOrganisations: record.expectedOrganisations.filter((o) => !acked.has(o)).map(name),
    viewer,
    refresh,
  };
}

/** "21:35" in the zone, or "Tue 24 Nov 21:35" when that was not the day the alert was raised there. */
function acknowledgedAt(at: string, raisedAt: string, timeZone: string): string {
  const sameDay = formatInstant(at, timeZone, 'date') === formatInstant(raisedAt, timeZone, 'date');
  return formatInstant(at, timeZone, sameDay ? 'time' : 'dayTime');
}

/**
 * Teams user ids of active members whose organisations are asked (awaited first), by the rule in
 * bot/userViews/rules/audience.ts. Only the asked organisations' active members are read (a filter on the
 * organisationId column each, side by side), never the Members table whole: at the region's ~5,000 staff an alert
 * for one borough reads its few organisations' people.
 */
async function refreshUserIds(ctx: AppContext, record: AlertRecord): Promise<string[] | undefined> {
  const asked = [...new Set(record.expectedOrganisations)];
  const [byOrganisation, known] = await Promise.all([Promise.all(asked.map((o) => activeMembersOf(ctx, o))), knownTeamsUsers(ctx)]);
  return refreshAudience(
    byOrganisation.flat().flatMap((m) => {
      const rank = m.status === 'suspended' ? undefined : refreshRank(record, m.organisationId);
      const teams = known.get(m.aadObjectId);
      return rank === undefined || !teams ? [] : [{ userId: teams.userId, rank, seenAt: teams.seenAt }];
    }),
  );
}
