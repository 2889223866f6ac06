import type { ReviewCounts, ReviewPerson } from '../model';
import { personOrderKey } from './people';

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
  return since.some((s) => membershipDue(now, everyMonths, s));
}

/**
 * Whether one membership makes an organisation's first round due: it has no date, or was confirmed (or began)
 * `everyMonths` ago. The oldest decides, so the daily run reads an organisation's members only until it meets one.
 */
export const membershipDue = (now: Date, everyMonths: number, since: string | undefined): boolean =>
  since === undefined || addMonths(since, everyMonths).getTime() <= now.getTime();

/**
 * Whether a round is over: closed by the daily run, or past its deadline (the run that closes it may come later:
 * it is daily, and may be late). Past it, nobody can be confirmed in it any more.
 */
export const reviewOver = (review: { deadline: string; closedAt?: string }, now: Date): boolean =>
  review.closedAt !== undefined || now.getTime() >= Date.parse(review.deadline);

/** The round's id: the month it opened, "2026-11". */
export const reviewRound = (now: Date) => now.toISOString().slice(0, 7);

/**
 * Review entries on one card: half the people list's 20, because each row has two buttons carrying the round and the
 * page. Measured as Teams measures (cards/render.ts cardBytes, UTF-16), 20 rows came to 35.9 KB with ordinary names
 * and 46.6 KB with the longest, over the 28 KB budget; 10 stay within it (test/peoplePaging.test.ts).
 */
export const REVIEW_PAGE = 10;

/** One page of the review card: the people shown, the order key to continue after ("More"), how many are pending. */
export interface ReviewPage {
  shown: ReviewPerson[];
  next?: string;
  pending: number;
}

export const pendingCount = (c: ReviewCounts) => Math.max(0, c.total - c.confirmed - c.removed - c.suspended);

/** The page shown from what one read of the pending people found (`size` and whether more follow). */
export function reviewPage(found: { people: ReviewPerson[]; more: boolean }, counts: ReviewCounts): ReviewPage {
  const last = found.people.at(-1);
  return { shown: found.people, ...(found.more && last ? { next: personOrderKey(last) } : {}), pending: pendingCount(counts) };
}
