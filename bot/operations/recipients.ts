import type { ConversationReference } from '../conversation/model';

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
