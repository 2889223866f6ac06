import type { AppContext } from '../kernel/context';
import { stableId } from '../common/stableId';
import { enqueue } from '../outbox/enqueue';
import { targetOf } from '../outbox/model';
import type { HotspotWarning } from './model';
import { markWarningPosted } from './repository';
import type { channelsFor } from '../channels/lookup';

/**
 * Posting a raised warning (bot/warnings/detect.ts): loaded when there is one to post, not by every run of the
 * 15-minute timer, most of which find nothing new.
 */

/** A run's channels per theme, read once each. */
export type ChannelsOf = (themeId: string) => ReturnType<typeof channelsFor>;

/** Channel cards into the outbox, then the row marked posted. */
export async function postWarning(ctx: AppContext, warning: HotspotWarning, etag: string, channelsOf: ChannelsOf): Promise<number> {
  const channels = await channelsOf(warning.themeId);
  // Card modules load when there is something to post: an idle timer run never loads the card templating (cold start).
  const { warningCard, warningTitle } = await import('./present');
  const card = warningCard(warning, ctx.config.timeZone);
  const { added } = await enqueue(
    ctx,
    `hotspot-${warning.id}`,
    channels.map((c) => ({
      id: `hotspot:${warning.id}:${stableId('c', c.conversationId).slice(2)}`,
      target: targetOf(c),
      payload: { card, summary: `Early warning: ${warningTitle(warning)}`.slice(0, 200) },
    })),
  );
  await markWarningPosted(ctx, warning, channels.length, etag); // a lost race: another run finished it
  return added;
}

