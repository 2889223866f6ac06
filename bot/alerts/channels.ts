import type { AppContext } from '../context';
import type { OutgoingMessage } from '../outbox/enqueue';
import { targetOf } from '../outbox/model';
import type { AlertRecord } from './model';

/**
 * One outbox message for each channel the alert was posted to where the bot
 * is still installed: the post itself, acknowledgement updates, escalations.
 */
export async function toAlertChannels(
  ctx: AppContext,
  record: AlertRecord,
  message: (post: AlertRecord['posts'][number]) => Omit<OutgoingMessage, 'target'>,
): Promise<OutgoingMessage[]> {
  const installed = new Map((await ctx.store.conversations.listPartition('channel')).map((c) => [c.value.conversationId, c.value]));
  return record.posts.flatMap((post) => {
    const ref = installed.get(post.conversationId);
    return ref ? [{ ...message(post), target: targetOf(ref) }] : [];
  });
}
