import { channelsFor } from '../channels/lookup';
import type { AppContext } from '../kernel/context';
import { announcedInChannels } from './rules/incidentRedaction';
import type { Organisation } from '../common/organisation';
import { enqueue } from '../outbox/enqueue';
import { targetOf } from '../outbox/model';
import { incidentRedactedCard } from '../../cards/incidentRedacted';
import type { AdaptiveCard } from '../../cards/render';
import { stableId } from './audit';
import type { IncidentRecord } from './model';
import { redactedOf } from './present';
import { INCIDENT_VERBS } from './verbs';

/** The channel announcement: the redacted view only, and a button that runs the access check for whoever presses it. */
export function channelAnnouncementCard(record: IncidentRecord, organisations: readonly Organisation[]): AdaptiveCard {
  const redacted = redactedOf(record, organisations);
  return incidentRedactedCard({
    title: `New ${redacted.risk} risk incident in ${redacted.borough}`,
    incident: redacted,
    notice: 'Partners with access can press View details: the details are sent to their private chat with Concordat.',
    buttons: [{ title: 'View details', verb: INCIDENT_VERBS.view, data: { reference: record.reference } }],
  });
}

/**
 * Puts a redacted card for a new medium or high risk incident into the
 * outbox, one per channel mapped to its borough. Item ids are derived from
 * the reference and the channel, so a retried submission enqueues nothing twice.
 */
export async function announceIncident(ctx: AppContext, record: IncidentRecord, organisations: readonly Organisation[]): Promise<{ channels: number }> {
  if (!announcedInChannels(record.risk)) return { channels: 0 };
  const channels = await channelsFor(ctx, record.borough);
  if (channels.length === 0) return { channels: 0 };
  const card = channelAnnouncementCard(record, organisations);
  await enqueue(
    ctx,
    `incident-${record.reference}`,
    channels.map((c) => ({
      id: `incident:${record.reference}:${stableId(c.conversationId)}`,
      target: targetOf(c),
      payload: { card, summary: `New ${record.risk} risk incident ${record.reference}` },
    })),
  );
  return { channels: channels.length };
}
