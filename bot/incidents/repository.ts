import { odata } from '@azure/data-tables';
import type { AppContext } from '../kernel/context';
import type { BoroughId } from '../shared/borough';
import { allocate, counterKey, referenceFor, type ReferenceCounter } from './rules/referenceCounter';
import { toWallClock } from '../shared/timezone';
import { ConcurrencyError } from '../store/errors';
import { historyRowKey, isLive, type IncidentHistoryEntry, type IncidentRecord, type IncidentRow, type MoveIntent } from './model';
import { settleAction } from './rules/correction';
import { recordCorrection } from './correction';
import { weekMarkOp } from './weekMark';
import type { Stored } from '../store/entityTable';
import { partitionRange } from './tables';

/** Reads and writes of incidents, keyed as docs/storage.md describes. No rules beyond storage. */

export interface LoadedIncident {
  record: IncidentRecord;
  etag: string;
  partitionKey: string;
  /** Oldest first. */
  history: IncidentHistoryEntry[];
}

/**
 * An incident and its history: an index point read, then one range read of
 * its partition. An incident found part way through a move (an edit that
 * corrected its borough or week, stopped by a crash) is settled first: the
 * move finished when its new rows are all there, undone when they never came
 * (settleMove); while its editor may still be writing them, the old copy is
 * returned, still carrying the intent (writers then wait).
 */
export async function loadIncident(ctx: AppContext, reference: string): Promise<LoadedIncident | undefined> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const loaded = await readIncident(ctx, reference);
    if (!loaded?.record.move) return loaded;
    if ((await settleMove(ctx, loaded)) === 'waiting') return loaded;
  }
  return readIncident(ctx, reference);
}

/** An incident's current record without its history: two point reads (the reference lookup, then its row). */
export async function currentRecord(ctx: AppContext, reference: string): Promise<IncidentRecord | undefined> {
  const index = await ctx.store.incidentIndex.get({ partitionKey: reference, rowKey: 'i' });
  if (!index) return undefined;
  const row = await ctx.store.incidents.get({ partitionKey: index.value.partitionKey, rowKey: reference });
  return row?.value.kind === 'incident' ? row.value : undefined;
}

async function readIncident(ctx: AppContext, reference: string): Promise<LoadedIncident | undefined> {
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
  const { from, to } = partitionRange(borough, since, until, ctx.config.timeZone);
  const rows = await ctx.store.incidents.query(
    odata`PartitionKey ge ${from} and PartitionKey le ${to} and kind eq 'incident' and reporterOrg eq ${organisationId}`,
  );
  return rows.map((r) => r.value).filter((v): v is IncidentRecord => v.kind === 'incident' && isLive(v));
}

/** Entity group transactions hold at most 100 operations. */
const MAX_BATCH = 100;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The rows of one incident (record and history) in one partition. */
async function rowsIn(ctx: AppContext, partitionKey: string, reference: string): Promise<Stored<IncidentRow>[]> {
  const rows = await ctx.store.incidents.listPartition(partitionKey, { from: reference, to: `${reference}|~` });
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
  const old = await ctx.store.incidents.get({ partitionKey: from, rowKey: reference });
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
  const arrived = await ctx.store.incidents.get({ partitionKey: intent.to, rowKey: reference });
  const complete = arrived?.value.kind === 'incident' && arrived.value.version === intent.version && !arrived.value.move;
  const action = settleAction(intent, complete, ctx.clock());
  if (action === 'wait') return 'waiting';
  if (action === 'finish') {
    await finishMove(ctx, reference, loaded.partitionKey, intent.to);
    // What the editor's card would have done next (finder rows, complaint index, audit), in case it never comes back.
    const entry = await ctx.store.incidents.get({ partitionKey: intent.to, rowKey: historyRowKey(reference, intent.version) });
    if (entry?.value.kind === 'history' && arrived?.value.kind === 'incident') await recordCorrection(ctx, arrived.value, entry.value);
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
  await ctx.store.incidentIndex.mutate({ partitionKey: reference, rowKey: 'i' }, (i) => (i && i.partitionKey === from ? { ...i, partitionKey: to } : undefined));
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
