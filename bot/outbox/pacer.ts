import { createHash } from 'node:crypto';

/**
 * Paces sends to Teams' published limits: per app per tenant 50 a second;
 * per bot per conversation 7 a second, 8 in 2 seconds, 60 in 30 seconds and
 * 1,800 an hour. Waits rather than fails, so a fan-out takes as long as the
 * limits require and no longer.
 *
 * - Sends are spaced evenly rather than let out in bursts of 50: requests
 *   reach Teams with some jitter, and a burst that lands partly in the
 *   service's next second earns 429s. A 3% margin absorbs the rest.
 * - The slot is taken at the moment of dispatch (the transport calls
 *   `ready()` just before the request goes on the wire, see transport.ts),
 *   not before the request is built: building one (a proactive turn, a token,
 *   serialising the card) takes a varying time, and on a busy machine that
 *   variation let requests paced 20 ms apart reach Teams in bunches.
 * - Every limit is checked against when sends were actually let go, not only
 *   against the slots booked for them: on a busy machine timers fire late,
 *   and sends booked for slots that have passed would otherwise go together.
 * - One instance sends at a time (the sender lease, run.ts); the pacer's
 *   recent history passes from one holder to the next (`snapshot()`, kept in the lease row), so a
 *   new holder continues the pace rather than starting afresh beside sends
 *   that Teams still counts.
 */
export interface PacerLimits {
  perSecond: number;
  perConversationPerSecond: number;
  perConversationPer30s: number;
  /** Left out (tests that do not pace): no such limit. */
  perConversationPer2s?: number;
  perConversationPerHour?: number;
}

export const TEAMS_LIMITS: PacerLimits = { perSecond: 50, perConversationPerSecond: 7, perConversationPer2s: 8, perConversationPer30s: 60, perConversationPerHour: 1800 };

const MARGIN = 1.03;
/** Windows of this length or less pass from one lease holder to the next; see PacerState. */
const CARRIED_MS = 30_000 * MARGIN;

/**
 * What a lease holder hands to the next (kept in the lease row): when the
 * next send may start, the sends of the last second, and each conversation's
 * sends within 30 seconds with any Retry-After pause. Bounded by the limits
 * themselves: at most 50 sends a second for 31 s, about 1,550 times under
 * 10-character conversation keys (hashes: two conversations sharing one only
 * make pacing stricter). The hourly per-conversation limit is kept per holder
 * only: carrying an hour of history would not fit a row, and 1,800 an hour is
 * beyond anything the 60-in-30-seconds pace reaches in a fan-out.
 */
export interface PacerState {
  /** Epoch ms the state was taken at; the times below are relative to it. */
  at: number;
  nextSlotAt: number;
  /** How long ago (ms) each send of the last second went. */
  sentAgo: number[];
  conversations: { key: string; sentAgo: number[]; pausedFor?: number }[];
}

/**
 * The compact text of a PacerState, for the lease row (a table property holds
 * 32K characters; JSON of 1,550 entries would not fit): "at|ago,ago|key:ago,ago+pause;key:ago".
 * Times in base 36, centiseconds, rounded so the next holder is stricter, never looser.
 */
export const PACING_TEXT = /^[0-9a-z]{1,12}\|(?:[0-9a-z]{1,6}(?:,[0-9a-z]{1,6})*)?\|(?:[0-9a-f]{10}:(?:[0-9a-z]{1,6}(?:,[0-9a-z]{1,6})*)?(?:\+[0-9a-z]{1,8})?(?:;|$))*$/;
export const MAX_PACING_TEXT = 32_000;

