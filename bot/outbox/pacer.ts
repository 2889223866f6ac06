/**
 * Paces sends to Teams' published limits: per app per tenant (50/s) and per
 * conversation (7/s, 60 per 30 s). Waits rather than fails, so a fan-out
 * takes as long as the limits require and no longer.
 *
 * Sends are spaced evenly rather than let out in bursts of 50: requests
 * reach Teams with some jitter, and a burst that lands partly in the
 * service's next second earns 429s. A 3% margin absorbs the rest.
 */
export interface PacerLimits {
  perSecond: number;
  perConversationPerSecond: number;
  perConversationPer30s: number;
}

export const TEAMS_LIMITS: PacerLimits = { perSecond: 50, perConversationPerSecond: 7, perConversationPer30s: 60 };

const MARGIN = 1.03;

export class Pacer {
  private nextGlobal = 0;
  private readonly nextByConversation = new Map<string, number>();
  private readonly history = new Map<string, number[]>();
  private readonly pausedUntil = new Map<string, number>();
  /** When sends actually started, for the last second: the check that holds even when timers fire late. */
  private readonly started: number[] = [];

  /** `startAt`: the first free slot (epoch ms), when taking over from a sender that paced sends until then. */
  constructor(private readonly limits: PacerLimits, private readonly now: () => number = Date.now, startAt = 0) {
    this.nextGlobal = startAt;
  }

  /** When the next send could start (epoch ms): handed to the next sender so the pace carries on across instances. */
  nextFree(): number {
    return this.nextGlobal;
  }

  /** Resolves when a send to this conversation may start, and books its slot. */
  async take(conversationId: string): Promise<void> {
    const t = this.now();
    const sent = (this.history.get(conversationId) ?? []).filter((x) => x > t - 30_000 * MARGIN);
    const slot = Math.max(
      t,
      this.nextGlobal,
      this.nextByConversation.get(conversationId) ?? 0,
      this.pausedUntil.get(conversationId) ?? 0,
      sent.length >= this.limits.perConversationPer30s ? sent[sent.length - this.limits.perConversationPer30s]! + 30_000 * MARGIN : 0,
    );
    // Book before waiting, so concurrent callers queue behind this one.
    this.nextGlobal = slot + (1000 / this.limits.perSecond) * MARGIN;
    this.nextByConversation.set(conversationId, slot + (1000 / this.limits.perConversationPerSecond) * MARGIN);
    sent.push(slot);
    this.history.set(conversationId, sent);
    if (slot > t) await new Promise((r) => setTimeout(r, slot - t));
    // On a busy machine timers fire late, and sends booked for slots that have passed would go out together.
    // So the last second's actual sends are counted too, and a send waits while they reach the per-app limit.
    for (;;) {
      const now = this.now();
      while (this.started.length && this.started[0]! <= now - 1000 * MARGIN) this.started.shift();
      if (this.started.length < this.limits.perSecond) {
        this.started.push(now);
        return;
      }
      await new Promise((r) => setTimeout(r, this.started[0]! + 1000 * MARGIN - now + 1));
    }
  }

  /** After a 429 with Retry-After, hold this conversation back. */
  pause(conversationId: string, ms: number): void {
    this.pausedUntil.set(conversationId, Math.max(this.pausedUntil.get(conversationId) ?? 0, this.now() + ms));
  }
}
