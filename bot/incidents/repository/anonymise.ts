import { odata } from '@azure/data-tables';
import type { AppContext } from '../../kernel/context';
import { ConcurrencyError } from '../../store/errors';
import type { IncidentHistoryEntry, IncidentRecord } from '../model';
import { weekMarkOp } from '../weekMark';
import { historyRowKey, historyRowRange } from '../tables';
import { chunks, MAX_BATCH } from './batches';
import type { LoadedIncident } from './loadedIncident';

/** Retention's anonymisation of incidents (bot/incidents/retention.ts): which are due, and storing the result. */

/**
 * Incidents not yet anonymised that were reported before `cutoff`: one query
 * on the copied columns (kind, anonymised, reportedAt), a scan acceptable
 * once a day at night, complete whichever week an incident happened in.
 */
export async function incidentsReportedBefore(ctx: AppContext, cutoff: string): Promise<IncidentRecord[]> {
  const rows = await ctx.store.incidents.query(odata`kind eq 'incident' and anonymised eq false and reportedAt lt ${cutoff}`);
  return rows.map((r) => r.value).filter((v): v is IncidentRecord => v.kind === 'incident' && !v.anonymisedAt);
}

/**
 * Stores an incident's anonymisation as its next version: the record and its
 * 'anonymised' history entry, with the history entries whose text was
 * cleared rewritten (ETags from one read of them). Usually one transaction; a
 * very long history is cleared first in chunks, so the incident is marked
 * anonymised only once everything else is done. 'conflict' when it changed
 * since `loaded` was read (read again and retry).
 */
export async function writeAnonymised(
  ctx: AppContext,
  loaded: LoadedIncident,
  next: { record: IncidentRecord; entry: IncidentHistoryEntry; clearedHistory: IncidentHistoryEntry[] },
): Promise<'written' | 'conflict'> {
  const reference = loaded.record.reference;
  const historyRows = await ctx.store.incidents.listPartition(loaded.partitionKey, historyRowRange(reference));
  const etags = new Map(historyRows.map((h) => [h.keys.rowKey, h.etag]));
  const rewrites = next.clearedHistory.map((h) => ({ op: 'update' as const, value: h, etag: etags.get(historyRowKey(reference, h.version)) ?? '*' }));
  const final = [
    { op: 'update' as const, value: next.record, etag: loaded.etag },
    { op: 'create' as const, value: next.entry },
    weekMarkOp(loaded.partitionKey, next.entry.at),
  ];
  const batches = rewrites.length + final.length <= MAX_BATCH ? [[...final, ...rewrites]] : [...chunks(rewrites, MAX_BATCH), final];
  try {
    for (const batch of batches) await ctx.store.incidents.transact(batch);
    return 'written';
  } catch (err) {
    if (err instanceof ConcurrencyError) return 'conflict';
    throw err;
  }
}
