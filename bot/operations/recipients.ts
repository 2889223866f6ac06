import type { AppContext } from '../kernel/context';
import type { ConversationReference } from '../conversation/model';
import { channelConversations } from '../conversation/repository';
import type { JointOperation } from './model';
import { operationChannelIds } from './repository';

type Personal = Extract<ConversationReference, { kind: 'personal' }>;

/** People split by whether the bot can reach them privately. */
export function splitReachable(people: readonly string[], chats: ReadonlyMap<string, Personal>) {
  const reachable: { aadObjectId: string; chat: Personal }[] = [];
  const unreachable: string[] = [];
  for (const id of people) {
    const chat = chats.get(id);
    if (chat) reachable.push({ aadObjectId: id, chat });
    else unreachable.push(id);
  }
  return { reachable, unreachable };
}

/** The channels an operation's card went to, where the bot is still installed. */
export async function operationChannels(ctx: AppContext, op: Pick<JointOperation, 'id' | 'channelConversationIds'>): Promise<ConversationReference[]> {
  return channelConversations(ctx, await operationChannelIds(ctx, op));
}
