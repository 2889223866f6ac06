import type { AppContext } from '../context';
import type { BoroughId } from '../domain/borough';
import type { ConversationReference } from '../domain/conversation';
import { safeKey } from '../store/entityTable';
import { mappingMatches } from './model';

/** The channels an admin has mapped to this borough (and theme), where the bot is still installed. */
export async function channelsFor(ctx: AppContext, borough: BoroughId, themeId?: string): Promise<ConversationReference[]> {
  const mappings = (await ctx.store.channelMappings.listPartition('map')).map((m) => m.value).filter((m) => mappingMatches(m, borough, themeId));
  const refs = await Promise.all(
    mappings.map((m) => ctx.store.conversations.get({ partitionKey: 'channel', rowKey: safeKey(m.conversationId) })),
  );
  return refs.flatMap((r) => (r ? [r.value] : []));
}
