import { odata } from '@azure/data-tables';
import type { AppContext } from '../context';
import type { Caller } from '../conversation/user';
import { boroughById } from '../domain/borough';
import { deliveryStatus, describeDelivery } from '../outbox/enqueue';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { londonDateTime } from '../../cards/format';

/** Recent alerts for the caller's boroughs, with delivery and acknowledgement progress. */
export async function listRecentAlerts(ctx: AppContext, caller: Caller, days = 14): Promise<AdaptiveCard> {
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
  const lines = await Promise.all(
    records.map(async (r) => {
      const delivery = describeDelivery(await deliveryStatus(ctx, r.batchId));
      const acks = `${r.acknowledgements.length}/${r.expectedOrganisations.length} acknowledged`;
      const where = r.alert.boroughs.map((b) => boroughById(b).name).join(', ');
      return `**${r.alert.title}** (${r.alert.severity}, ${where}, ${londonDateTime(r.alert.raisedAt)}): ${delivery}; ${acks}`;
    }),
  );
  return messageCard({ title: 'Recent alerts', text: lines.map((l) => `- ${l}`).join('\n') });
}
