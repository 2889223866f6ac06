import type { AccessReview } from '../model';
import { comparePeople, personOrderKey } from './people';

/** When an organisation's access review is due. Pure; the clock is passed in. */

export function addMonths(iso: string, months: number): Date {
  const d = new Date(iso);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target;
}

/**
 * Due `everyMonths` after the last round opened; before any round, once the
 * longest-standing unreviewed membership (confirmed or joined) is that old.
 * A membership with no date at all is due now.
 */
export function reviewDue(now: Date, everyMonths: number, lastOpenedAt: string | undefined, since: (string | undefined)[]): boolean {
  if (lastOpenedAt) return addMonths(lastOpenedAt, everyMonths).getTime() <= now.getTime();
  if (since.some((s) => s === undefined)) return true;
  const oldest = since.filter((s): s is string => !!s).sort()[0];
  return oldest !== undefined && addMonths(oldest, everyMonths).getTime() <= now.getTime();
}

/** The round's id: the month it opened, "2026-11". */
export const reviewRound = (now: Date) => now.toISOString().slice(0, 7);

/**
 * Review entries on one card. Fewer than the people list's 25: each row has two buttons carrying the round and
 * the page, and 25 rows of the longest names and details came to 29.4 KB, over Teams' 28 KB (test/peoplePaging.test.ts).
 */
export const REVIEW_PAGE = 20;

type ReviewEntry = AccessReview['members'][number];

/**
 * One page of a review's people still to confirm, in name order, starting
 * with `from` (a member id: the page an approver was on, so acting on a row
 * keeps them there) or after `after` (an order key: "More"). The round is one
 * row already read whole, so paging it reads nothing more.
 */
export function reviewPage(review: AccessReview, at: { from?: string; after?: string } = {}, size = REVIEW_PAGE): { shown: ReviewEntry[]; next?: string; pending: number } {
  const pending = review.members.filter((m) => m.outcome === 'pending').sort(comparePeople);
  const fromEntry = at.from ? review.members.find((m) => m.aadObjectId === at.from) : undefined;
  const start = fromEntry ? personOrderKey(fromEntry) : undefined;
  let rest = pending.filter((m) => (at.after !== undefined ? personOrderKey(m) > at.after : start === undefined || personOrderKey(m) >= start));
  // Everyone from there on decided: back to the top of who is left.
  if (rest.length === 0 && at.from) rest = pending;
  const shown = rest.slice(0, size);
  return { shown, ...(rest.length > shown.length ? { next: personOrderKey(shown.at(-1)!) } : {}), pending: pending.length };
}
