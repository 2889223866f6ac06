import type { AppContext } from '../../kernel/context';
import { ConcurrencyError } from '../../store/errors';
import type { IncidentHistoryEntry, IncidentRecord } from '../model';
import { weekMarkOp } from '../weekMark';
import type { LoadedIncident } from './loadedIncident';
import { loadIncident } from './read';
import { reindexIncident } from './reindex';

/**
 * The next version of an incident and its history entry, one transaction, then its finder rows. It waits while a
 * correction is moving the incident (move.ts: the old row is frozen until the move is settled).
 */

/**
 * Writes the next version of an incident with its history entry, atomically.
 * `change` is given the latest stored state (re-read after a lost race) and
 * returns the new record and entry, or undefined when there is nothing to do.
 * While a correction is moving the incident (its old row frozen) it waits a
 * little, then answers 'moving'. The finder rows follow the write.
 */
export async function writeVersion(
  ctx: AppContext,
  reference: string,
  change: (current: LoadedIncident) => { record: IncidentRecord; entry: IncidentHistoryEntry } | undefined,
  opts: { retryOnConflict: boolean },
): Promise<{ outcome: 'written' | 'unchanged' | 'conflict' | 'moving'; record?: IncidentRecord }> {
  for (let attempt = 1; attempt <= 6; attempt++) {
    const current = await loadIncident(ctx, reference);
    if (!current) throw new Error(`incident ${reference} vanished while being changed`);
    if (current.record.move) {
      // Being moved by a correction of its borough or date (its old row is frozen): usually done within moments.
      if (attempt >= 4) return { outcome: 'moving', record: current.record };
      await new Promise((r) => setTimeout(r, 100 * attempt));
      continue;
    }
    const next = change(current);
    if (!next) return { outcome: 'unchanged', record: current.record };
    try {
      await ctx.store.incidents.transact([
        { op: 'update', value: next.record, etag: current.etag },
        { op: 'create', value: next.entry },
        weekMarkOp(current.partitionKey, next.entry.at),
      ]);
      await reindexIncident(ctx, next.record);
      return { outcome: 'written', record: next.record };
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
      if (!opts.retryOnConflict) return { outcome: 'conflict' };
    }
  }
  return { outcome: 'conflict' };
}
