import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { recordComplaint, referenceFields } from '../warnings/repeats';
import { boroughById, type BoroughId } from '../common/borough';
import type { Organisation } from '../common/organisation';
import { toWallClock } from '../common/timezone';
import { allOrganisations } from '../referenceData';
import { IncidentReference } from './rules/incident';
import { mayEdit, mayRecordIn } from './rules/incidentAccess';
import { formValuesOf, validateIncidentForm, type FormErrors, type FormValues } from './rules/incidentForm';
import { announcedInChannels } from './rules/incidentRedaction';
import { correctionReasonProblem, placement } from './rules/correction';
import { diffIncident, editedRecord } from './rules/edit';
import { actorOf, sharingOf } from './addUpdate';
import { announceIncident } from './announce';
import { auditIncident, stableId } from './audit';
import { recordCorrection } from './correction';
import { SubmissionId, type IncidentHistoryEntry, type IncidentRecord } from './model';
import { loadIncident } from './repository/read';
import { moveIncident } from './repository/move';
import { reindexIncident } from './repository/reindex';
import { writeVersion } from './repository/writeVersion';
import { registered } from './request';
import { incidentPartitionKey } from './tables';
import { viewerOf } from './view';

/**
 * "Edit": a correction of an incident by its reporting organisation or an
 * administrator, stored as its next version with a history entry naming each
 * changed field. A corrected borough, or a date in another ISO week, moves it
 * to another partition (repository/move.ts moveIncident; a reason is required). A
 * second submission of the same card adds nothing and completes what follows
 * the write. Returns what happened; bot/incidents/change.ts turns it into a card.
 */

const EditData = z.object({ reference: IncidentReference, submissionId: SubmissionId, baseVersion: z.coerce.number().int().min(1) }).passthrough();

/** The edit form's input for why the borough, date or time is corrected. */
export const REASON_FIELD = 'correctionReason';

export type EditOutcome =
  | { kind: 'notRegistered' }
  | { kind: 'stale' }
  | { kind: 'unknown'; reference: string }
  | { kind: 'refused'; record: IncidentRecord }
  | { kind: 'anonymised'; reference: string }
  /** Another edit is moving it (a corrected borough or date) right now: nothing saved. */
  | { kind: 'moving'; reference: string }
  /** Someone else changed it since the form was opened: nothing saved. */
  | { kind: 'conflict'; reference: string }
  /** The form again, every error beside its field, the values kept. */
  | {
      kind: 'invalid';
      record: IncidentRecord;
      submissionId: string;
      baseVersion: number;
      values: FormValues;
      errors: FormErrors;
      reason: string;
      reasonError?: string;
      organisations: readonly Organisation[];
    }
  /** Stored (now or by an earlier submission of the same card), or nothing to change: show the incident. */
  | { kind: 'edited'; reference: string };

