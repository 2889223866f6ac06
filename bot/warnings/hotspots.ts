import type { AppContext } from '../kernel/context';
import { hotspotSettingsOf } from '../directory/settings';
import { BOROUGHS, boroughById, type BoroughId } from '../common/borough';
import { findHotspots, rulesFor } from './rules/hotspots';
import { CATEGORY_LABELS } from '../common/taxonomy';
import { toWallClock } from '../common/timezone';
import { incidentsByWindow } from './incidents';

const DAY_MS = 86_400_000;

/**
 * A hotspot as the weekly digest shows it: de-identified (place, counts,
 * category; no references, names, summaries or addresses).
 */
export interface HotspotRecord {
  ruleId: string;
  /** "Anti-social behaviour", "Drugs", "Criminal damage" (configurable). */
  ruleLabel: string;
  themeId: string;
  borough: BoroughId;
  boroughName: string;
  postcodeDistrict: string;
  /** The area or estate, as most reports spelled it. */
  area: string;
  /** Labels of the categories seen there. */
  categories: string[];
  threshold: number;
  windowDays: number;
  /** The most incidents in any rolling window ending within [from, to]: at least the threshold. */
  peakCount: number;
  /** Incidents of this place and rule that happened within [from, to]. */
  incidentsInPeriod: number;
  /** Local dates (YYYY-MM-DD) of the first and last moment within [from, to] at which the place was at or over the threshold. */
  firstHot: string;
  lastHot: string;
}

/**
 * The places that were hotspots at some moment in [from, to] under the rules
 * in force in each borough: per borough one query per window length, over
 * the week partitions from `from` minus that window to `to` (a 7-day period
 * with 14-day rules: 3 partitions), then the same pure rules as the detector.
 * Sorted by borough, then peak count (highest first).
 */
export async function hotspotsFor(ctx: AppContext, opts: { boroughs?: readonly BoroughId[]; from: Date; to: Date }): Promise<HotspotRecord[]> {
  const boroughs = opts.boroughs ?? BOROUGHS.map((b) => b.id);
  const tz = ctx.config.timeZone;
  const settings = await hotspotSettingsOf(ctx);
  const rulesBy = new Map(boroughs.map((b) => [b, rulesFor(settings, b)]));
  const loaded = await incidentsByWindow(ctx, rulesBy, (days) => new Date(opts.from.getTime() - days * DAY_MS), opts.to);
  const perBorough = boroughs.map((borough) =>
    rulesBy.get(borough)!.flatMap((rule) =>
      findHotspots(loaded.get(`${borough}|${rule.windowDays}`) ?? [], rule, { from: opts.from, to: opts.to }).map(
        (f): HotspotRecord => ({
          ruleId: rule.id,
          ruleLabel: rule.label,
          themeId: rule.themeId,
          borough,
          boroughName: boroughById(borough).name,
          postcodeDistrict: f.postcodeDistrict,
          area: f.areaLabel,
          categories: f.categories.map((c) => CATEGORY_LABELS[c]),
          threshold: rule.threshold,
          windowDays: rule.windowDays,
          peakCount: f.peakCount,
          incidentsInPeriod: f.inRange,
          firstHot: toWallClock(f.hotAtStart ? opts.from : new Date(f.hotAt[0]!), tz).date,
          lastHot: toWallClock(f.hotAt.length ? new Date(f.hotAt[f.hotAt.length - 1]!) : opts.from, tz).date,
        }),
      ),
    ),
  );
  return perBorough.flat();
}
