import type { AppContext } from '../kernel/context';
import type { DeadLetter } from '../outbox/hooks';
import { enqueue } from '../outbox/enqueue';
import { allPersonalChats } from '../conversation/repository';
import { targetOf } from '../outbox/model';
import { administrators } from './repository';

/**
 * A card to every active administrator's personal chat, through the outbox (one item per administrator, its id
 * derived from `noticeId`, so telling twice stores one notice). Notices do not notify again when they fail.
 * Returns how many chats it went to (an administrator who never opened a chat with the bot cannot be told).
 */
export async function notifyAdministrators(
  ctx: AppContext,
  noticeId: string,
  notice: { title: string; text: string },
  batchId = 'admin-notices',
): Promise<number> {
  const admins = await administrators(ctx);
  if (!admins.length) return 0;
  const chats = await allPersonalChats(ctx);
  // Loaded here, not at the top: a sender run with nothing to report never loads the card templating.
  const { messageCard } = await import('../../cards/message');
  const card = messageCard({ title: notice.title, text: notice.text.slice(0, 2000), tone: 'attention' });
  const messages = admins.flatMap((admin) =>
    chats
      .filter((c) => c.userAadObjectId === admin.aadObjectId)
      .map((c) => ({
        id: `${noticeId}.${admin.aadObjectId}`.replace(/[^A-Za-z0-9:._-]/g, '_').slice(0, 200),
        target: targetOf(c),
        payload: { card, summary: notice.title.slice(0, 200) },
        notifyOnDeadLetter: false,
      })),
  );
  if (messages.length) await enqueue(ctx, batchId, messages);
  return messages.length;
}

/** The outbox's dead letter (an item that asked for it): the administrators hear which conversation missed a message. */
export async function onDeadLetter(ctx: AppContext, dead: DeadLetter): Promise<void> {
  await notifyAdministrators(ctx, `deadletter.${dead.itemId}`, {
    title: 'A Concordat message could not be delivered',
    text: `After repeated tries, a message (${dead.batchId}) to a ${dead.target.kind === 'channel' ? 'channel' : 'chat'} could not be delivered: ${dead.error}. Nothing else is affected; check that Concordat is still installed there.`,
  });
}
