import type { AppContext } from '../kernel/context';
import { alertCard, type AlertViewer } from '../../cards/alert';
import type { AdaptiveCard } from '../../cards/render';
import { allMembers } from '../directory/repository';
import { knownTeamsUsers } from '../userViews/repository';
import { refreshAudience } from '../userViews/rules/audience';
import type { AlertRecord } from './model';
import { refreshRank, type AlertView } from './rules/userView';
import { ALERT_VERBS } from './verbs';
import { organisationNames, themeById } from '../referenceData';

/**
 * The alert card as it stands now: acknowledgements named by organisation.
 * Without `view`, the card as posted to channels, right for everyone on its
 * own, whose `refresh` names the members Teams should ask the bot about
 * (those of organisations asked to acknowledge, at most 60). With `view`,
 * one person's own view (what Teams shows them in place of the posted card).
 */
export async function renderAlertCard(ctx: AppContext, record: AlertRecord, view?: AlertView): Promise<AdaptiveCard> {
  const organisations = await organisationNames(ctx);
  const theme = await themeById(ctx, record.alert.themeId);
  const acked = new Set(record.acknowledgements.map((a) => a.organisationId));
  const name = (id: string) => organisations.get(id) ?? id;
  const viewer: AlertViewer | undefined = !view ? undefined : view.kind === 'other' ? view : { ...view, organisationName: name(view.organisationId) };
  return alertCard({
    alert: record.alert,
    themeName: theme?.name ?? record.alert.themeId,
    raisedByOrganisation: name(record.alert.raisedBy.organisationId),
    acknowledgements: record.acknowledgements.map((a) => ({ ...a, organisationName: name(a.organisationId) })),
    awaitingOrganisations: record.expectedOrganisations.filter((o) => !acked.has(o)).map(name),
    viewer,
    // A person's own view names nobody: Teams asks again when the posted card changes (every acknowledgement updates it).
    refresh: { verb: ALERT_VERBS.view, userIds: view ? undefined : await refreshUserIds(ctx, record) },
  });
}

/** Teams user ids of active members whose organisations are asked (awaited first), by the rule in bot/userViews/rules/audience.ts. */
async function refreshUserIds(ctx: AppContext, record: AlertRecord): Promise<string[] | undefined> {
  const [members, known] = await Promise.all([allMembers(ctx), knownTeamsUsers(ctx)]);
  return refreshAudience(
    members.flatMap((m) => {
      const rank = m.status === 'suspended' ? undefined : refreshRank(record, m.organisationId);
      const teams = known.get(m.aadObjectId);
      return rank === undefined || !teams ? [] : [{ userId: teams.userId, rank, seenAt: teams.seenAt }];
    }),
  );
}
