import { odata } from '@azure/data-tables';
import { hotspotSettingsOf } from '../directory/settings';
import type { ChannelsOf } from './post';
import type { AppContext } from '../kernel/context';
import { BOROUGHS, type BoroughId } from '../common/borough';
import { addDays, findHotspots, nextWarningWindow, rulesFor, type HotspotFinding, type HotspotIncident, type HotspotRule } from './rules/hotspots';
import { toWallClock } from '../common/timezone';
import { ConcurrencyError } from '../store/errors';
import { incidentsByWindow } from './incidents';
import { warningId, type HotspotWarning } from './model';
import { createWarning, warningAt, warningsSince } from './repository';
import { warningRowKey } from './tables';

const DAY_MS = 86_400_000;
/** A claim older than this with no posting is taken over (the detector that made it stopped half way). */
const CLAIM_LEASE_MS = 5 * 60_000;

export interface DetectionResult {
  /** Places hot now, under any rule, in the boroughs looked at. */
  hot: number;
  /** Warnings this run raised (a concurrent run that lost the create raised none). */
  raised: HotspotWarning[];
  /** Outbox items added for them. */
  enqueued: number;
}

/**
 * The hotspot detector (timer `warnings`). Per borough: one incident query
 * per window length over that window (14 days: 3 week partitions), one read
 * of the borough's recent warnings, the pure rules, then for each place that
 * is hot and not
 * already warned about in its window: a create-once Warnings row, the
 * channel cards into the outbox with ids derived from the warning, and the
 * row marked posted. Any number of runs, concurrent or not, raise one
 * warning per place, rule and window; a run that stopped after its claim is
 * completed by a later one (outbox ids are deterministic, so nothing goes twice).
 */
export async function detectHotspots(ctx: AppContext, opts: { boroughs?: readonly BoroughId[] } = {}): Promise<DetectionResult> {
  const boroughs = opts.boroughs ?? BOROUGHS.map((b) => b.id);
  const now = ctx.clock();
  const settings = await hotspotSettingsOf(ctx);
  const rulesBy = new Map(boroughs.map((b) => [b, rulesFor(settings, b)]));
  const loaded = await incidentsByWindow(ctx, rulesBy, (days) => new Date(now.getTime() - days * DAY_MS), now);
  const incidentsOf = (borough: BoroughId, days: number) => loaded.get(`${borough}|${days}`) ?? [];
  const results = await Promise.all(boroughs.map((b) => detectInBorough(ctx, b, rulesBy.get(b)!, now, incidentsOf)));
  const out: DetectionResult = { hot: 0, raised: [], enqueued: 0 };
  for (const r of results) {
    out.hot += r.hot;
    out.raised.push(...r.raised);
    out.enqueued += r.enqueued;
  }
  // Runs every 15 minutes and usually finds nothing new: only news is worth a log line.
  if (out.raised.length > 0 || out.enqueued > 0) {
    ctx.log.info('hotspot detection', { boroughs: boroughs.length, hot: out.hot, raised: out.raised.length, enqueued: out.enqueued });
  }
  return out;
}

async function detectInBorough(
  ctx: AppContext,
  borough: BoroughId,
  rules: HotspotRule[],
  now: Date,
  incidentsOf: (borough: BoroughId, days: number) => HotspotIncident[],
): Promise<DetectionResult> {
  const result: DetectionResult = { hot: 0, raised: [], enqueued: 0 };
  if (rules.length === 0) return result;
  const tz = ctx.config.timeZone;
  const longest = Math.max(...rules.map((r) => r.windowDays));
  const recent = await warningsSince(ctx, borough, addDays(toWallClock(now, tz).date, -2 * longest - 1));
  const channels = new Map<string, ReturnType<ChannelsOf>>();
  const channelsOf = (themeId: string) => {
    let c = channels.get(themeId);
    // The channels (and the posting path) load when there is a warning to post, not in every 15-minute run.
    if (!c) channels.set(themeId, (c = import('../channels/lookup').then((m) => m.channelsFor(ctx, borough, themeId))));
    return c;
  };
  // Places are independent: their claims and posts run side by side.
  const work: Promise<void>[] = [];
  for (const rule of rules) {
    const findings = findHotspots(incidentsOf(borough, rule.windowDays), rule, { from: new Date(now.getTime() - rule.windowDays * DAY_MS), to: now });
    for (const f of findings) {
      if (f.current.length < rule.threshold) continue;
      result.hot++;
      const earlier = recent.filter((w) => w.value.ruleId === rule.id && w.value.postcodeDistrict === f.postcodeDistrict && w.value.areaKey === f.areaKey);
      const unfinished = earlier.find((w) => w.value.status === 'pending');
      if (unfinished) {
        work.push(finishClaim(ctx, unfinished.value, unfinished.etag, channelsOf).then((n) => void (result.enqueued += n)));
        continue;
      }
      const window = nextWarningWindow(f, rule, earlier.map((w) => w.value.windowStart), now, tz);
      if (!window) continue;
      work.push(
        raise(ctx, rule, f, window.startDate, channelsOf).then((raised) => {
          if (!raised) return;
          result.raised.push(raised.warning);
          result.enqueued += raised.enqueued;
        }),
      );
    }
  }
  await Promise.all(work);
  return result;
}


async function raise(ctx: AppContext, rule: HotspotRule, f: HotspotFinding, windowStart: string, channelsOf: ChannelsOf): Promise<{ warning: HotspotWarning; enqueued: number } | undefined> {
  const areaKey = f.areaKey.slice(0, 80);
  const base = { windowStart, ruleId: rule.id, postcodeDistrict: f.postcodeDistrict, areaKey };
  const warning: HotspotWarning = {
    id: warningId(f.borough, warningRowKey(base)),
    ruleId: rule.id,
    ruleLabel: rule.label,
    themeId: rule.themeId,
    borough: f.borough,
    postcodeDistrict: f.postcodeDistrict,
    areaKey,
    area: f.areaLabel.slice(0, 80),
    windowStart,
    windowDays: rule.windowDays,
    threshold: rule.threshold,
    count: f.current.length,
    categories: [...new Set(f.current.map((i) => i.category))].sort(),
    incidents: f.current.slice(-500).map((i) => ({ reference: i.reference, occurredAt: i.occurredAt })),
    raisedAt: ctx.clock().toISOString(),
    status: 'pending',
    channels: 0,
  };
  const etag = await createWarning(ctx, warning);
  if (etag === undefined) return undefined; // another run raised it
  return { warning, enqueued: await (await import('./post')).postWarning(ctx, warning, etag, channelsOf) };
}

async function finishClaim(ctx: AppContext, warning: HotspotWarning, etag: string, channelsOf: ChannelsOf): Promise<number> {
  if (Date.parse(warning.raisedAt) > ctx.clock().getTime() - CLAIM_LEASE_MS) return 0; // its detector may still be posting
  return (await import('./post')).postWarning(ctx, warning, etag, channelsOf);
}

/** A warning by its row (the cards' buttons carry borough and row key). */
export async function loadWarning(ctx: AppContext, borough: string, key: string): Promise<HotspotWarning | undefined> {
  if (!BOROUGHS.some((b) => b.id === borough) || typeof key !== 'string' || key.length > 200) return undefined;
  return warningAt(ctx, borough, key);
}
