import { safeKey } from '../store/entityTable';
import { table, type TablesOf } from '../store/tableDef';
import { ConversationReference } from './model';

/**
 * Where the bot is installed, and the only place the Conversations keys are spelt: one partition per kind
 * ("personal", "channel", "groupChat"), one row per conversation id. Touched only by bot/conversation/repository.ts.
 */
export const conversationKeys = (kind: ConversationReference['kind'], conversationId: string) => ({ partitionKey: kind, rowKey: safeKey(conversationId) });

export const CONVERSATION_TABLES = {
  conversations: table({
    name: 'Conversations',
    schema: ConversationReference,
    keys: (c) => conversationKeys(c.kind, c.conversationId),
    columns: (c): Record<string, string> =>
      c.kind === 'channel' ? { teamId: c.teamId } : c.kind === 'personal' ? { userAadObjectId: c.userAadObjectId } : {},
    retention: {
      holds: "where the bot is installed (conversation ids, a person's Entra id for 1:1 chats)",
      retention: 'while installed',
      enforcedBy: 'deleted when the bot is removed (installationUpdate) or Teams answers that the conversation is gone',
    },
  }),
};

declare module '../store/store' {
  interface StoreTables extends TablesOf<typeof CONVERSATION_TABLES> {}
}