export function encodePacerState(state: PacerState): string {
  const ago = (xs: number[]) => xs.map((x) => Math.max(0, Math.floor(x / 10)).toString(36)).join(',');
  const conversations = state.conversations.map(
    (c) => `${c.key}:${ago(c.sentAgo)}${c.pausedFor !== undefined ? `+${Math.ceil(c.pausedFor / 10).toString(36)}` : ''}`,
  );
  let text = `${state.at.toString(36)}|${ago(state.sentAgo)}|${conversations.join(';')}`;
  // Never reached at Teams' rates (see PacerState); if it were, the oldest conversations are dropped rather than the row.
  while (text.length > MAX_PACING_TEXT) text = text.slice(0, text.lastIndexOf(';'));
  return text;
}

/** The state a lease row carries, or undefined for text this code does not read (the pace then restarts from nextSlotAt). */
export function decodePacerState(text: string, nextSlotAt: number): PacerState | undefined {
  if (text.length > MAX_PACING_TEXT || !PACING_TEXT.test(text)) return undefined;
  const [at, sent, conversations] = text.split('|') as [string, string, string];
  const ago = (list: string) => (list ? list.split(',').map((x) => parseInt(x, 36) * 10) : []);
  return {
    at: parseInt(at, 36),
    nextSlotAt,
    sentAgo: ago(sent),
    conversations: conversations
      ? conversations.split(';').map((entry) => {
          const [key, rest] = entry.split(':') as [string, string];
          const [times, pause] = rest.split('+') as [string, string | undefined];
          return { key, sentAgo: ago(times), ...(pause !== undefined ? { pausedFor: parseInt(pause, 36) * 10 } : {}) };
        })
      : [],
  };
}

interface ConversationPace {
  /** Slots booked by sends still waiting for them (they keep concurrent sends to one conversation apart). */
  booked: number[];
  /** When sends were actually let go, oldest first, for as long as the longest window needs. */
  sent: number[];
  pausedUntil: number;
}

export class Pacer {
  private nextGlobal = 0;
  /** When sends were actually let go, for the last second (the per-app check that holds when timers fire late). */
  private readonly sent: number[] = [];
  private readonly conversations = new Map<string, ConversationPace>();
  private readonly windows: { ms: number; max: number }[];
  private readonly longestMs: number;
  private prunedAt = 0;

  /** `from`: the state the last lease holder left (run.ts), so the pace carries on across instances. */
  constructor(private readonly limits: PacerLimits, private readonly now: () => number = Date.now, from?: PacerState) {
    this.windows = [
      { ms: 1000, max: limits.perConversationPerSecond },
      { ms: 2000, max: limits.perConversationPer2s ?? Infinity },
      { ms: 30_000, max: limits.perConversationPer30s },
      { ms: 3_600_000, max: limits.perConversationPerHour ?? Infinity },
    ].filter((w) => Number.isFinite(w.max));
    this.longestMs = Math.max(1000, ...this.windows.map((w) => w.ms)) * MARGIN;
    if (from) this.restore(from);
  }

  /** Resolves when a send to this conversation may go, and records it as gone. */
  async take(conversationId: string): Promise<void> {
    const key = conversationKey(conversationId);
    const pace = this.pace(key);
    const t = this.now();
    const history = [...pace.sent, ...pace.booked].sort((a, b) => a - b);
    let slot = Math.max(t, this.nextGlobal, pace.pausedUntil);
    if (history.length) slot = Math.max(slot, history[history.length - 1]! + (1000 / this.limits.perConversationPerSecond) * MARGIN);
    for (const w of this.windows) if (history.length >= w.max) slot = Math.max(slot, history[history.length - w.max]! + w.ms * MARGIN);
    // Book before waiting, so concurrent callers queue behind this one.
    this.nextGlobal = slot + (1000 / this.limits.perSecond) * MARGIN;
    pace.booked.push(slot);
    try {
      if (slot > t) await sleep(slot - t);
      // Then check every limit against the sends actually let go, and wait while any is reached.
      for (let wait = this.waitNeeded(pace); wait > 0; wait = this.waitNeeded(pace)) await sleep(wait);
      const now = this.now();
      this.sent.push(now);
      pace.sent.push(now);
    } finally {
      pace.booked.splice(pace.booked.indexOf(slot), 1);
    }
  }

