import { odata } from '@azure/data-tables';
import type { AppContext } from '../kernel/context';
import { ConcurrencyError } from '../store/errors';
import { ConversationReference } from './model';
import { conversationKeys } from './tables';

/**
 * The only module that touches the Conversations table (bot/conversation/tables.ts): where the bot can post.
 * Other slices find a person's private chat or a channel here, never by reading the table themselves.
 */

export type PersonalChat = Extract<ConversationReference, { kind: 'personal' }>;
export type ChannelConversation = Extract<ConversationReference, { kind: 'channel' }>;
type Ctx = Pick<AppContext, 'store'>;

/** The user's 1:1 chat with the bot, if it was recorded when they installed it: where private cards go. */
export async function personalConversationOf(ctx: Ctx, aadObjectId: string): Promise<PersonalChat | undefined> {
  const rows = await ctx.store.conversations.query(odata`PartitionKey eq 'personal' and userAadObjectId eq ${aadObjectId}`);
  const chats = rows.map((r) => r.value).filter((c): c is PersonalChat => c.kind === 'personal' && c.userAadObjectId === aadObjectId);
  // The most recent installation wins if the user reinstalled.
  return chats.sort((a, b) => b.installedAt.localeCompare(a.installedAt))[0];
}

/** Every personal chat recorded (a user who reinstalled may have several). One partition read. */
export async function allPersonalChats(ctx: Ctx): Promise<PersonalChat[]> {
  return (await ctx.store.conversations.listPartition('personal')).flatMap((r) => (r.value.kind === 'personal' ? [r.value] : []));
}

/** Each user's personal chat with the bot, recorded when they installed it (the latest if several). */
export async function personalChats(ctx: Ctx): Promise<Map<string, PersonalChat>> {
  const out = new Map<string, PersonalChat>();
  for (const chat of await allPersonalChats(ctx)) {
    const seen = out.get(chat.userAadObjectId);
    if (!seen || seen.installedAt < chat.installedAt) out.set(chat.userAadObjectId, chat);
  }
  return out;
}

/** Every channel the bot is installed in. One partition read. */
export async function installedChannels(ctx: Ctx): Promise<ChannelConversation[]> {
  return (await ctx.store.conversations.listPartition('channel')).flatMap((r) => (r.value.kind === 'channel' ? [r.value] : []));
}

/** The channel's stored reference, if the bot is (still) installed there. */
export async function channelConversation(ctx: Ctx, conversationId: string): Promise<ChannelConversation | undefined> {
  const row = await ctx.store.conversations.get(conversationKeys('channel', conversationId));
  return row?.value.kind === 'channel' ? row.value : undefined;
}

/** The channels among `conversationIds` where the bot is still installed, in that order. */
export async function channelConversations(ctx: Ctx, conversationIds: readonly string[]): Promise<ConversationReference[]> {
  const refs = await Promise.all(conversationIds.map((id) => ctx.store.conversations.get(conversationKeys('channel', id))));
  return refs.flatMap((r) => (r ? [r.value] : []));
}

/** Records (or replaces) a conversation reference. */
export async function saveConversation(ctx: Ctx, conversation: ConversationReference): Promise<void> {
  await ctx.store.conversations.upsert(ConversationReference.parse(conversation));
}

/**
 * Records a new installation: created if unknown; if already known, replaced unless `keep(existing)` says the
 * stored one stands (a redelivered install event). Returns whether it was written.
 */
export async function recordConversation(ctx: Ctx, conversation: ConversationReference, keep: (existing: ConversationReference) => boolean): Promise<boolean> {
  const ref = ConversationReference.parse(conversation);
  try {
    await ctx.store.conversations.create(ref);
    return true;
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
  }
  let written = true;
  await ctx.store.conversations.mutate(ctx.store.conversations.keysOf(ref), (existing) => {
    if (existing && keep(existing)) {
      written = false;
      return undefined;
    }
    return ref;
  });
  return written;
}

/** Forgets a conversation the bot can no longer post to. Idempotent. */
export async function forgetConversation(ctx: Ctx, kind: ConversationReference['kind'], conversationId: string): Promise<void> {
  await ctx.store.conversations.delete(conversationKeys(kind, conversationId));
}

/** Forgets every channel of a team the bot was removed from; returns how many. */
export async function forgetTeamChannels(ctx: Ctx, teamId: string | undefined): Promise<number> {
  const teamChannels = (await ctx.store.conversations.listPartition('channel')).filter((c) => c.value.kind === 'channel' && c.value.teamId === teamId);
  for (const c of teamChannels) await ctx.store.conversations.delete(c.keys);
  return teamChannels.length;
}

/** The tenants of the teams the bot is installed in (its channel installations): the deployment's host tenant(s). */
export async function installedTeamTenants(ctx: Ctx): Promise<Set<string>> {
  return new Set((await installedChannels(ctx)).map((c) => c.tenantId));
}
