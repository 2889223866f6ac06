import { boroughById } from '../common/borough';
import { addDays } from './rules/hotspots';
import { CATEGORY_LABELS } from '../common/taxonomy';
import { formatCalendarDate } from '../common/dates';
import { toWallClock } from '../common/timezone';
import { hotspotWarningCard } from '../../cards/hotspotWarning';
import type { AdaptiveCard } from '../../cards/render';
import type { HotspotWarning } from './model';
import { warningRowKey } from './tables';
import { WARNING_VERBS } from './verbs';

/** Words for warnings. No I/O. */

export function warningTitle(w: HotspotWarning): string {
  return `${w.count} ${w.ruleLabel.toLowerCase()} incidents in ${w.windowDays} days: ${w.area}, ${w.postcodeDistrict}`;
}

/**
 * What the warning's buttons carry: where its row is. Not `key`: Teams
 * clients refuse action data with a field of that name (see cards/render.ts).
 */
export function warningButtonData(w: HotspotWarning): Record<string, string> {
  return { borough: w.borough, warning: warningRowKey(w) };
}

/**
 * The two periods a warning is about, in the words both its cards use (the
 * channel card and the private list said different things before):
 * - counted: the local days of the first and last report it counted, all
 *   inside the rule's rolling window that ended when it was raised;
 * - next: when the warning window ends, the first day this place can be warned about again.
 */
export function warningPeriods(w: HotspotWarning, timeZone: string): { counted: string; next: string } {
  const days = w.incidents.map((i) => toWallClock(i.occurredAt, timeZone).date).sort();
  const first = days[0] ?? toWallClock(w.raisedAt, timeZone).date;
  const last = days[days.length - 1] ?? first;
  const counted = first === last ? `on ${formatCalendarDate(first, 'weekdayDate')}` : `from ${formatCalendarDate(first, 'weekdayDate')} to ${formatCalendarDate(last, 'weekdayDate')}`;
  return {
    counted: `${w.count} ${w.count === 1 ? 'report' : 'reports'} ${counted}, within ${w.windowDays} days`,
    next: `Not before ${formatCalendarDate(addDays(w.windowStart, w.windowDays), 'weekdayDate')} for this place`,
  };
}

/**
 * The channel card: area, district, borough, counts and category only. Built
 * from the warning row, which holds no free text besides the area name.
 */
export function warningCard(w: HotspotWarning, timeZone: string, extra: { notice?: string; tone?: 'default' | 'attention' | 'good' } = {}): AdaptiveCard {
  const data = warningButtonData(w);
  const periods = warningPeriods(w, timeZone);
  return hotspotWarningCard({
    title: warningTitle(w),
    facts: [
      { title: 'Area', value: `${w.area}, ${w.postcodeDistrict} · ${boroughById(w.borough).name}` },
      { title: 'Category', value: w.categories.map((c) => CATEGORY_LABELS[c]).join(', ') },
      { title: 'Count', value: `${w.count} in the last ${w.windowDays} days (warning level: ${w.threshold})` },
      { title: 'Counted', value: periods.counted },
      { title: 'Next warning', value: periods.next },
    ],
    notice: extra.notice ?? '',
    tone: extra.tone ?? 'default',
    buttons: [
      { title: 'See the incidents', verb: WARNING_VERBS.incidents, data },
      { title: 'Propose joint operation', verb: WARNING_VERBS.propose, data },
    ],
  });
}
