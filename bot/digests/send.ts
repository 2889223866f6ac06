import type { AppContext } from '../kernel/context';
import type { DueDigest } from './rules/digestSchedule';
import { channelConversation, personalConversationOf } from '../conversation/repository';
import { enqueue } from '../outbox/enqueue';
import { targetOf, type Target } from '../outbox/model';
import { mappingOf } from '../channels/repository';
import type { DigestSubscription } from './model';
import { finishDelivery, markWeekDone, type DeliveryClaim } from './repository';
import { DigestSources } from './sources';
import { digestBatchId, digestItemId } from './items';

/**
 * Sending a digest whose week this run has claimed (bot/digests/deliver.ts runDigests): loaded only when one is
 * due, so the timer's many idle runs never load what the figures are read from.
 */

/** What one run's deliveries share: the sources, each read once per run however many digests need it. */
export interface DigestRun {
  sources?: DigestSources;
}

export async function sendClaimed(
  ctx: AppContext,
  run: DigestRun,
  sub: DigestSubscription,
  due: DueDigest,
  claim: Extract<DeliveryClaim, { state: 'claimed' }>,
  now: Date,
): Promise<'sent' | 'skipped'> {
  const target = await targetFor(ctx, sub);
  if (!target) {
    await finishDelivery(ctx, claim.row, claim.etag, { status: 'skipped', reason: sub.destination.kind === 'personal' ? 'no personal chat with the bot' : 'the channel is no longer mapped' });
    await markWeekDone(ctx, sub.owner, due.week);
    ctx.log.warn('digest not delivered: nowhere to post', { owner: sub.owner, week: due.week, destination: sub.destination.kind });
    return 'skipped';
  }
  const itemIds = await enqueueDigest(ctx, (run.sources ??= new DigestSources(ctx)), sub, due, target);
  await finishDelivery(ctx, claim.row, claim.etag, { status: 'sent', itemIds, sentAt: now.toISOString() });
  await markWeekDone(ctx, sub.owner, due.week);
  return 'sent';
}

async function enqueueDigest(ctx: AppContext, sources: DigestSources, sub: DigestSubscription, due: DueDigest, target: Target): Promise<string[]> {
  const messages = [];
  // Card modules load when there is something to post: an idle timer run never loads the card templating (cold start).
  const { buildThemeDigest } = await import('./build');
  for (const themeId of sub.themes) {
    const built = await buildThemeDigest(ctx, sources, { themeId, boroughs: sub.boroughs, weekMonday: due.weekMonday, upTo: due.upTo, preview: false, timeZone: sub.timeZone });
    if (!built) continue; // a theme removed from the configuration since
    messages.push({
      id: digestItemId(sub.owner, due.week, themeId),
      target,
      payload: { card: built.card, summary: `Weekly digest: ${built.figures.theme.name}, ${built.figures.total.thisWeek} incidents` },
    });
  }
  await enqueue(ctx, digestBatchId(due.week), messages);
  return messages.map((m) => m.id);
}

async function targetFor(ctx: AppContext, sub: DigestSubscription): Promise<Target | undefined> {
  if (sub.destination.kind === 'personal') {
    const chat = await personalConversationOf(ctx, sub.owner);
    return chat && targetOf(chat);
  }
  const conversationId = sub.destination.conversationId;
  const [mapping, channel] = await Promise.all([
    mappingOf(ctx, conversationId),
    channelConversation(ctx, conversationId),
  ]);
  return mapping && channel ? targetOf(channel) : undefined;
}
