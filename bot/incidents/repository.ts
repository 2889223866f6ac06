import { odata } from '@azure/data-tables';
import type { AppContext } from '../context';
import type { BoroughId } from '../domain/borough';
import { formatIsoWeek, incidentPartitionKey, isoWeekOf } from '../domain/isoWeek';
import { allocate, counterKey, referenceFor, type ReferenceCounter } from '../domain/referenceCounter';
import { toWallClock } from '../domain/timezone';
import { ConcurrencyError } from '../store/errors';
import type { IncidentHistoryEntry, IncidentRecord } from './model';

/** Reads and writes of incidents, keyed as docs/storage.md describes. No rules beyond storage. */

export interface LoadedIncident {
  record: IncidentRecord;
  etag: string;
  partitionKey: string;
  /** Oldest first. */
  history: IncidentHistoryEntry[];
}

/** An incident and its history: an index point read, then one range read of its partition. */
export async function loadIncident(ctx: AppContext, reference: string): Promise<LoadedIncident | undefined> {
  const index = await ctx.store.incidentIndex.get({ partitionKey: reference, rowKey: 'i' });
  if (!index) return undefined;
  const partitionKey = index.value.partitionKey;
  // RowKeys "<ref>" and "<ref>|v000001"…: "|" sorts after every character a reference ends with.
  const rows = await ctx.store.incidents.listPartition(partitionKey, { from: reference, to: `${reference}|~` });
  let record: IncidentRecord | undefined;
  let etag = '';
  const history: IncidentHistoryEntry[] = [];
  for (const row of rows) {
    if (row.value.kind === 'incident' && row.value.reference === reference) {
      record = row.value;
      etag = row.etag;
    } else if (row.value.kind === 'history' && row.value.reference === reference) {
      history.push(row.value);
    }
  }
  if (!record) return undefined;
  history.sort((a, b) => a.version - b.version);
  return { record, etag, partitionKey, history };
}

const MAX_ALLOCATION_ATTEMPTS = 60;

/**
 * The next reference number of a borough and year for this submission: an
 * ETag-guarded increment of the counter row, retried with jittered backoff
 * when another report got there first. The same submission always gets the
 * same number back (see domain/referenceCounter.ts).
 */
export async function allocateReference(ctx: AppContext, borough: BoroughId, at: Date, submissionId: string): Promise<string> {
  const { key, code, year } = counterKey(borough, at, ctx.config.timeZone);
  const keys = { partitionKey: 'ref', rowKey: key };
  for (let attempt = 1; ; attempt++) {
    const current = await ctx.store.counters.get(keys);
    const { next, sequence, changed } = allocate(current?.value, key, submissionId);
    try {
      if (changed) {
        if (current) await ctx.store.counters.update(next satisfies ReferenceCounter, current.etag);
        else await ctx.store.counters.create(next);
      }
      return referenceFor(code, year, sequence);
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || attempt >= MAX_ALLOCATION_ATTEMPTS) throw err;
      const backoff = Math.min(250, 5 * 2 ** Math.min(attempt, 6));
      await new Promise((r) => setTimeout(r, Math.random() * backoff));
    }
  }
}

/** The partition keys from `since` to `until` for a borough, as one contiguous key range. */
export function partitionRange(borough: BoroughId, since: Date, until: Date, timeZone: string): { from: string; to: string } {
  const first = `${borough}-${formatIsoWeek(isoWeekOf(toWallClock(since, timeZone).date))}`;
  const last = incidentPartitionKey(borough, until.toISOString(), timeZone);
  return { from: first, to: last };
}

/**
 * Incidents (not history) reported by an organisation in a borough, whose
 * partition week is in range: one range query per borough, filtered by the
 * service on the copied columns.
 */
export async function incidentsReportedBy(
  ctx: AppContext,
  organisationId: string,
  borough: BoroughId,
  since: Date,
  until: Date,
): Promise<IncidentRecord[]> {
  const { from, to } = partitionRange(borough, since, until, 'Europe/London');
  const rows = await ctx.store.incidents.query(
    odata`PartitionKey ge ${from} and PartitionKey le ${to} and kind eq 'incident' and reporterOrg eq ${organisationId}`,
  );
  return rows.map((r) => r.value).filter((v): v is IncidentRecord => v.kind === 'incident');
}
