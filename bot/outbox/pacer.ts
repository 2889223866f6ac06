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
 * - Every limit is checked against the sends already gone, not only against
 *   the slots booked for them: on a busy machine timers fire late, and sends
 *   booked for slots that have passed would otherwise go together. A send
 *   counts from when it could have reached Teams (see Send): requests on new
 *   connections, or written late by a busy process, arrive later than they
 *   were let go, and those that arrive late and those that do not would land
 *   in one of Teams' seconds together.
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

/**
 * One send as Teams may have counted it. Teams counts a request when it
 * arrives, which is some time after it was handed to the HTTP client: the
 * first requests on new connections wait for TCP and TLS, and a busy process
 * writes late. So a send counts from when it was let go until its answer, and
 * after the answer from the latest moment it can have arrived: the answer's
 * time less the quickest round trip seen (what the way back and Teams' own
 * work take at least). When round trips are steady that is about when it was
 * let go; when one was slow on its way out, it counts from when it got there.
 */
interface Send {
  letGo: number;
  /** When its answer (or failure) came; none yet: it may reach Teams at any moment, so every window counts it. */
  answered?: number;
}

/** What take() gives the caller: tell the pacer when the request's answer (or failure) came. */
export interface PacedSend {
  done(): void;
}

interface ConversationPace {
  /** Slots booked by sends still waiting for them (they keep concurrent sends to one conversation apart). */
  booked: number[];
  /** Sends, oldest first, for as long as the longest window needs them. */
  sent: Send[];
  pausedUntil: number;
}

/** A send never reported done (a caller that failed to) stops counting as open after this long. */
const MAX_OPEN_MS = 60_000;
/** While unanswered sends fill a window, look again this often. */
const POLL_MS = 5;

export class Pacer {
  private nextGlobal = 0;
  /** Sends of the last second or so (the per-app check that holds when timers fire late or requests leave late). */
  private readonly sent: Send[] = [];
  private readonly conversations = new Map<string, ConversationPace>();
  private readonly windows: { ms: number; max: number }[];
  private readonly longestMs: number;
  private prunedAt = 0;
  /** The quickest round trip seen (ms): an answer comes at least this long after its request reached Teams. */
  private quickest = Infinity;

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

  /**
   * Resolves when a send to this conversation may go, and records it as gone. Call `done()` on what it returns
   * when the request is answered or has failed: until then the send counts in every window.
   */
  async take(conversationId: string): Promise<PacedSend> {
    const key = conversationKey(conversationId);
    const pace = this.pace(key);
    const t = this.now();
    const history = [...pace.sent.map((s) => this.arrived(s) ?? t), ...pace.booked].sort((a, b) => a - b);
    let slot = Math.max(t, this.nextGlobal, pace.pausedUntil);
    if (history.length) slot = Math.max(slot, history[history.length - 1]! + (1000 / this.limits.perConversationPerSecond) * MARGIN);
    for (const w of this.windows) if (history.length >= w.max) slot = Math.max(slot, history[history.length - w.max]! + w.ms * MARGIN);
    // Book before waiting, so concurrent callers queue behind this one.
    this.nextGlobal = slot + (1000 / this.limits.perSecond) * MARGIN;
    pace.booked.push(slot);
    let send: Send;
    try {
      if (slot > t) await sleep(slot - t);
      // Then check every limit against the sends already gone, and wait while any is reached.
      for (let wait = this.waitNeeded(pace); wait > 0; wait = this.waitNeeded(pace)) await sleep(wait);
      send = { letGo: this.now() };
      this.sent.push(send);
      pace.sent.push(send);
    } finally {
      pace.booked.splice(pace.booked.indexOf(slot), 1);
    }
    return {
      done: () => {
        if (send.answered !== undefined) return;
        send.answered = this.now();
        this.quickest = Math.min(this.quickest, send.answered - send.letGo);
      },
    };
  }

  /** After a 429 with Retry-After, hold this conversation back. */
  pause(conversationId: string, ms: number): void {
    const pace = this.pace(conversationKey(conversationId));
    pace.pausedUntil = Math.max(pace.pausedUntil, this.now() + ms);
  }

