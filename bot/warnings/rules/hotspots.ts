import { z } from 'zod';
import { BoroughId } from '../../common/borough';
import { IncidentCategory } from '../../common/taxonomy';
import { ThemeId } from '../../common/theme';
import { fromWallClock, toWallClock } from '../../common/timezone';
import { lazySchema } from '../../common/lazySchema';

/**
 * Early warning: hotspots. Pure rules, no I/O and no clock (times are passed in).
 *
 * A rule counts incidents of some categories in the same place: one area or
 * estate (compared case- and punctuation-insensitively) within one postcode
 * district of one borough. The place is hot at an instant `e` when at least
 * `threshold` of those incidents happened in the rolling window
 * (e - windowDays, e] (elapsed days). Defaults are data; each borough may
 * override a rule's threshold, window or switch it off (HOTSPOT_RULES).
 */
export const HotspotRule = lazySchema(() => z.object({
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/).max(30),
  label: z.string().min(2).max(60),
  /** The theme its warnings are for: channels mapped to the borough and this theme (or to every theme) receive them. */
  themeId: ThemeId,
  categories: z.array(IncidentCategory).min(1),
  threshold: z.number().int().min(2).max(500),
  windowDays: z.number().int().min(1).max(90),
  enabled: z.boolean().default(true),
}));
export type HotspotRule = z.infer<typeof HotspotRule>;

/** The defaults: ASB (any of the three NSIR categories) 5 in 14 days; drugs 3 in 28 days; criminal damage 4 in 14 days. */
export const DEFAULT_HOTSPOT_RULES: readonly HotspotRule[] = [
  { id: 'asb', label: 'Anti-social behaviour', themeId: 'public-safety', categories: ['asb-personal', 'asb-nuisance', 'asb-environmental'], threshold: 5, windowDays: 14, enabled: true },
  { id: 'drugs', label: 'Drugs', themeId: 'vulnerable-people', categories: ['drugs'], threshold: 3, windowDays: 28, enabled: true },
  { id: 'criminal-damage', label: 'Criminal damage', themeId: 'public-safety', categories: ['criminal-damage'], threshold: 4, windowDays: 14, enabled: true },
];

export const HotspotRuleOverride = lazySchema(() => z.object({
  threshold: z.number().int().min(2).max(500).optional(),
  windowDays: z.number().int().min(1).max(90).optional(),
  enabled: z.boolean().optional(),
}).strict());

/** Per borough, per rule id: {"stockport": {"asb": {"threshold": 6}}}. */
export const HotspotOverrides = lazySchema(() => z.record(BoroughId, z.record(z.string(), HotspotRuleOverride)));
export type HotspotOverrides = z.infer<typeof HotspotOverrides>;

export const HotspotSettings = lazySchema(() => z.object({
  rules: z.array(HotspotRule).min(1),
  boroughs: HotspotOverrides,
}).superRefine((s, c) => {
  const ids = new Set(s.rules.map((r) => r.id));
  if (ids.size !== s.rules.length) c.addIssue({ code: 'custom', message: 'hotspot rule ids are unique', path: ['rules'] });
  for (const [borough, overrides] of Object.entries(s.boroughs)) {
    for (const id of Object.keys(overrides ?? {})) {
      if (!ids.has(id)) c.addIssue({ code: 'custom', message: `${borough}: no hotspot rule "${id}" (rules: ${[...ids].join(', ')})`, path: ['boroughs', borough, id] });
    }
  }
}));
export type HotspotSettings = z.infer<typeof HotspotSettings>;

export const DEFAULT_HOTSPOT_SETTINGS: HotspotSettings = { rules: [...DEFAULT_HOTSPOT_RULES], boroughs: {} };

/** The rules in force in a borough: the defaults with the borough's overrides, enabled ones only. */
export function rulesFor(settings: HotspotSettings, borough: BoroughId): HotspotRule[] {
  const overrides = settings.boroughs[borough] ?? {};
  return settings.rules.map((r) => ({ ...r, ...(overrides[r.id] ?? {}) })).filter((r) => r.enabled);
}

