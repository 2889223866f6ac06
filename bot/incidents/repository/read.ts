import type { AppContext } from '../../kernel/context';
import type { IncidentHistoryEntry, IncidentRecord } from '../model';
import { historyRowKey, incidentKeys, incidentRowRange, indexKeys } from '../tables';
import type { LoadedIncident, OpenedIncident } from './loadedIncident';
import { settleMove } from './move';

/**
 * Reading one incident: the IncidentIndex row names its partition, then point or range reads there. With the
 * other files of bot/incidents/repository/, the only modules that touch the incident slice's tables
 * (bot/incidents/tables.ts), keyed as docs/storage.md describes; split by job, so a function loads only what it runs.
 *
 * A correction that moves an incident (move.ts): loadIncident and openIncident settle a half-done move they find
 * (settleMove) before answering; incidentAt is a plain point read at a place already known.
 */

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