  /** What the next lease holder needs to carry on the pace (see PacerState). Unanswered sends count as sent now. */
  snapshot(): PacerState {
    const at = Math.round(this.now());
    this.prune(at, true);
    const ago = (s: Send) => at - (this.arrived(s) ?? at);
    const conversations: PacerState['conversations'] = [];
    // Most recent first, so that if the text ever had to be cut, what is cut is the oldest.
    const latest = (p: ConversationPace) => Math.max(0, ...p.sent.map((s) => this.arrived(s) ?? at));
    const recentFirst = [...this.conversations].sort(([, a], [, b]) => latest(b) - latest(a));
    for (const [key, pace] of recentFirst) {
      const sentAgo = pace.sent.filter((s) => this.counts(s, at, CARRIED_MS)).map(ago).sort((a, b) => b - a).slice(-this.limits.perConversationPer30s);
      const paused = pace.pausedUntil > at;
      if (sentAgo.length || paused) conversations.push({ key, sentAgo, ...(paused ? { pausedFor: pace.pausedUntil - at } : {}) });
    }
    return {
      at,
      nextSlotAt: Math.max(0, Math.ceil(this.nextGlobal)),
      sentAgo: this.sent.filter((s) => this.counts(s, at, 1000 * MARGIN)).map(ago),
      conversations,
    };
  }

  private restore(from: PacerState): void {
    this.nextGlobal = from.nextSlotAt;
    const sends = (ago: number[]) => ago.map((x) => ({ letGo: from.at - x, answered: from.at - x })).sort((a, b) => a.letGo - b.letGo);
    this.sent.push(...sends(from.sentAgo));
    for (const c of from.conversations) {
      this.conversations.set(c.key, { booked: [], sent: sends(c.sentAgo), pausedUntil: c.pausedFor === undefined ? 0 : from.at + c.pausedFor });
    }
  }

  /** How long to wait before a send to this conversation keeps every limit; 0: go now. */
  private waitNeeded(pace: ConversationPace): number {
    const now = this.now();
    this.prune(now);
    let until = Math.max(pace.pausedUntil, this.freeAt(this.sent, 1000 * MARGIN, this.limits.perSecond, now));
    for (const w of this.windows) until = Math.max(until, this.freeAt(pace.sent, w.ms * MARGIN, w.max, now));
    return until > now ? Math.ceil(until - now) + 1 : 0;
  }

  private pace(key: string): ConversationPace {
    let pace = this.conversations.get(key);
    if (!pace) this.conversations.set(key, (pace = { booked: [], sent: [], pausedUntil: 0 }));
    return pace;
  }

  /** Forgets what no window needs any more, so a long-running sender's memory stays bounded. */
  private prune(now: number, everything = false): void {
    expireOpen(this.sent, now);
    for (let i = this.sent.length - 1; i >= 0; i--) if (!this.counts(this.sent[i]!, now, 1000 * MARGIN)) this.sent.splice(i, 1);
    // Conversations at most once a second: a fan-out touches hundreds, and this runs before every send.
    if (!everything && now - this.prunedAt < 1000) return;
    this.prunedAt = now;
    for (const [key, pace] of this.conversations) {
      expireOpen(pace.sent, now);
      pace.sent = pace.sent.filter((s) => this.counts(s, now, this.longestMs));
      if (!pace.sent.length && !pace.booked.length && pace.pausedUntil <= now) this.conversations.delete(key);
    }
  }

  /**
   * The latest a send can have reached Teams: its answer's time less the quickest round trip seen (so it only
   * moves later as quicker ones are seen), and never before it was let go. Undefined while it is unanswered.
   */
  private arrived(send: Send): number | undefined {
    return send.answered === undefined ? undefined : Math.max(send.letGo, send.answered - this.quickest);
  }

  /** Whether a send still counts in a window of `span` ms ending now. */
  private counts(send: Send, now: number, span: number): boolean {
    const at = this.arrived(send);
    return at === undefined || at > now - span;
  }

  /** When one more send may go with fewer than `max` sends counted in the window of `span` ms ending then. */
  private freeAt(sends: Send[], span: number, max: number, now: number): number {
    const inWindow = sends.filter((s) => this.counts(s, now, span));
    if (inWindow.length < max) return now;
    const answered = inWindow.map((s) => this.arrived(s)).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
    const mustLeave = inWindow.length - max + 1;
    // Unanswered sends hold their place until answered: look again shortly.
    if (mustLeave > answered.length) return now + POLL_MS;
    return answered[mustLeave - 1]! + span;
  }
}

/** A send nobody reported done (a caller that failed to) is taken as answered after MAX_OPEN_MS, so the pace cannot stall on it. */
function expireOpen(sends: Send[], now: number): void {
  for (const s of sends) if (s.answered === undefined && now - s.letGo > MAX_OPEN_MS) s.answered = s.letGo + MAX_OPEN_MS;
}

/** A short stable key for a conversation id (ids run to 100+ characters; the lease row holds up to 1,500 of them). */
function conversationKey(conversationId: string): string {
  return createHash('sha256').update(conversationId).digest('hex').slice(0, 10);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
