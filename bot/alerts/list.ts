import { odata } from '@azure/data-tables';
import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { boroughById } from '../shared/borough';
import { allOrganisations } from '../referenceData';
import { deliveryStatus, describeDelivery } from '../outbox/enqueue';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { formatInstant } from '../shared/dates';

/**
 * Recent alerts for the caller's boroughs, with delivery and who has
 * acknowledged (as help promises): organisations and times everywhere, the
 * person who pressed the button only in a private chat (a channel or group
 * chat is a broad audience), and who is still awaited.
 */
export async function listRecentAlerts(ctx: AppContext, caller: Caller, scope: 'personal' | 'team' | 'groupChat' = 'personal', days = 14): Promise<AdaptiveCard> {
  const since = new Date(ctx.clock().getTime() - days * 86_400_000).toISOString();
  const boroughs = caller.member?.roles.includes('admin') ? undefined : new Set(caller.organisation?.boroughs ?? []);
  const records = (await ctx.store.alerts.query(odata`PartitionKey eq 'alert' and raisedAt ge ${since}`))
    .map((r) => r.value)
    .filter((r) => !boroughs || r.alert.boroughs.some((b) => boroughs.has(b)))
    .sort((a, b) => b.alert.raisedAt.localeCompare(a.alert.raisedAt))
    .slice(0, 10);
  if (records.length === 0) {
    return messageCard({ title: 'No alerts in the last 14 days', text: 'Nothing has been raised for your boroughs recently.' });
  }
  const names = new Map((await allOrganisations(ctx)).map((o) => [o.id, o.name]));
  const orgName = (id: string) => names.get(id) ?? id;
  const when = (iso: string) => formatInstant(iso, ctx.config.timeZone, 'dayTime');
  const lines = await Promise.all(
    records.map(async (r) => {
      const delivery = describeDelivery(await deliveryStatus(ctx, r.batchId));
      const by = r.acknowledgements.map(
        (a) => `${orgName(a.organisationId)}${scope === 'personal' && a.byName ? ` (${a.byName}, ${when(a.at)})` : ` (${when(a.at)})`}`,
      );
      const acked = new Set(r.acknowledgements.map((a) => a.organisationId));
      const waiting = r.expectedOrganisations.filter((o) => !acked.has(o)).map(orgName);
      const acks = [
        `${r.acknowledgements.length}/${r.expectedOrganisations.length} acknowledged${by.length ? `: ${by.join(', ')}` : ''}`,
        ...(waiting.length ? [`waiting for ${waiting.join(', ')}`] : []),
      ].join('; ');
      const where = r.alert.boroughs.map((b) => boroughById(b).name).join(', ');
      return `**${r.alert.title}** (${r.alert.severity}, ${where}, ${when(r.alert.raisedAt)}): ${delivery}; ${acks}`;
    }),
  );
  return messageCard({ title: 'Recent alerts', text: lines.map((l) => `- ${l}`).join('\n') });
}
