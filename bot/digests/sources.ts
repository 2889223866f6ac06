import { odata } from '@azure/data-tables';
import { allThemes } from '../referenceData';
import type { AlertRecord } from '../alerts/model';
import { alertsRaisedSince } from '../alerts/repository';
import type { AppContext } from '../kernel/context';
import { cachedWeekStats, saveWeekStats, weekStatsOfBorough } from './repository';
import type { BoroughId } from '../common/borough';
import { weekStatsOf, type WeekStats } from './rules/digest';
import type { JointActionSummary, JointActionSummaryQuery } from '../operations/rules/summary';
import type { PrioritySet } from '../priorities/model';
import { priorityVersions } from '../priorities/repository';
import type { Theme } from '../common/theme';
import { liveIncidentsOfWeek, weekMarkOf } from '../incidents/repository/weeks';
import type { BoroughWeekStats } from './model';
import { jointActionSummary } from '../operations/summary';

/**
 * What digests read, each read once per run however many digests need it
 * (a timer run builds many digests from the same borough-weeks).
 *
 * Incidents: one borough-week's figures come from its WeekStats row (one
 * partition read per week for every borough), current while the Incidents
 * partition's `~mark` row still has the nonce they were computed under (one
 * point read). Otherwise the partition's incidents are read (one partition
 * query), aggregated, and stored for the next reader. docs/storage.md "Weekly digests".
 */
export class DigestSources {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(private readonly ctx: AppContext) {}

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      this.memo.set(key, p);
      p.catch(() => this.memo.delete(key));
    }
    return p;
  }

  /** A borough-week's figures. */
  weekStats(borough: BoroughId, week: string): Promise<WeekStats> {
    return this.once(`stats:${borough}-${week}`, async () => readWeekStats(this.ctx, borough, week, await this.cachedWeek(week)));
  }

  /** Every borough's cached figures of one week: one partition read. */
  private cachedWeek(week: string): Promise<Map<string, BoroughWeekStats>> {
    return this.once(`week:${week}`, () => cachedWeekStats(this.ctx, week));
  }

  themes(): Promise<Theme[]> {
    return this.once('themes', async () => allThemes(this.ctx));
  }

  /** Alerts raised at or after `since` (one query on the copied raisedAt column). */
  alertsSince(since: Date): Promise<AlertRecord[]> {
    const iso = since.toISOString();
    return this.once(`alerts:${iso}`, async () => alertsRaisedSince(this.ctx, iso));
  }

  /** Every version of a borough's priorities (a handful of rows, one partition). */
  priorities(borough: BoroughId): Promise<PrioritySet[]> {
    return this.once(`prio:${borough}`, async () => priorityVersions(this.ctx, borough));
  }

  jointActions(q: JointActionSummaryQuery): Promise<JointActionSummary> {
    const key = `ops:${q.from.toISOString()}|${q.to.toISOString()}|${q.upcomingUntil.toISOString()}|${[...(q.boroughs ?? [])].sort().join(',')}`;
    return this.once(key, () => jointActionSummary(this.ctx, q));
  }
}

/**
 * A borough-week's figures: the cached row if the partition's marker still
 * has the nonce it was computed under, else the partition's incidents read
 * (one partition query), aggregated, and cached for the next reader.
 */
export async function readWeekStats(ctx: AppContext, borough: BoroughId, week: string, cachedWeek?: Map<string, BoroughWeekStats>): Promise<WeekStats> {
  const [nonce, cached] = await Promise.all([
    weekMarkOf(ctx, borough, week),
    cachedWeek ? cachedWeek.get(borough) : weekStatsOfBorough(ctx, week, borough),
  ]);
  // The marker is read before the partition: any write after this read changes it, so figures tagged with it are never wrongly current.
  if (cached && cached.mark === nonce) return cached.stats;
  const stats = weekStatsOf(await liveIncidentsOfWeek(ctx, borough, week));
  await saveWeekStats(ctx, { week, borough, mark: nonce, computedAt: ctx.clock().toISOString(), stats });
  return stats;
}
