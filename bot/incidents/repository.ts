import { odata } from '@azure/data-tables';
import type { AppContext } from '../kernel/context';
import type { BoroughId } from '../common/borough';
import type { IncidentCategory } from '../common/taxonomy';
import { allocate, counterKey, referenceFor, type ReferenceCounter } from './rules/referenceCounter';
import { ConcurrencyError } from '../store/errors';
import { isLive, type IncidentHistoryEntry, type IncidentIndexEntry, type IncidentRecord, type IncidentRow, type MoveIntent, type ReportDefaults } from './model';
import { settleAction } from './rules/move';
import { recordCorrection } from './correction';
import { weekMarkOp } from './weekMark';
import type { Stored } from '../store/entityTable';
import { deleteFinderSlots, finderSlotsOf, writeFinderRows } from '../search/repository';
import {
  counterKeys,
  DEFAULTS_PARTITION,
  historyRowKey,
  historyRowRange,
  incidentKeys,
  incidentPartitionKey,
  incidentRowRange,
  indexKeys,
  partitionRange,
  reportDefaultsKeys,
  submissionKeys,
  WEEK_MARK_KEY,
  weekPartition,
} from './tables';

/**
 * The only module that touches the incident slice's tables (bot/incidents/tables.ts: Incidents, IncidentIndex,
 * IncidentSubmissions, ReportDefaults, Counters), keyed as docs/storage.md describes. No rules beyond storage.
 *
 * Invariants of a correction that moves an incident (docs/storage.md "Moving an incident"): loadIncident settles a
 * half-done move; every reader of Incidents rows by partition range skips rows that are not live (isLive: the old
 * copy of a move under way); writeVersion waits while a move is under way.
 */

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

/** An incident's current record, where it is stored and its ETag, without its history. */
export type OpenedIncident = Omit<LoadedIncident, 'history'>;

/**
 * An incident's current record without its history: two point reads, the reference's IncidentIndex row (which
 * names the partition) and then the incident's own row, whatever the size of its week or its history. What every
 * read-only view needs first (search by reference, View details, the message extension's find); the history it
 * shows is read after, page by page (historyEntries). An incident found part way through a move is settled as
 * loadIncident does (rare: a correction's crash).
 */
export async function openIncident(ctx: AppContext, reference: string): Promise<OpenedIncident | undefined> {
  const partitionKey = await partitionOf(ctx, reference);
  if (!partitionKey) return undefined;
  const row = await ctx.store.incidents.get(incidentKeys(partitionKey, reference));
  if (row?.value.kind !== 'incident') return undefined;
  if (!row.value.move) return { record: row.value, etag: row.etag, partitionKey };
  const settled = await loadIncident(ctx, reference);
  return settled && { record: settled.record, etag: settled.etag, partitionKey: settled.partitionKey };
}

/**
 * Some of an incident's history entries by version, oldest first: one point read each (versions run 1 to the
 * record's version, one entry per version, keyed in its partition), so a page of history costs the page, however
 * long the history. Entries not stored are left out.
 */
export async function historyEntries(ctx: AppContext, opened: OpenedIncident, versions: readonly number[]): Promise<IncidentHistoryEntry[]> {
  const { record, partitionKey } = opened;
  const rows = await Promise.all(versions.map((v) => ctx.store.incidents.get({ partitionKey, rowKey: historyRowKey(record.reference, v) })));
  return rows
    .map((r) => r?.value)
    .filter((h): h is IncidentHistoryEntry => h?.kind === 'history' && h.reference === record.reference)
    .sort((a, b) => a.version - b.version);
}

/** An incident's current record without its history: two point reads (the reference lookup, then its row). */
export async function currentRecord(ctx: AppContext, reference: string): Promise<IncidentRecord | undefined> {
  return (await openIncident(ctx, reference))?.record;
}

/** The partition an incident is in now (its IncidentIndex row), if it is stored. */
export async function partitionOf(ctx: AppContext, reference: string): Promise<string | undefined> {
  return (await ctx.store.incidentIndex.get(indexKeys(reference)))?.value.partitionKey;
}

