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
