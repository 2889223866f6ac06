import type { Target } from './model';

/**
 * What the outbox tells the rest of the app when a delivery outcome calls for a feature's reaction. The outbox
 * knows no feature (no conversations, channels or administrators): the slices that own those react, and the
 * composition root (bot/runtime.ts, from bot/outboxHooks.ts) wires their reactions into the context.
 * Each is called after the item's outcome is recorded, and again if the sender's run is retried after a crash,
 * so a reaction must be idempotent. `Ctx` is the app's context (bot/kernel/context.ts), a parameter here so that
 * the outbox imports nothing from above it.
 */
export interface OutboxHooks<Ctx> {
  /** Posts to `target` were refused repeatedly, minutes apart, as "not in this conversation": the bot is no longer there. */
  onConversationGone(ctx: Ctx, gone: ConversationGone): Promise<void>;
  /** An item that asked for it (`notifyOnDeadLetter`) could not be delivered after its tries. */
  onDeadLetter(ctx: Ctx, dead: DeadLetter): Promise<void>;
}

export interface ConversationGone {
  /** The item whose refusal settled it (stable: derive notice ids from it so a re-run tells once). */
  itemId: string;
  target: Target;
  /** How many refusals it took. */
  strikes: number;
  /** Teams' answer to the last post. */
  error: string;
}

export interface DeadLetter {
  itemId: string;
  batchId: string;
  target: Target;
  error: string;
}
