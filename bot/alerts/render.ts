import type { AppContext } from '../context';
import { alertCard } from '../../cards/alert';
import type { AdaptiveCard } from '../../cards/render';
import type { AlertRecord } from './model';
import { organisationNames, themeById } from '../referenceData';

/** The alert card as it stands now: acknowledgements named by organisation. */
export async function renderAlertCard(ctx: AppContext, record: AlertRecord): Promise<AdaptiveCard> {
  const organisations = await organisationNames(ctx);
  const theme = await themeById(ctx, record.alert.themeId);
  const acked = new Set(record.acknowledgements.map((a) => a.organisationId));
  return alertCard({
    alert: record.alert,
    themeName: theme?.name ?? record.alert.themeId,
    raisedByOrganisation: organisations.get(record.alert.raisedBy.organisationId) ?? record.alert.raisedBy.organisationId,
    acknowledgements: record.acknowledgements.map((a) => ({ ...a, organisationName: organisations.get(a.organisationId) ?? a.organisationId })),
    awaitingOrganisations: record.expectedOrganisations.filter((o) => !acked.has(o)).map((o) => organisations.get(o) ?? o),
  });
}