/** The incident row at a known place (a complaint index row names its partition): one point read. */
export async function incidentAt(ctx: AppContext, partitionKey: string, reference: string): Promise<IncidentRecord | undefined> {
  const row = await ctx.store.incidents.get(incidentKeys(partitionKey, reference));
  return row?.value.kind === 'incident' ? row.value : undefined;
}

async function readIncident(ctx: AppContext, reference: string): Promise<LoadedIncident | undefined> {
  const partitionKey = await partitionOf(ctx, reference);
  if (!partitionKey) return undefined;
  const rows = await ctx.store.incidents.listPartition(partitionKey, incidentRowRange(reference));
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
  const keys = counterKeys(key);
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


/** The incident a report card's submission id stored, if any (the idempotency record of a report card). */
export async function submittedReference(ctx: AppContext, submissionId: string): Promise<string | undefined> {
  return (await ctx.store.incidentSubmissions.get(submissionKeys(submissionId)))?.value.reference;
}

/**
 * Writes a new incident so that any retry of the same submission converges:
 * index row, then incident and its first history entry in one transaction,
 * then the submission record. Returns the incident as stored (an earlier
 * attempt's, if there was one).
 */
export async function storeNewIncident(ctx: AppContext, record: IncidentRecord): Promise<IncidentRecord> {
  const partitionKey = incidentPartitionKey(record.borough, record.occurredAt, ctx.config.timeZone);
  try {
    await ctx.store.incidentIndex.create({ reference: record.reference, partitionKey });
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    const already = await loadIncident(ctx, record.reference);
    if (already) {
      await recordSubmission(ctx, already.record);
      return already.record;
    }
    // An earlier attempt got no further than the index: point it at this attempt's partition.
    await ctx.store.incidentIndex.upsert({ reference: record.reference, partitionKey });
  }
  const created: IncidentHistoryEntry = {
    kind: 'history',
    reference: record.reference,
    partitionKey,
    version: 1,
    type: 'created',
    at: record.reportedAt,
    by: record.reporter,
    changes: [],
    submissionId: record.submissionId,
  };
  let stored = record;
  try {
    await ctx.store.incidents.transact([{ op: 'create', value: record }, { op: 'create', value: created }, weekMarkOp(partitionKey, record.reportedAt)]);
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    const already = await loadIncident(ctx, record.reference);
    if (!already) throw err;
    stored = already.record;
  }
  await recordSubmission(ctx, stored);
  return stored;
}

async function recordSubmission(ctx: AppContext, record: IncidentRecord): Promise<void> {
  try {
    await ctx.store.incidentSubmissions.create({ submissionId: record.submissionId, reference: record.reference, at: record.reportedAt });
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
  }
}

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

/**
 * Brings an incident's finder rows (the search slice's IncidentFinder) in line
 * with the record: upserts the rows it should have and deletes those it no
 * longer should (an edited area, a police reference cleared by retention).
 * The rows' slots are recorded on the IncidentIndex row first (old and new
 * together), so a crash half way leaves rows the next reindex knows to
 * delete. Idempotent: every write path calls it after its own write, and
 * again on retry.
 */
export async function reindexIncident(ctx: AppContext, record: IncidentRecord): Promise<void> {
  const wanted = finderSlotsOf(ctx, record);
  const keys = indexKeys(record.reference);
  const index = await ctx.store.incidentIndex.get(keys);
  const before = index?.value.finderKeys ?? [];
  const added = wanted.filter((k) => !before.includes(k));
  if (index && added.length > 0) {
    await ctx.store.incidentIndex.mutate(keys, (i) => i && { ...i, finderKeys: [...new Set([...(i.finderKeys ?? []), ...wanted])] });
  }
  await writeFinderRows(ctx, record);
  const gone = before.filter((k) => !wanted.includes(k));
  await deleteFinderSlots(ctx, gone);
  if (index && gone.length > 0) {
    await ctx.store.incidentIndex.mutate(keys, (i) => i && { ...i, finderKeys: wanted });
  }
}

/**
 * Re-indexes an incident as it is stored now (reindexIncident), and again if it changed meanwhile: for a pass over
 * stored incidents, which reads each one while its editors may be writing it. Idempotent.
 */
export async function reindexStored(ctx: AppContext, reference: string): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const before = await openIncident(ctx, reference);
    if (!before) return;
    await reindexIncident(ctx, before.record);
    const after = await openIncident(ctx, reference);
    if (!after || after.etag === before.etag) return;
  }
}