/** "Brinnington Estate", "brinnington  estate." and "BRINNINGTON-ESTATE" are one place. */
export function areaKey(area: string): string {
  return area.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

export interface HotspotIncident {
  reference: string;
  borough: BoroughId;
  category: IncidentCategory;
  area: string;
  postcodeDistrict: string;
  occurredAt: string;
}

export interface HotspotFinding {
  ruleId: string;
  borough: BoroughId;
  postcodeDistrict: string;
  areaKey: string;
  /** The spelling most reports used (ties: alphabetical), for the card. */
  areaLabel: string;
  /** Incidents in the window ending at the range's end, oldest first. */
  current: HotspotIncident[];
  /** The most incidents in any window ending within the range. */
  peakCount: number;
  /** Incident times (ms) within the range at which the place was hot, ascending: the moments heat arrived or rose. */
  hotAt: number[];
  /** Hot already at the range start (from incidents before it). */
  hotAtStart: boolean;
  /** Incidents of this place that happened within the range. */
  inRange: number;
  /** The categories seen at this place in the range and the window before it. */
  categories: IncidentCategory[];
}

const DAY_MS = 86_400_000;

/**
 * The places a rule finds hot at some instant in [from, to]. The count in a
 * rolling window only rises when an incident happens, so the candidates are
 * the range start and each incident time inside the range. Linear per place
 * after sorting.
 */
export function findHotspots(incidents: readonly HotspotIncident[], rule: HotspotRule, range: { from: Date; to: Date }): HotspotFinding[] {
  const from = range.from.getTime();
  const to = range.to.getTime();
  const windowMs = rule.windowDays * DAY_MS;
  const wanted = new Set(rule.categories);
  const groups = new Map<string, HotspotIncident[]>();
  for (const i of incidents) {
    if (!wanted.has(i.category)) continue;
    const key = areaKey(i.area);
    if (!key) continue; // anonymised: no place left to group by
    const t = Date.parse(i.occurredAt);
    if (t > to || t <= from - windowMs) continue;
    const g = `${i.borough}|${i.postcodeDistrict.toUpperCase()}|${key}`;
    let list = groups.get(g);
    if (!list) groups.set(g, (list = []));
    list.push(i);
  }
  const out: HotspotFinding[] = [];
  for (const list of groups.values()) {
    if (list.length < rule.threshold) continue;
    list.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.reference.localeCompare(b.reference));
    const times = list.map((i) => Date.parse(i.occurredAt));
    const countAt = (() => {
      // Two pointers: candidates are visited in ascending order.
      let lo = 0;
      let hi = 0;
      return (e: number) => {
        while (hi < times.length && times[hi]! <= e) hi++;
        while (lo < hi && times[lo]! <= e - windowMs) lo++;
        return hi - lo;
      };
    })();
    let peak = countAt(from);
    const hotAtStart = peak >= rule.threshold;
    const hotAt: number[] = [];
    for (const e of times) {
      if (e <= from || e > to) continue;
      const n = countAt(e);
      if (n > peak) peak = n;
      if (n >= rule.threshold && hotAt[hotAt.length - 1] !== e) hotAt.push(e);
    }
    if (peak < rule.threshold) continue;
    const first = list[0]!;
    out.push({
      ruleId: rule.id,
      borough: first.borough,
      postcodeDistrict: first.postcodeDistrict.toUpperCase(),
      areaKey: areaKey(first.area),
      areaLabel: commonest(list.map((i) => i.area.trim().replace(/\s+/g, ' '))),
      current: list.filter((i) => {
        const t = Date.parse(i.occurredAt);
        return t > to - windowMs && t <= to;
      }),
      peakCount: peak,
      hotAt,
      hotAtStart,
      inRange: times.filter((t) => t >= from && t <= to).length,
      categories: [...new Set(list.map((i) => i.category))].sort(),
    });
  }
  return out.sort((a, b) => b.peakCount - a.peakCount || a.postcodeDistrict.localeCompare(b.postcodeDistrict) || a.areaKey.localeCompare(b.areaKey));
}

function commonest(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
}

// ---------------------------------------------------------------------------
// Warning windows: one warning per place, rule and window
// ---------------------------------------------------------------------------

/** YYYY-MM-DD plus whole days (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** A warning window: from local midnight of its start date, for windowDays calendar days. */
export function warningWindow(startDate: string, windowDays: number, timeZone: string): { start: Date; end: Date; endDate: string } {
  const midnight = (date: string) => {
    const t = fromWallClock(date, '00:00', timeZone);
    // Midnight always exists in Europe/London (the clocks change at 01:00 and 02:00).
    if (!t.ok) throw new RangeError(`no local midnight on ${date}`);
    return t.instant;
  };
  const endDate = addDays(startDate, windowDays);
  return { start: midnight(startDate), end: midnight(endDate), endDate };
}

/**
 * Whether a hot place gets a new warning now, and the start date of its window.
 * `finding` comes from findHotspots over the rolling window ending now, given
 * only that window's incidents (the detector reads no further back).
 *
 * - A window opens on the local date of the report that brought the rolling
 *   count to the threshold (the threshold-th report in the window), and
 *   lasts windowDays.
 * - While an earlier window still covers `now`, nothing new is raised: one
 *   warning per place and window, however often the detector runs.
 * - After it ends, a new window opens only if the place is still at or over
 *   the threshold and reached it again with a report after the old window's
 *   end, so a place that stays hot is warned about again once per window,
 *   and a place that only has the old reports is not.
 * The result depends only on the reports in the window and the earlier
 * windows, so detectors running at the same time compute the same start.
 */
export function nextWarningWindow(
  finding: Pick<HotspotFinding, 'hotAt'>,
  rule: Pick<HotspotRule, 'windowDays'>,
  earlierWindowStarts: readonly string[],
  now: Date,
  timeZone: string,
): { startDate: string } | undefined {
  const nowMs = now.getTime();
  let coveredUntil = -Infinity;
  for (const s of earlierWindowStarts) {
    const w = warningWindow(s, rule.windowDays, timeZone);
    if (w.start.getTime() <= nowMs && nowMs < w.end.getTime()) return undefined;
    if (w.start.getTime() <= nowMs) coveredUntil = Math.max(coveredUntil, w.end.getTime());
  }
  const since = Math.max(coveredUntil - 1, nowMs - rule.windowDays * DAY_MS);
  const crossing = finding.hotAt.find((t) => t > since && t <= nowMs);
  if (crossing === undefined) return undefined;
  return { startDate: toWallClock(new Date(crossing), timeZone).date };
}
