import type { IncidentHistoryEntry, IncidentRecord } from '../model';

/**
 * An incident as the repository reads it: its current row, where it is stored and its ETag (what a write is
 * guarded by). Shared by the reads (read.ts) and the writes that take a read incident (move.ts, anonymise.ts).
 */
export interface LoadedIncident {
  record: IncidentRecord;
  etag: string;
  partitionKey: string;
  /** Oldest first. */
  history: IncidentHistoryEntry[];
}

/** An incident's current record, where it is stored and its ETag, without its history. */
export type OpenedIncident = Omit<LoadedIncident, 'history'>;
