import type { AppContext } from '../kernel/context';
import { installedChannels } from '../conversation/repository';
import type { OutgoingMessage } from '../outbox/enqueue';
import { targetOf } from '../outbox/model';
import type { AlertDelivery, AlertRecord } from './model';
import { deliveriesOf } from './repository';

/**
 * One outbox message for each channel the alert was posted to where the bot
 * is still installed: the post itself, acknowledgement updates, escalations.
 */
export async function toAlertChannels(
  ctx: AppContext,
  record: AlertRecord,
  message: (post: Pick<AlertDelivery, 'itemId' | 'conversationId'>) => Omit<OutgoingMessage, 'target'>,
): Promise<OutgoingMessage[]> {
  const installed = new Map((await installedChannels(ctx)).map((c) => [c.conversationId, c]));
  const posts = [...(record.posts ?? []), ...(await deliveriesOf(ctx, record.alert.id))];
  return posts.flatMap((post) => {
    const ref = installed.get(post.conversationId);
    return ref ? [{ ...message(post), target: targetOf(ref) }] : [];
  });
}
