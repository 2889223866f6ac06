import type { AppContext } from '../../kernel/context';
import { ConcurrencyError } from '../../store/errors';
import type { IncidentHistoryEntry, IncidentRecord, IncidentRow, MoveIntent } from '../model';
import { settleAction } from '../rules/move';
import { recordCorrection } from '../correction';
import { weekMarkOp } from '../weekMark';
import type { Stored } from '../../store/entityTable';
import { historyRowKey, incidentKeys, incidentRowRange, indexKeys } from '../tables';
import { chunks, MAX_BATCH } from './batches';
import type { LoadedIncident } from './loadedIncident';
import { reindexIncident } from './reindex';

/**
 * Moving an incident to another partition: a correction of its borough, or of its date into another week
 * (docs/storage.md "Moving an incident"). Invariants the other files of this folder keep:
 *   - loadIncident (read.ts) settles a half-done move it finds (settleMove);
 *   - every reader of Incidents rows by partition range skips rows that are not live (isLive: the old copy of a
 *     move under way; weeks.ts);
 *   - writeVersion (writeVersion.ts) waits while a move is under way.
 */

/** The rows of one incident (record and history) in one partition. */
async function rowsIn(ctx: AppContext, partitionKey: string, reference: string): Promise<Stored<IncidentRow>[]> {
  const rows = await ctx.store.incidents.listPartition(partitionKey, incidentRowRange(reference));
  return rows.filter((r) => r.value.kind !== 'weekMark' && r.value.reference === reference);
}

/**
 * Moves an incident to another partition as its next version (an edit that
 * corrected its borough, or its date into another week), so that a crash at
 * any point leaves one live copy and a retry of the same edit finishes it:
 *   1. the intent is recorded on the old row (ETag-guarded: a concurrent
 *      change wins or loses as a whole; from then on the old row is frozen
 *      and skipped by lists, hotspots and digests);
 *   2. the new rows are written (history re-keyed, then the incident at its
 *      new version with the edit's history entry, in one transaction);
 *   3. the reference lookup is pointed at the new partition;
 *   4. the old rows are deleted.
 * A retry of the same edit card (the same submission id) resumes at 2;
 * anyone else who finds the intent with the new rows written finishes 3 and
 * 4 (loadIncident). Steps 2 to 4 are idempotent.
 */
export async function moveIncident(
  ctx: AppContext,
  loaded: LoadedIncident,
  next: { record: IncidentRecord; entry: IncidentHistoryEntry },
): Promise<'moved' | 'conflict'> {
  const reference = loaded.record.reference;
  const from = loaded.partitionKey;
  const to = next.entry.partitionKey;
  const submissionId = next.entry.submissionId!;
  const intent: MoveIntent = loaded.record.move ?? { to, version: next.record.version, submissionId, at: next.entry.at };
  if (intent.submissionId !== submissionId || intent.to !== to || intent.version !== next.record.version) return 'conflict';
  if (!loaded.record.move) {
    try {
      await ctx.store.incidents.transact([{ op: 'update', value: { ...loaded.record, move: intent }, etag: loaded.etag }]);
    } catch (err) {
      if (err instanceof ConcurrencyError) return 'conflict';
      throw err;
    }
  }
  const { move: _none, ...record } = next.record;
  const copies = loaded.history.map((h) => ({ op: 'upsert' as const, value: { ...h, partitionKey: to } }));
  const final = [{ op: 'upsert' as const, value: record }, { op: 'upsert' as const, value: next.entry }, weekMarkOp(to, next.entry.at)];
  // Usually one batch; a very long history goes first in chunks, so the incident arrives last, complete.
  const batches = copies.length + final.length <= MAX_BATCH ? [[...copies, ...final]] : [...chunks(copies, MAX_BATCH), final];
  for (const batch of batches) await ctx.store.incidents.transact(batch);
  // Still ours? An editor who stalled past the lease may have been undone (settleMove) while writing.
  const old = await ctx.store.incidents.get(incidentKeys(from, reference));
  if (old?.value.kind === 'incident' && old.value.move?.submissionId !== submissionId) {
    await deleteRows(ctx, to, reference, false);
    return 'conflict';
  }
  await finishMove(ctx, reference, from, to);
  return 'moved';
}

/**
 * An incident found carrying a move intent: finished, undone or left to its
 * editor (rules/correction.ts settleAction). Idempotent, safe to run from
 * any reader, concurrently with the editor's retry.
 */
export async function settleMove(ctx: AppContext, loaded: LoadedIncident): Promise<'finished' | 'undone' | 'waiting'> {
  const intent = loaded.record.move;
  if (!intent) return 'finished';
  const reference = loaded.record.reference;
  const arrived = await ctx.store.incidents.get(incidentKeys(intent.to, reference));
  const complete = arrived?.value.kind === 'incident' && arrived.value.version === intent.version && !arrived.value.move;
  const action = settleAction(intent, complete, ctx.clock());
  if (action === 'wait') return 'waiting';
  if (action === 'finish') {
    await finishMove(ctx, reference, loaded.partitionKey, intent.to);
    // What the editor's card would have done next (finder rows, complaint index, audit), in case it never comes back.
    const entry = await ctx.store.incidents.get({ partitionKey: intent.to, rowKey: historyRowKey(reference, intent.version) });
    if (entry?.value.kind === 'history' && arrived?.value.kind === 'incident') {
      await reindexIncident(ctx, arrived.value);
      await recordCorrection(ctx, arrived.value, entry.value);
    }
    ctx.log.info('incident move finished after an interruption', { reference, to: intent.to });
    return 'finished';
  }
  // Undo: remove whatever part of the copy was written, then unfreeze the old row (unless it changed meanwhile).
  await deleteRows(ctx, intent.to, reference, false);
  const { move: _dropped, ...record } = loaded.record;
  try {
    await ctx.store.incidents.update(record, loaded.etag);
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
  }
  ctx.log.warn('incident move abandoned by its editor was undone', { reference, to: intent.to });
  return 'undone';
}

/** Steps 3 and 4 of a move: the lookup points at the new partition, the old rows go. */
async function finishMove(ctx: AppContext, reference: string, from: string, to: string): Promise<void> {
  await ctx.store.incidentIndex.mutate(indexKeys(reference), (i) => (i && i.partitionKey === from ? { ...i, partitionKey: to } : undefined));
  await deleteRows(ctx, from, reference, true);
}

/**
 * Deletes an incident's rows in one partition: history first, the incident
 * row last (with the week's change marker, so cached digest figures are
 * recomputed). Re-read and retried when a concurrent finisher deleted some.
 */
async function deleteRows(ctx: AppContext, partitionKey: string, reference: string, markWeek: boolean): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const rows = await rowsIn(ctx, partitionKey, reference);
    const del = (r: Stored<IncidentRow>) => ({ op: 'delete' as const, keys: r.keys });
    const history = rows.filter((r) => r.value.kind === 'history').map(del);
    const incident = rows.filter((r) => r.value.kind === 'incident').map(del);
    const last = [...incident, ...(markWeek ? [weekMarkOp(partitionKey, ctx.clock().toISOString())] : [])];
    const batches = history.length + last.length <= MAX_BATCH ? [[...history, ...last]] : [...chunks(history, MAX_BATCH), last];
    try {
      for (const batch of batches) await ctx.store.incidents.transact(batch);
      return;
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || attempt >= 3) throw err;
    }
  }
}
