import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import type { Caller } from '../conversation/user';
import { markupProblem } from '../common/plainText';
import { IncidentReference } from './rules/incident';
import { mayAddUpdate } from './rules/incidentAccess';
import { auditIncident, stableId } from './audit';
import { SubmissionId, type Actor, type IncidentHistoryEntry, type IncidentRecord } from './model';
import { loadIncident } from './repository/read';
import { writeVersion } from './repository/writeVersion';
import { registered } from './request';
import { viewerOf } from './view';

/**
 * "Add an update": a progress note on an incident, stored as its next version
 * with a history entry (one transaction, bot/incidents/repository/writeVersion.ts
 * writeVersion). A second submission of the same card is recognised by its
 * submission id and adds nothing; it re-runs what follows the write (the
 * audit event, idempotent), so a retry after a failure completes it.
 * Returns what happened; bot/incidents/change.ts turns it into a card.
 */

export const UPDATE_MAX = 2000;

const UpdateData = z.object({ reference: IncidentReference, submissionId: SubmissionId, note: z.unknown() }).passthrough();

export type UpdateOutcome =
  | { kind: 'notRegistered' }
  | { kind: 'stale' }
  | { kind: 'unknown'; reference: string }
  | { kind: 'refused'; record: IncidentRecord }
  | { kind: 'anonymised'; reference: string }
  /** The note is missing or not acceptable: the form again with the error and the text kept. */
  | { kind: 'invalid'; reference: string; submissionId: string; note: string; error: string }
  /** A correction is moving the incident right now: nothing saved. */
  | { kind: 'moving'; reference: string }
  /** Stored (now or by an earlier submission of the same card), or found no longer needed: show the incident. */
  | { kind: 'added'; reference: string };

export function actorOf(caller: Caller & { aadObjectId: string; organisation: NonNullable<Caller['organisation']> }): Actor {
  return { aadObjectId: caller.aadObjectId, organisationId: caller.organisation.id, displayName: caller.displayName };
}

export const sharingOf = (r: IncidentRecord) => ({ reporterOrganisationId: r.reporter.organisationId, sharedWith: r.sharedWith });

export async function addUpdate(ctx: AppContext, caller: Caller, data: unknown): Promise<UpdateOutcome> {
  if (!registered(caller)) return { kind: 'notRegistered' };
  const parsed = UpdateData.safeParse(data);
  if (!parsed.success) return { kind: 'stale' };
  const { reference, submissionId } = parsed.data;
  const typed = parsed.data.note;
  const note = typeof typed === 'string' ? typed.trim() : '';
  const loaded = await loadIncident(ctx, reference);
  if (!loaded) return { kind: 'unknown', reference };
  if (!mayAddUpdate(viewerOf(caller), sharingOf(loaded.record))) return { kind: 'refused', record: loaded.record };
  if (loaded.record.anonymisedAt) return { kind: 'anonymised', reference };
  const done = loaded.history.find((h) => h.submissionId === submissionId);
  // Already written (a resubmission, or a retry after a failure past the write): finish what follows it.
  if (done) return afterUpdate(ctx, done);

  const problem =
    typeof typed !== 'string' && typed !== undefined ? 'The update must be text'
    : note.length === 0 ? 'Write the update'
    : note.length > UPDATE_MAX ? `The update is ${note.length} characters long; the most is ${UPDATE_MAX}`
    : markupProblem(note)?.message;
  if (problem) return { kind: 'invalid', reference, submissionId, note: typeof typed === 'string' ? typed : '', error: problem };

  const by = actorOf(caller);
  const now = ctx.clock().toISOString();
  const outcome = await writeVersion(
    ctx,
    reference,
    (current) => {
      if (current.history.some((h) => h.submissionId === submissionId)) return undefined;
      const version = current.record.version + 1;
      return {
        record: { ...current.record, version, updatedAt: now },
        entry: { kind: 'history', reference, partitionKey: current.partitionKey, version, type: 'update', at: now, by, note, changes: [], submissionId },
      };
    },
    { retryOnConflict: true },
  );
  if (outcome.outcome === 'moving') return { kind: 'moving', reference };
  const written = (await loadIncident(ctx, reference))?.history.find((h) => h.submissionId === submissionId);
  return written ? afterUpdate(ctx, written) : { kind: 'added', reference };
}

/** What follows a stored update, idempotent (the audit id derives from the card instance): run on every submission of that card. */
async function afterUpdate(ctx: AppContext, entry: IncidentHistoryEntry): Promise<UpdateOutcome> {
  if (entry.by.aadObjectId !== 'system' && entry.submissionId) {
    await auditIncident(ctx, { action: 'alteration', actor: entry.by, reference: entry.reference, at: entry.at, id: stableId('alteration', entry.submissionId), note: 'update added' });
  }
  return { kind: 'added', reference: entry.reference };
}
