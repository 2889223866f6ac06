import type { AppContext } from '../kernel/context';
import { formatInstant } from '../common/dates';
import { BOROUGHS } from '../common/borough';
import { forgetComplaint, indexComplaint } from '../warnings/repository';
import { auditIncident, stableId } from './audit';
import type { IncidentHistoryEntry, IncidentRecord } from './model';

/**
 * What follows a correction of where or when an incident happened, once its
 * record is stored at its new place (a move, or an edit within one week) and
 * its finder rows re-indexed (repository.ts reindexIncident, by the caller):
 * its repeat-complaint index row re-keyed and
 * pointed at its partition, and the correction audited (who and when are the
 * edit's, from and to in the note, the reason as its justification). Run by
 * the editor's card after the edit and on every retry of it, and by whoever
 * finishes a move its editor left half done (repository.ts settleMove): all
 * idempotent (the audit id derives from the edit card).
 */
export async function recordCorrection(ctx: AppContext, record: IncidentRecord, entry: IncidentHistoryEntry): Promise<void> {
  const borough = entry.changes.find((c) => c.field === 'borough');
  const when = entry.changes.find((c) => c.field === 'occurredAt');
  if (!borough && !when) return;
  const reference = record.reference;
  const hash = record.restricted.householdReferenceHash;
  if (hash && !record.anonymisedAt) {
    // Keyed by when it happened: the old key goes; the row under the new key names the partition it is in now.
    if (when?.from && when.from !== record.occurredAt) await forgetComplaint(ctx, hash, when.from, reference);
    await indexComplaint(ctx, { hash, reference, occurredAt: record.occurredAt, partitionKey: entry.partitionKey, indexedAt: ctx.clock().toISOString() });
  }
  if (entry.by.aadObjectId === 'system' || !entry.submissionId) return;
  const tz = ctx.config.timeZone;
  const name = (id: string | undefined) => (id ? (BOROUGHS.find((b) => b.id === id)?.name ?? id) : 'none');
  const parts = [
    ...(borough ? [`borough ${name(borough.from)} → ${name(borough.to)}`] : []),
    ...(when?.from && when.to ? [`happened ${formatInstant(when.from, tz, 'weekdayDateTime')} → ${formatInstant(when.to, tz, 'weekdayDateTime')}`] : []),
  ];
  await auditIncident(ctx, {
    action: 'alteration',
    actor: entry.by,
    reference,
    at: entry.at,
    id: stableId('correction', entry.submissionId),
    justification: entry.note?.replace(/^Reason for correcting the borough, date or time: /, 'reason: '),
    note: `corrected where or when it happened: ${parts.join('; ')}; the reference is kept`,
  });
}
