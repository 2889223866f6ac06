import type { AppContext } from '../kernel/context';
import { dropWeekStats } from '../digests/repository';
import { anonymiseHistoryEntry, anonymiseIncident, isPastRetention, retentionCutoff } from '../retention/rules/schedule';
import { auditIncident, stableId } from './audit';
import { incidentRetentionMonthsOf } from '../directory/settings';
import type { IncidentHistoryEntry, IncidentRecord } from './model';
import { incidentsReportedBefore, writeAnonymised } from './repository/anonymise';
import { loadIncident } from './repository/read';
import { purgeReportDefaultsBefore } from './repository/reportDefaults';
import { reindexIncident } from './repository/reindex';
import { splitIncidentPartition } from './tables';

export interface RetentionResult {
  cutoff: string;
  anonymised: string[];
  failed: { reference: string; error: string }[];
}

/**
 * Anonymises every incident reported before the retention cutoff that is
 * not anonymised yet: its free text, address, area, police reference and
 * the notes and old values in its history are cleared, in one transaction
 * per incident with the anonymisation recorded as a history entry; then an
 * erasure audit event is written that names what was erased, never its content.
 *
 * Found with one query on the copied columns (kind, anonymised, reportedAt):
 * a scan, acceptable once a day at night, and complete whichever week an
 * incident happened in. Safe to run twice: an anonymised incident is skipped.
 */
export async function applyRetention(ctx: AppContext, opts: { months?: number } = {}): Promise<RetentionResult> {
  const months = opts.months ?? (await incidentRetentionMonthsOf(ctx));
  const now = ctx.clock();
  const cutoff = retentionCutoff(now, months).toISOString();
  const due = await incidentsReportedBefore(ctx, cutoff);
  const result: RetentionResult = { cutoff, anonymised: [], failed: [] };
  for (const r of due) {
    if (!isPastRetention(r.reportedAt, now, months)) continue;
    try {
      if (await anonymiseOne(ctx, r.reference, now, months)) result.anonymised.push(r.reference);
    } catch (err) {
      // One bad row must not stop the rest; tomorrow's run tries again.
      result.failed.push({ reference: r.reference, error: (err as Error).message });
      ctx.log.error('retention failed for an incident', { reference: r.reference, error: (err as Error).message });
    }
  }
  // A reporter's remembered choices go with the reports they came from.
  const reportDefaultsDeleted = await purgeReportDefaultsBefore(ctx, cutoff);
  ctx.log.info('retention applied', { cutoff, anonymised: result.anonymised.length, failed: result.failed.length, reportDefaultsDeleted });
  return result;
}

async function anonymiseOne(ctx: AppContext, reference: string, now: Date, months: number): Promise<boolean> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const loaded = await loadIncident(ctx, reference);
    // One being moved right now (a correction of its borough or date) is anonymised where it lands, on the next run.
    if (!loaded || loaded.record.anonymisedAt || loaded.record.move) return false;
    const { value: record, erased } = anonymiseIncident(loaded.record, now);
    const history = loaded.history.map((h) => ({ before: h, ...anonymiseHistoryEntry(h) }));
    const erasedNotes = history.filter((h) => h.erased).length;
    const version = record.version + 1;
    const entry: IncidentHistoryEntry = {
      kind: 'history',
      reference,
      partitionKey: loaded.partitionKey,
      version,
      type: 'anonymised',
      at: now.toISOString(),
      by: { aadObjectId: 'system', displayName: 'Retention schedule' },
      changes: [],
    };
    const next: IncidentRecord = { ...record, version, updatedAt: now.toISOString() };
    // The finder rows first: its area and police reference must not stay searchable if the run stops after the
    // transaction (an anonymised incident is never picked up again). Rows of the cleared shape are harmless before it.
    await reindexIncident(ctx, next);
    // History entries whose notes or old values were cleared are rewritten with it, in the same write.
    const clearedHistory = history.filter((h) => h.erased).map((h) => h.value);
    if ((await writeAnonymised(ctx, loaded, { record: next, entry, clearedHistory })) === 'conflict') continue; // changed while we worked: read again
    // The week's cached digest figures name its hotspot areas: drop them (the marker moved, so the next digest recomputes).
    const { borough, week } = splitIncidentPartition(loaded.partitionKey);
    await dropWeekStats(ctx, week, borough);
    await auditIncident(ctx, {
      action: 'erasure',
      actor: 'system',
      reference,
      id: stableId('erasure', reference),
      note: `anonymised after ${months} months: ${[...erased, erasedNotes ? `${erasedNotes} history entr${erasedNotes === 1 ? 'y' : 'ies'}` : ''].filter(Boolean).join(', ') || 'nothing to clear'}; counts, category, district and dates kept`,
    });
    return true;
  }
  return false;
}
