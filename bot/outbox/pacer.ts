/**
 * Paces sends to Teams' published limits: per app per tenant (50/s) and per
 * conversation (7/s, 60 per 30 s). Waits rather than fails, so a fan-out
 * takes as long as the limits require and no longer.
 */
export interface PacerLimits {
  perSecond: number;
  perConversationPerSecond: number;
  perConversationPer30s: number;
}

export const TEAMS_LIMITS: PacerLimits = { perSecond: 50, perConversationPerSecond: 7, perConversationPer30s: 60 };

export class Pacer {
  private readonly global: number[] = [];
  private readonly byConversation = new Map<string, number[]>();
  private readonly pausedUntil = new Map<string, number>();

  constructor(private readonly limits: PacerLimits, private readonly now: () => number = Date.now) {}

  /** Resolves when a send to this conversation may start, and counts it. */
  async take(conversationId: string): Promise<void> {
    for (;;) {
      const wait = this.waitMs(conversationId);
      if (wait <= 0) break;
      await new Promise((r) => setTimeout(r, wait));
    }
    const t = this.now();
    this.global.push(t);
    const list = this.byConversation.get(conversationId) ?? [];
    list.push(t);
    this.byConversation.set(conversationId, list);
  }

  /** After a 429 with Retry-After, hold this conversation back. */
  pause(conversationId: string, ms: number): void {
    this.pausedUntil.set(conversationId, Math.max(this.pausedUntil.get(conversationId) ?? 0, this.now() + ms));
  }

  private waitMs(conversationId: string): number {
    const t = this.now();
    prune(this.global, t - 1000);
    const conv = this.byConversation.get(conversationId) ?? [];
    prune(conv, t - 30_000);
    const waits = [(this.pausedUntil.get(conversationId) ?? 0) - t];
    if (this.global.length >= this.limits.perSecond) waits.push(this.global[this.global.length - this.limits.perSecond]! + 1000 - t);
    const lastSecond = conv.filter((x) => x > t - 1000);
    if (lastSecond.length >= this.limits.perConversationPerSecond) {
      waits.push(lastSecond[lastSecond.length - this.limits.perConversationPerSecond]! + 1000 - t);
    }
    if (conv.length >= this.limits.perConversationPer30s) waits.push(conv[conv.length - this.limits.perConversationPer30s]! + 30_000 - t);
    return Math.max(...waits);
  }
}

function prune(list: number[], before: number): void {
  while (list.length > 0 && list[0]! <= before) list.shift();
}
