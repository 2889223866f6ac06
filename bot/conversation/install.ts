import type { AppContext } from '../kernel/context';
import { ConversationReference } from './model';
import { recordConversation, saveConversation } from './repository';

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
  const now = ctx.clock().getTime();
  const welcome = await recordConversation(ctx, ref, (existing) => now - Date.parse(existing.installedAt) < WELCOME_DEDUPE_MS);
  for (const channel of channels) await saveConversation(ctx, channel);
  ctx.log.info('installed', { kind: ref.kind, conversation: ref.conversationId, channels: channels.length, welcome });
  return { welcome };
}
