import { boroughById } from '../domain/borough';
import { addDays } from '../domain/hotspots';
import { CATEGORY_LABELS } from '../domain/taxonomy';
import { hotspotWarningCard } from '../../cards/hotspotWarning';
import type { AdaptiveCard } from '../../cards/render';
import { warningRowKey, type HotspotWarning } from './model';

/** Words for warnings. No I/O. */

export function formatDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(Date.UTC(y, m - 1, d)));
}

export function warningTitle(w: HotspotWarning): string {
  return `${w.count} ${w.ruleLabel.toLowerCase()} incidents in ${w.windowDays} days: ${w.area}, ${w.postcodeDistrict}`;
}

/** What the warning's buttons carry: where its row is. */
export function warningButtonData(w: HotspotWarning): Record<string, string> {
  return { borough: w.borough, key: warningRowKey(w) };
}

/**
 * The channel card: area, district, borough, counts and category only. Built
 * from the warning row, which holds no free text besides the area name.
 */
export function warningCard(w: HotspotWarning, extra: { notice?: string; tone?: 'default' | 'attention' | 'good' } = {}): AdaptiveCard {
  const data = warningButtonData(w);
  return hotspotWarningCard({
    title: warningTitle(w),
    facts: [
      { title: 'Area', value: `${w.area}, ${w.postcodeDistrict} · ${boroughById(w.borough).name}` },
      { title: 'Category', value: w.categories.map((c) => CATEGORY_LABELS[c]).join(', ') },
      { title: 'Count', value: `${w.count} in the last ${w.windowDays} days (warning level: ${w.threshold})` },
      { title: 'Window', value: `${formatDate(w.windowStart)} to ${formatDate(addDays(w.windowStart, w.windowDays - 1))}: one warning per place in this window` },
    ],
    notice: extra.notice ?? '',
    tone: extra.tone ?? 'default',
    buttons: [
      { title: 'See the incidents', verb: 'hotspot.incidents', data },
      { title: 'Propose joint operation', verb: 'hotspot.propose', data },
    ],
  });
}
