import type { AppContext } from './kernel/context';
import type { OutboxHooks } from './outbox/hooks';

/**
 * The slices' reactions to the outbox's delivery outcomes, wired into the context by the composition root
 * (bot/runtime.ts). Each is loaded when first needed: a sender run with nothing to report loads no feature.
 */
export const OUTBOX_HOOKS: OutboxHooks<AppContext> = {
  onConversationGone: async (ctx, gone) => (await import('./conversation/gone')).onConversationGone(ctx, gone),
  onDeadLetter: async (ctx, dead) => (await import('./directory/administrators')).onDeadLetter(ctx, dead),
};
