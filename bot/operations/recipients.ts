import type { AppContext } from '../kernel/context';
import type { ConversationReference } from '../conversation/model';
import { safeKey } from '../store/entityTable';

type Personal = Extract<ConversationReference, { kind: 'personal' }>;

/** Each user's personal chat with the bot, recorded when they installed it (the latest if several). */
export async function personalChats(ctx: AppContext): Promise<Map<string, Personal>> {
  const rows = await ctx.store.conversations.listPartition('personal');
  const out = new Map<string, Personal>();
  for (const { value } of rows) {
    if (value.kind !== 'personal') continue;
    const seen = out.get(value.userAadObjectId);
    if (!seen || seen.installedAt < value.installedAt) out.set(value.userAadObjectId, value);
  }
  return out;
}

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
export async function operationChannels(ctx: AppContext, conversationIds: readonly string[]): Promise<ConversationReference[]> {
  const refs = await Promise.all(conversationIds.map((id) => ctx.store.conversations.get({ partitionKey: 'channel', rowKey: safeKey(id) })));
  return refs.flatMap((r) => (r ? [r.value] : []));
}
