import type { OutboxPayload, Target } from './model';

/**
 * How the sender reaches Teams. bot/teams/transport.ts implements it with
 * the Bot Connector; tests use fakes. Failures throw TransportError.
 */
export interface Transport {
  post(target: Target, payload: OutboxPayload, dispatch: Dispatch): Promise<{ activityId: string }>;
  update(target: Target, activityId: string, payload: OutboxPayload, dispatch: Dispatch): Promise<void>;
}

/** What the sender gives a transport for one request. */
export interface Dispatch {
  /** Aborts the request when the sender gives up waiting, so a late answer cannot become a duplicate. */
  signal: AbortSignal;
  /**
   * Resolves when Teams' limits let this request go (the pacer). A transport awaits it once, immediately
   * before the request goes on the wire, after everything that takes a varying time (a proactive turn, a
   * token, serialising the card): paced before that work, requests 20 ms apart reached Teams in bunches.
   */
  ready(): Promise<void>;
}

export class TransportError extends Error {
  constructor(readonly status: number | undefined, message: string, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'TransportError';
  }
}

export type FailureKind = 'retry' | 'gone' | 'fatal';

/**
 * What a failed send means. Teams asks for retries on 429, 412, 502 and 504;
 * other 5xx and network failures are retried too. 403/404: the bot is no
 * longer in that conversation. Anything else will not get better by waiting.
 */
export function classifyFailure(status: number | undefined): FailureKind {
  if (status === undefined) return 'retry';
  if (status === 429 || status === 412 || status === 408 || status >= 500) return 'retry';
  if (status === 403 || status === 404) return 'gone';
  return 'fatal';
}

/** Exponential backoff with full jitter, honouring Retry-After when the service gave one. */
export function retryDelayMs(attempts: number, retryAfterMs: number | undefined, random: () => number, maxMs = 15 * 60_000): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs + Math.floor(random() * 250), maxMs);
  const ceiling = Math.min(maxMs, 1000 * 2 ** Math.max(0, attempts - 1));
  return Math.max(250, Math.floor(ceiling / 2 + random() * (ceiling / 2)));
}
