import type { AppContext } from '../kernel/context';
import { ConversationReference } from './model';
import { ConcurrencyError } from '../store/errors';

/** A redelivered or doubled install event within this window does not post a second welcome. */
const WELCOME_DEDUPE_MS = 10 * 60 * 1000;

/**
 * Records where the bot was installed so it can post there later.
 * Returns whether a welcome card should go out (not for a redelivery).
 */
export async function recordInstallation(
  ctx: AppContext,
  conversation: ConversationReference,
  channels: ConversationReference[] = [],
): Promise<{ welcome: boolean }> {
  const ref = ConversationReference.parse(conversation);
  let welcome = true;
  try {
    await ctx.store.conversations.create(ref);
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    const now = ctx.clock().getTime();
    await ctx.store.conversations.mutate(ctx.store.conversations.keysOf(ref), (existing) => {
      if (existing && now - Date.parse(existing.installedAt) < WELCOME_DEDUPE_MS) {
        welcome = false;
        return undefined;
      }
      return ref;
    });
  }
  for (const channel of channels) await ctx.store.conversations.upsert(ConversationReference.parse(channel));
  ctx.log.info('installed', { kind: ref.kind, conversation: ref.conversationId, channels: channels.length, welcome });
  return { welcome };
}
