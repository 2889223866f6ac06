import type { PrivateNotice } from '../model';

/**
 * How long a kept notice lives: pure. Unopened, it is kept 30 days (a
 * reminder or case-review warning older than that has been overtaken; the
 * incident or operation itself stays reachable by its own buttons). Once
 * opened, it is kept 7 more days so the person can read it again.
 */
export const NOTICE_UNOPENED_DAYS = 30;
export const NOTICE_OPENED_DAYS = 7;
const DAY_MS = 86_400_000;

export function noticeExpired(n: Pick<PrivateNotice, 'keptAt' | 'openedAt'>, now: Date): boolean {
  const t = now.getTime();
  if (Date.parse(n.keptAt) + NOTICE_UNOPENED_DAYS * DAY_MS <= t) return true;
  return n.openedAt !== undefined && Date.parse(n.openedAt) + NOTICE_OPENED_DAYS * DAY_MS <= t;
}

/** Every expired notice was kept at least this long ago (openedAt is never before keptAt): the retention query's bound. */
export function keptBefore(now: Date): string {
  return new Date(now.getTime() - Math.min(NOTICE_UNOPENED_DAYS, NOTICE_OPENED_DAYS) * DAY_MS).toISOString();
}
