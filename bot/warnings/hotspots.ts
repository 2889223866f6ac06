import type { AppContext } from '../context';
import { BOROUGHS, boroughById, type BoroughId } from '../domain/borough';
import { findHotspots, rulesFor } from '../domain/hotspots';
import { CATEGORY_LABELS } from '../domain/taxonomy';
import { toWallClock } from '../domain/timezone';
import { incidentsForDetection } from './incidents';

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
 * in force in each borough: reads, per borough, the week partitions from
 * `from` minus the longest window to `to` (a 7-day digest period with 28-day
 * rules: 6 partitions), then applies the same pure rules as the detector.
 * Sorted by borough, then peak count (highest first).
 */
export async function hotspotsFor(ctx: AppContext, opts: { boroughs?: readonly BoroughId[]; from: Date; to: Date }): Promise<HotspotRecord[]> {
  const boroughs = opts.boroughs ?? BOROUGHS.map((b) => b.id);
  const tz = ctx.config.timeZone;
  const perBorough = await Promise.all(
    boroughs.map(async (borough) => {
      const rules = rulesFor(ctx.config.hotspots, borough);
      if (rules.length === 0) return [];
      const longest = Math.max(...rules.map((r) => r.windowDays));
      const incidents = await incidentsForDetection(ctx, borough, new Date(opts.from.getTime() - longest * DAY_MS), opts.to, rules.flatMap((r) => r.categories));
      return rules.flatMap((rule) =>
        findHotspots(incidents, rule, { from: opts.from, to: opts.to }).map((f): HotspotRecord => {
          return {
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
          };
        }),
      );
    }),
  );
  return perBorough.flat();
}