/**
 * One page of IncidentIndex rows (every stored incident's reference, partition and recorded finder slots): for
 * passes over every incident, never a user's turn. One request.
 */
export async function incidentIndexPage(ctx: AppContext, opts: { size: number; continuation?: string }): Promise<{ rows: IncidentIndexEntry[]; next?: string }> {
  const page = await ctx.store.incidentIndex.page(odata`RowKey eq ${indexKeys('').rowKey}`, { maxPageSize: opts.size, continuationToken: opts.continuation });
  return { rows: page.rows.map((r) => r.value), ...(page.next ? { next: page.next } : {}) };
}

/**
 * Live incidents of some categories in a borough that happened in (since,
 * until], not anonymised: one query over the borough's range of week
 * partitions, filtered by the service on the copied kind, anonymised and
 * category columns, so history rows and other categories never leave the
 * store. A row being moved away (a corrected borough or week) is not live:
 * it is counted where it is going, not twice.
 */
export async function liveIncidentsHappened(
  ctx: AppContext,
  borough: BoroughId,
  since: Date,
  until: Date,
  categories: readonly IncidentCategory[],
): Promise<IncidentRecord[]> {
  if (categories.length === 0) return [];
  const { from, to } = partitionRange(borough, since, until, ctx.config.timeZone);
  const anyCategory = [...new Set(categories)].map((c) => odata`category eq ${c}`).join(' or ');
  const rows = await ctx.store.incidents.query(`${odata`PartitionKey ge ${from} and PartitionKey le ${to}`} and kind eq 'incident' and anonymised eq false and (${anyCategory})`);
  const lo = since.getTime();
  const hi = until.getTime();
  return rows
    .map((r) => r.value)
    .filter((r): r is IncidentRecord => r.kind === 'incident' && isLive(r) && Date.parse(r.occurredAt) > lo && Date.parse(r.occurredAt) <= hi);
}

/** The nonce of a borough-week's change marker ('' when nothing was ever written there): cached figures tagged with it are current. */
export async function weekMarkOf(ctx: AppContext, borough: BoroughId, week: string): Promise<string> {
  const mark = await ctx.store.incidents.get({ partitionKey: weekPartition(borough, week), rowKey: WEEK_MARK_KEY });
  return mark?.value.kind === 'weekMark' ? mark.value.nonce : '';
}

/** The live incidents (not history, not the old copy of a move) of a borough's ISO week: one partition query. */
export async function liveIncidentsOfWeek(ctx: AppContext, borough: BoroughId, week: string): Promise<IncidentRecord[]> {
  const rows = await ctx.store.incidents.query(odata`PartitionKey eq ${weekPartition(borough, week)} and kind eq 'incident'`);
  return rows.map((r) => r.value).filter((v): v is IncidentRecord => v.kind === 'incident' && isLive(v));
}

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

/** A reporter's last report choices, if any. */
export async function reportDefaultsOf(ctx: AppContext, aadObjectId: string): Promise<ReportDefaults | undefined> {
  return (await ctx.store.reportDefaults.get(reportDefaultsKeys(aadObjectId)))?.value;
}

/** Keeps a reporter's choices for their next report (one row per person, replaced). */
export async function saveReportDefaults(ctx: AppContext, defaults: ReportDefaults): Promise<void> {
  await ctx.store.reportDefaults.upsert(defaults);
}

/** Retention: remembered choices last updated before `cutoff` deleted (they go with the reports they came from); returns how many. */
export async function purgeReportDefaultsBefore(ctx: AppContext, cutoff: string): Promise<number> {
  const stale = await ctx.store.reportDefaults.query(odata`PartitionKey eq ${DEFAULTS_PARTITION} and updatedAt lt ${cutoff}`);
  for (const row of stale) await ctx.store.reportDefaults.delete(row.keys);
  return stale.length;
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