export async function editIncident(ctx: AppContext, caller: Caller, data: unknown): Promise<EditOutcome> {
  if (!registered(caller)) return { kind: 'notRegistered' };
  const parsed = EditData.safeParse(data);
  if (!parsed.success) return { kind: 'stale' };
  const { reference, submissionId, baseVersion } = parsed.data;
  const loaded = await loadIncident(ctx, reference);
  if (!loaded) return { kind: 'unknown', reference };
  const r = loaded.record;
  const viewer = viewerOf(caller);
  if (!mayEdit(viewer, sharingOf(r))) return { kind: 'refused', record: r };
  if (r.anonymisedAt) return { kind: 'anonymised', reference };
  const tz = ctx.config.timeZone;
  const organisations = await allOrganisations(ctx);
  const done = loaded.history.find((h) => h.submissionId === submissionId);
  // Already written (a resubmission, or a retry after a failure past the write): finish what follows it.
  if (done) return afterEdit(ctx, loaded.record, done, organisations);
  // A move that this very card started and a crash interrupted is resumed below; anyone else's is waited for.
  const resuming = r.move?.submissionId === submissionId ? r.move : undefined;
  if (r.move && !resuming) return { kind: 'moving', reference };

  const local = toWallClock(r.occurredAt, tz);
  // An edit card posted before borough, date and time could be corrected has no such inputs: they stay as stored.
  const raw = { borough: r.borough, occurredDate: local.date, occurredTime: local.time, ...(data as object) } as Record<string, unknown>;
  const reason = typeof raw[REASON_FIELD] === 'string' ? (raw[REASON_FIELD] as string) : '';
  const result = validateIncidentForm(raw, { now: ctx.clock(), timeZone: tz, organisations, editing: { occurredAt: r.occurredAt, reportedAt: r.reportedAt } });
  const errors: FormErrors = result.ok ? {} : { ...result.errors };
  const values = formValuesOf(raw);
  const placeChanged = values.borough !== r.borough || values.occurredDate !== local.date || values.occurredTime.slice(0, 5) !== local.time;
  // Access again for the borough it would move to: an editor may not put an incident where their organisation does not work.
  if (!errors.borough && values.borough !== r.borough && !mayRecordIn(viewer, values.borough)) {
    const where = boroughById(values.borough as BoroughId).name;
    errors.borough = `${caller.organisation.name} does not work in ${where}, so you cannot move an incident there. Ask a Concordat administrator, or leave it in ${boroughById(r.borough).name}`;
    await auditIncident(ctx, { action: 'refusal', actor: actorOf(caller), reference, note: `borough correction to ${values.borough} refused: the editor's organisation does not serve it` });
  }
  const reasonError = correctionReasonProblem(reason, placeChanged);
  if (Object.keys(errors).length > 0 || reasonError || !result.ok) {
    return { kind: 'invalid', record: r, submissionId, baseVersion, values, errors, reason, ...(reasonError ? { reasonError } : {}), organisations };
  }
  if (baseVersion !== r.version) return { kind: 'conflict', reference };

  const d = result.draft;
  const changes = diffIncident(r, d);
  if (changes.length === 0) return { kind: 'edited', reference };
  const by = actorOf(caller);
  // A resumed move rewrites exactly the rows its first attempt wrote (same time, same version).
  const now = resuming?.at ?? ctx.clock().toISOString();
  const moved = reason.trim() && changes.some((c) => c.field === 'borough' || c.field === 'occurredAt');
  const note = moved ? `Reason for correcting the borough, date or time: ${reason.trim()}` : undefined;
  const household = (typed: string | undefined) => referenceFields(ctx, typed);
  const where = placement(r, d, (borough, occurredAt) => incidentPartitionKey(borough, occurredAt, tz));
  if (where.moves) {
    const version = baseVersion + 1;
    const record = editedRecord(r, d, version, now, household);
    const entry: IncidentHistoryEntry = { kind: 'history', reference, partitionKey: where.to, version, type: 'edit', at: now, by, ...(note ? { note } : {}), changes, submissionId };
    if ((await moveIncident(ctx, loaded, { record, entry })) === 'conflict') return { kind: 'conflict', reference };
  } else {
    const outcome = await writeVersion(
      ctx,
      reference,
      (current) => {
        if (current.record.version !== baseVersion) return undefined;
        const version = baseVersion + 1;
        const record = editedRecord(current.record, d, version, now, household);
        return { record, entry: { kind: 'history', reference, partitionKey: current.partitionKey, version, type: 'edit', at: now, by, ...(note ? { note } : {}), changes, submissionId } };
      },
      { retryOnConflict: false },
    );
    if (outcome.outcome === 'moving') return { kind: 'moving', reference };
  }
  const again = await loadIncident(ctx, reference);
  const written = again?.history.find((h) => h.submissionId === submissionId);
  if (!again || !written) return { kind: 'conflict', reference };
  return afterEdit(ctx, again.record, written, organisations);
}

/**
 * What follows a stored edit, all idempotent (audit ids derive from the card
 * instance, outbox and index rows from the reference): the alteration; a
 * disclosure to each organisation the edit newly shared it with; the
 * repeat-complaint record when the reference or category changed; the
 * channel announcement when the risk rose to medium or high. Run on every
 * submission of that card, so a retry after a failure completes them.
 */
async function afterEdit(ctx: AppContext, record: IncidentRecord, entry: IncidentHistoryEntry, organisations: readonly Organisation[]): Promise<EditOutcome> {
  const { reference, submissionId, changes } = entry;
  const edited: EditOutcome = { kind: 'edited', reference };
  // Findable as it now reads (an edited area, district or sharing), also when a retry finds the edit stored.
  await reindexIncident(ctx, record);
  if (entry.by.aadObjectId === 'system' || !submissionId) return edited;
  const by = entry.by;
  await auditIncident(ctx, {
    action: 'alteration',
    actor: by,
    reference,
    at: entry.at,
    id: stableId('alteration', submissionId),
    note: `edited: ${changes.map((c) => c.field).join(', ')}`.slice(0, 300),
  });
  // Where and when it happened: complaint index and the correction's own audit event.
  await recordCorrection(ctx, record, entry);
  const sharing = changes.find((c) => c.field === 'sharedWith');
  const listOf = (v: string | undefined) => (v ? v.split(', ').filter(Boolean) : []);
  const newlyShared = sharing ? listOf(sharing.to).filter((o) => !listOf(sharing.from).includes(o)) : [];
  if (newlyShared.length > 0) {
    // Sharing with another organisation is a disclosure to it, not only a change of a field.
    await auditIncident(ctx, {
      action: 'disclosure',
      actor: by,
      reference,
      at: entry.at,
      id: stableId('disclosure', submissionId),
      justification: 'shared by an edit under the concordat information-sharing agreement',
      recipients: newlyShared,
    });
  }
  if (record.anonymisedAt) return edited;
  if (changes.some((c) => ['householdReference', 'category', 'borough', 'occurredAt'].includes(c.field))) {
    await recordComplaint(ctx, record, organisations);
  }
  const risk = changes.find((c) => c.field === 'risk');
  if (risk?.from && risk.to && !announcedInChannels(risk.from as IncidentRecord['risk']) && announcedInChannels(record.risk)) {
    await announceIncident(ctx, record, organisations);
  }
  return edited;
}
