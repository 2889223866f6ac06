import { odata } from '@azure/data-tables';
import type { AlertRecord } from '../alerts/model';
import type { AppContext } from '../context';
import type { BoroughId } from '../domain/borough';
import { weekStatsOf, type WeekStats } from '../domain/digest';
import type { JointActionSummary, JointActionSummaryQuery } from '../domain/operationSummary';
import type { PrioritySet } from '../domain/priority';
import type { Theme } from '../domain/theme';
import { WEEK_MARK_KEY, WEEK_STATS_KEY, type IncidentRecord } from '../incidents/model';
import { jointActionSummary } from '../operations/summary';

/**
 * What digests read, each read once per run however many digests need it
 * (a timer run builds many digests from the same borough-weeks).
 *
 * Incidents: one borough-week's figures come from its partition's `~stats`
 * row, current while the partition's `~mark` row still has the nonce the
 * stats were computed under (two point reads). Otherwise the partition's
 * incidents are read (one partition query) and the stats recomputed and
 * stored for the next reader. docs/storage.md "Weekly digests".
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

  /** The stats of one Incidents partition (`<borough>-<ISO week>`). */
  weekStats(partitionKey: string): Promise<WeekStats> {
    return this.once(`stats:${partitionKey}`, () => readWeekStats(this.ctx, partitionKey));
  }

  themes(): Promise<Theme[]> {
    return this.once('themes', async () => (await this.ctx.store.themes.listPartition('theme')).map((t) => t.value));
  }

  /** Alerts raised at or after `since` (one query on the copied raisedAt column). */
  alertsSince(since: Date): Promise<AlertRecord[]> {
    const iso = since.toISOString();
    return this.once(`alerts:${iso}`, async () =>
      (await this.ctx.store.alerts.query(odata`PartitionKey eq 'alert' and raisedAt ge ${iso}`)).map((a) => a.value),
    );
  }

  /** Every version of a borough's priorities (a handful of rows, one partition). */
  priorities(borough: BoroughId): Promise<PrioritySet[]> {
    return this.once(`prio:${borough}`, async () => (await this.ctx.store.prioritySets.listPartition(borough)).map((p) => p.value));
  }

  jointActions(q: JointActionSummaryQuery): Promise<JointActionSummary> {
    const key = `ops:${q.from.toISOString()}|${q.to.toISOString()}|${q.upcomingUntil.toISOString()}|${[...(q.boroughs ?? [])].sort().join(',')}`;
    return this.once(key, () => jointActionSummary(this.ctx, q));
  }
}

export async function readWeekStats(ctx: AppContext, partitionKey: string): Promise<WeekStats> {
  const [mark, cached] = await Promise.all([
    ctx.store.incidents.get({ partitionKey, rowKey: WEEK_MARK_KEY }),
    ctx.store.incidents.get({ partitionKey, rowKey: WEEK_STATS_KEY }),
  ]);
  // The marker is read before the partition: any write after this read changes it, so stats tagged with it are never wrongly current.
  const nonce = mark?.value.kind === 'weekMark' ? mark.value.nonce : '';
  if (cached?.value.kind === 'weekStats' && cached.value.mark === nonce) return cached.value.stats;
  const rows = await ctx.store.incidents.query(odata`PartitionKey eq ${partitionKey} and kind eq 'incident'`);
  const stats = weekStatsOf(rows.map((r) => r.value).filter((v): v is IncidentRecord => v.kind === 'incident'));
  await ctx.store.incidents.upsert({ kind: 'weekStats', partitionKey, mark: nonce, computedAt: ctx.clock().toISOString(), stats });
  return stats;
}
