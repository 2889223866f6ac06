import { odata } from '@azure/data-tables';
import type { AppContext } from '../kernel/context';
import type { ConversationReference } from './model';

/** The user's 1:1 chat with the bot, if it was recorded when they installed it: where private cards go. */
export async function personalConversationOf(
  ctx: AppContext,
  aadObjectId: string,
): Promise<Extract<ConversationReference, { kind: 'personal' }> | undefined> {
  const rows = await ctx.store.conversations.query(odata`PartitionKey eq 'personal' and userAadObjectId eq ${aadObjectId}`);
  const chats = rows
    .map((r) => r.value)
    .filter((c): c is Extract<ConversationReference, { kind: 'personal' }> => c.kind === 'personal' && c.userAadObjectId === aadObjectId);
  // The most recent installation wins if the user reinstalled.
  return chats.sort((a, b) => b.installedAt.localeCompare(a.installedAt))[0];
}

/** The tenants of the teams the bot is installed in (its channel installations): the deployment's host tenant(s). */
export async function installedTeamTenants(ctx: AppContext): Promise<Set<string>> {
  const rows = await ctx.store.conversations.listPartition('channel');
  return new Set(rows.map((r) => r.value.tenantId));
}
