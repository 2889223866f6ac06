/**
 * ISO 8601 week of a calendar date: weeks start on Monday, and week 1 is the
 * week with the year's first Thursday (so 29 December can be in week 1 of
 * the next year, and 1 January in week 52 or 53 of the previous one).
 */
export function isoWeekOf(date: string): { year: number; week: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a calendar date: ${date}`);
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  const weekday = day.getUTCDay() || 7; // Monday 1 … Sunday 7
  // The Thursday of this week decides the year.
  const thursday = new Date(day.getTime() + (4 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / 86_400_000 / 7) + 1;
  return { year, week };
}

export function formatIsoWeek(w: { year: number; week: number }): string {
  return `${w.year}-W${String(w.week).padStart(2, '0')}`;
}