  /** After a 429 with Retry-After, hold this conversation back. */
  pause(conversationId: string, ms: number): void {
    const pace = this.pace(conversationKey(conversationId));
    pace.pausedUntil = Math.max(pace.pausedUntil, this.now() + ms);
  }

  /** What the next lease holder needs to carry on the pace (see PacerState). */
  snapshot(): PacerState {
    const at = Math.round(this.now());
    this.prune(at, true);
    const conversations: PacerState['conversations'] = [];
    // Most recent first, so that if the text ever had to be cut, what is cut is the oldest.
    const recentFirst = [...this.conversations].sort(([, a], [, b]) => (b.sent[b.sent.length - 1] ?? 0) - (a.sent[a.sent.length - 1] ?? 0));
    for (const [key, pace] of recentFirst) {
      const sentAgo = pace.sent.filter((x) => x > at - CARRIED_MS).slice(-this.limits.perConversationPer30s).map((x) => at - x);
      const paused = pace.pausedUntil > at;
      if (sentAgo.length || paused) conversations.push({ key, sentAgo, ...(paused ? { pausedFor: pace.pausedUntil - at } : {}) });
    }
    return {
      at,
      nextSlotAt: Math.max(0, Math.ceil(this.nextGlobal)),
      sentAgo: this.sent.filter((x) => x > at - 1000 * MARGIN).map((x) => at - x),
      conversations,
    };
  }

  private restore(from: PacerState): void {
    this.nextGlobal = from.nextSlotAt;
    this.sent.push(...from.sentAgo.map((x) => from.at - x).sort((a, b) => a - b));
    for (const c of from.conversations) {
      this.conversations.set(c.key, {
        booked: [],
        sent: c.sentAgo.map((x) => from.at - x).sort((a, b) => a - b),
        pausedUntil: c.pausedFor === undefined ? 0 : from.at + c.pausedFor,
      });
    }
  }

  /** How long to wait before a send to this conversation keeps every limit, judged by actual sends; 0: go now. */
  private waitNeeded(pace: ConversationPace): number {
    const now = this.now();
    this.prune(now);
    let until = pace.pausedUntil;
    const inSecond = this.sent.filter((x) => x > now - 1000 * MARGIN);
    if (inSecond.length >= this.limits.perSecond) until = Math.max(until, inSecond[inSecond.length - this.limits.perSecond]! + 1000 * MARGIN);
    for (const w of this.windows) {
      const inWindow = pace.sent.filter((x) => x > now - w.ms * MARGIN);
      if (inWindow.length >= w.max) until = Math.max(until, inWindow[inWindow.length - w.max]! + w.ms * MARGIN);
    }
    return until > now ? Math.ceil(until - now) + 1 : 0;
  }

  private pace(key: string): ConversationPace {
    let pace = this.conversations.get(key);
    if (!pace) this.conversations.set(key, (pace = { booked: [], sent: [], pausedUntil: 0 }));
    return pace;
  }

  /** Forgets what no window needs any more, so a long-running sender's memory stays bounded. */
  private prune(now: number, everything = false): void {
    while (this.sent.length && this.sent[0]! <= now - 1000 * MARGIN) this.sent.shift();
    // Conversations at most once a second: a fan-out touches hundreds, and this runs before every send.
    if (!everything && now - this.prunedAt < 1000) return;
    this.prunedAt = now;
    for (const [key, pace] of this.conversations) {
      while (pace.sent.length && pace.sent[0]! <= now - this.longestMs) pace.sent.shift();
      if (!pace.sent.length && !pace.booked.length && pace.pausedUntil <= now) this.conversations.delete(key);
    }
  }
}

/** A short stable key for a conversation id (ids run to 100+ characters; the lease row holds up to 1,500 of them). */
function conversationKey(conversationId: string): string {
  return createHash('sha256').update(conversationId).digest('hex').slice(0, 10);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
