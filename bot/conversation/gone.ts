import { forgetChannelMapping } from '../channels/repository';
import { notifyAdministrators } from '../directory/administrators';
import type { AppContext } from '../kernel/context';
import type { ConversationGone } from '../outbox/hooks';
import { forgetConversation } from './repository';

/**
 * The outbox found the bot removed from a conversation (posts refused repeatedly, minutes apart): stop posting
 * there (its reference and, for a channel, its alert mapping go) and tell the administrators which and why.
 */
export async function onConversationGone(ctx: AppContext, gone: ConversationGone): Promise<void> {
  const { target } = gone;
  const mapping = await forgetChannelMapping(ctx, target.conversationId);
  await forgetConversation(ctx, target.kind, target.conversationId);
  const where =
    target.kind === 'channel' ? `the channel ${mapping?.channelName ?? target.conversationId}` : `a ${target.kind === 'personal' ? 'personal' : 'group'} chat`;
  await notifyAdministrators(ctx, `forgotten.${gone.itemId}`, {
    title: 'Concordat stopped posting to a conversation',
    text: `Teams refused ${gone.strikes} messages to ${where}, minutes apart, saying Concordat is no longer there (${gone.error.slice(0, 120)}). ${mapping ? 'Its alert mapping has been removed, so alerts no longer go there. ' : ''}If Concordat should be there, add the app again and map the channel with "channels".`,
  });
}
