import { z } from 'zod';
import { recordComplaint, referenceFields } from '../warnings/repeats';
import type { AppContext } from '../kernel/context';
import { IncidentReference } from './rules/incident';
import { mayAddUpdate, mayEdit, mayRecordIn } from './rules/incidentAccess';
import { formValuesOf, validateIncidentForm, type FormErrors, type IncidentDraft } from './rules/incidentForm';
import { announcedInChannels } from './rules/incidentRedaction';
import { markupProblem } from '../shared/plainText';
import { toWallClock } from '../shared/timezone';
import { boroughById, type BoroughId } from '../shared/borough';
import type { Organisation } from '../shared/organisation';
import { incidentFormCard } from '../../cards/incidentForm';
import { incidentUpdateFormCard } from '../../cards/incidentUpdateForm';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { announceIncident } from './announce';
import { auditIncident, stableId } from './audit';
import { SubmissionId, type Actor, type FieldChange, type IncidentHistoryEntry, type IncidentRecord } from './model';
import { formatLocal, formChoices, formValuesOfRecord } from './present';
import { newSubmissionId, notRegisteredCard } from './reportForm';
import { loadIncident, moveIncident, reindexIncident, writeVersion, type LoadedIncident } from './repository';
import { correctionReasonProblem, placement } from './rules/correction';
import { recordCorrection } from './correction';
import { registered, type IncidentRequest } from './request';
import { unknownIncidentCard } from './submit';
import { refuse, viewerOf, viewIncident } from './view';
import { incidentPartitionKey } from './tables';
import { allOrganisations } from '../referenceData';

/**
 * Changing an incident: "add an update" (a progress note) and "edit" (a
 * correction). Each change is one transaction in the incident's partition:
 * the incident row, ETag-guarded, moves to the next version, and a history
 * row for that version records who, when and what changed. A second
 * submission of the same card is recognised by its submission id and adds
 * nothing.
 */

const UPDATE_MAX = 2000;
const RefData = z.object({ reference: IncidentReference }).passthrough();
const UpdateData = z.object({ reference: IncidentReference, submissionId: SubmissionId, note: z.unknown() }).passthrough();
const EditData = z.object({ reference: IncidentReference, submissionId: SubmissionId, baseVersion: z.coerce.number().int().min(1) }).passthrough();

function staleFormCard(): AdaptiveCard {
  return messageCard({ title: 'This card is out of date', text: 'Open the incident again with **incident** and its reference.', tone: 'warning' });
}

function anonymisedCard(reference: string): AdaptiveCard {
  return messageCard({ title: `${reference} is closed`, text: 'It has been anonymised under the retention schedule and can no longer be changed.', tone: 'warning' });
}

async function loadFor(ctx: AppContext, req: IncidentRequest, data: unknown): Promise<LoadedIncident | AdaptiveCard> {
  if (!registered(req.caller)) return notRegisteredCard();
  const parsed = RefData.safeParse(data);
  if (!parsed.success) return staleFormCard();
  return (await loadIncident(ctx, parsed.data.reference)) ?? unknownIncidentCard(parsed.data.reference);
}

const isCard = (x: LoadedIncident | AdaptiveCard): x is AdaptiveCard => (x as AdaptiveCard).type === 'AdaptiveCard';

function actorOf(req: IncidentRequest): Actor {
  const c = req.caller;
  return { aadObjectId: c.aadObjectId!, organisationId: c.organisation!.id, displayName: c.displayName };
}

const sharingOf = (r: IncidentRecord) => ({ reporterOrganisationId: r.reporter.organisationId, sharedWith: r.sharedWith });

export async function openUpdateForm(ctx: AppContext, req: IncidentRequest, data: unknown): Promise<AdaptiveCard> {
  const loaded = await loadFor(ctx, req, data);
  if (isCard(loaded)) return loaded;
  if (!mayAddUpdate(viewerOf(req.caller), sharingOf(loaded.record))) return refuse(ctx, req, loaded.record, 'add an update to');
  if (loaded.record.anonymisedAt) return anonymisedCard(loaded.record.reference);
  return incidentUpdateFormCard({ reference: loaded.record.reference, submissionId: newSubmissionId() });
}

export async function submitUpdate(ctx: AppContext, req: IncidentRequest, data: unknown): Promise<AdaptiveCard> {
  if (!registered(req.caller)) return notRegisteredCard();
  const parsed = UpdateData.safeParse(data);
  if (!parsed.success) return staleFormCard();
  const { reference, submissionId } = parsed.data;
  const note = typeof parsed.data.note === 'string' ? parsed.data.note.trim() : '';
  const loaded = await loadIncident(ctx, reference);
  if (!loaded) return unknownIncidentCard(reference);
  if (!mayAddUpdate(viewerOf(req.caller), sharingOf(loaded.record))) return refuse(ctx, req, loaded.record, 'add an update to');
  if (loaded.record.anonymisedAt) return anonymisedCard(reference);
  const done = loaded.history.find((h) => h.submissionId === submissionId);
  // Already written (a resubmission, or a retry after a failure past the write): finish what follows it.
  if (done) return afterUpdate(ctx, req, done);

  const problem =
    typeof parsed.data.note !== 'string' && parsed.data.note !== undefined ? 'The update must be text'
    : note.length === 0 ? 'Write the update'
    : note.length > UPDATE_MAX ? `The update is ${note.length} characters long; the most is ${UPDATE_MAX}`
    : markupProblem(note)?.message;
  if (problem) return incidentUpdateFormCard({ reference, submissionId, note: typeof parsed.data.note === 'string' ? parsed.data.note : '', error: problem });

  const by = actorOf(req);
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
  if (outcome.outcome === 'moving') return movingCard(reference);
  const written = (await loadIncident(ctx, reference))?.history.find((h) => h.submissionId === submissionId);
  return written ? afterUpdate(ctx, req, written) : viewIncident(ctx, req, reference);
}

/** What follows a stored update, idempotent (the audit id derives from the card instance): run on every submission of that card. */
async function afterUpdate(ctx: AppContext, req: IncidentRequest, entry: IncidentHistoryEntry): Promise<AdaptiveCard> {
  if (entry.by.aadObjectId !== 'system' && entry.submissionId) {
    await auditIncident(ctx, { action: 'alteration', actor: entry.by, reference: entry.reference, at: entry.at, id: stableId('alteration', entry.submissionId), note: 'update added' });
  }
  return viewIncident(ctx, req, entry.reference);
}

/** The edit form's note on where and when: the reference stays, whatever is corrected. */
function placeNote(r: IncidentRecord): string {
  return `${r.reference} keeps its number if you correct the borough, date or time: a reference names the borough and year where the incident was first recorded, and it is already on cards and in partners' records. Say why in "Reason for correcting the borough, date or time".`;
}

export async function openEditForm(ctx: AppContext, req: IncidentRequest, data: unknown): Promise<AdaptiveCard> {
  const loaded = await loadFor(ctx, req, data);
  if (isCard(loaded)) return loaded;
  const r = loaded.record;
  if (!mayEdit(viewerOf(req.caller), sharingOf(r))) return refuse(ctx, req, r, 'edit');
  if (r.anonymisedAt) return anonymisedCard(r.reference);
  // The form shows the restricted fields, so opening it is a consultation.
  await auditIncident(ctx, { action: 'consultation', actor: actorOf(req), reference: r.reference, justification: 'opened for editing by the reporting organisation or an administrator' });
  const organisations = await allOrganisations(ctx);
  const tz = ctx.config.timeZone;
  return incidentFormCard({
    mode: { kind: 'edit', submissionId: newSubmissionId(), reference: r.reference, baseVersion: r.version, placeNote: placeNote(r) },
    values: formValuesOfRecord(r, tz),
    today: toWallClock(ctx.clock(), tz).date,
    reportedAt: formatLocal(r.reportedAt, tz),
    choices: formChoices(organisations, r.reporter.organisationId),
  });
}

/** The fields an edit compares, as text for the history ("from" → "to"). */
function comparable(r: IncidentRecord | (IncidentDraft & { reporterless?: true })): Record<string, string | undefined> {
  const isRecord = 'kind' in r;
  const fullAddress = isRecord ? (r as IncidentRecord).restricted.fullAddress : (r as IncidentDraft).fullAddress;
  const details = isRecord ? (r as IncidentRecord).restricted.details : (r as IncidentDraft).details;
  const p = r.people;
  return {
    borough: r.borough,
    occurredAt: r.occurredAt,
    category: r.category,
    hateCrimeStrand: r.hateCrimeStrand,
    area: r.area,
    postcodeDistrict: r.postcodeDistrict,
    fullAddress,
    summary: r.summary,
    details,
    people: `victims ${p.victims}, suspects ${p.suspects}, witnesses ${p.witnesses}, vulnerable ${p.vulnerablePerson ? 'yes' : 'no'}, children ${p.childrenPresent ? 'yes' : 'no'}`,
    policeReference: r.policeReference,
    householdReference: isRecord ? (r as IncidentRecord).restricted.householdReference : (r as IncidentDraft).householdReference,
    risk: r.risk,
    actions: [...r.actions].sort().join(', '),
    sharedWith: [...r.sharedWith].sort().join(', '),
    marking: r.marking,
  };
}

export function diffIncident(before: IncidentRecord, after: IncidentDraft): FieldChange[] {
  const a = comparable(before);
  const b = comparable(after);
  return Object.keys(a)
    .filter((k) => (a[k] ?? '') !== (b[k] ?? ''))
    // The household reference is matched as a hash and never written out in clear, not even in history.
    .map((k) => (k === 'householdReference' ? { field: k } : { field: k, ...(a[k] ? { from: a[k] } : {}), ...(b[k] ? { to: b[k] } : {}) }));
}

/** The record an edit makes of `current`: the form's fields, the next version. */
function editedRecord(ctx: AppContext, current: IncidentRecord, d: IncidentDraft, version: number, at: string): IncidentRecord {
  const { policeReference: _old, hateCrimeStrand: _oldStrand, move: _move, ...rest } = current;
  return {
    ...rest,
    borough: d.borough,
    occurredAt: d.occurredAt,
    category: d.category,
    ...(d.hateCrimeStrand ? { hateCrimeStrand: d.hateCrimeStrand } : {}),
    area: d.area,
    postcodeDistrict: d.postcodeDistrict,
    summary: d.summary,
    people: d.people,
    ...(d.policeReference ? { policeReference: d.policeReference } : {}),
    risk: d.risk,
    actions: d.actions,
    sharedWith: d.sharedWith,
    marking: d.marking,
    restricted: {
      fullAddress: d.fullAddress,
      details: d.details,
      ...(d.householdReference === current.restricted.householdReference
        ? { householdReference: current.restricted.householdReference, householdReferenceHash: current.restricted.householdReferenceHash }
        : referenceFields(ctx, d.householdReference)),
    },
    version,
    updatedAt: at,
  };
}

const REASON_FIELD = 'correctionReason';

export async function submitEdit(ctx: AppContext, req: IncidentRequest, data: unknown): Promise<AdaptiveCard> {
  if (!registered(req.caller)) return notRegisteredCard();
  const parsed = EditData.safeParse(data);
  if (!parsed.success) return staleFormCard();
  const { reference, submissionId, baseVersion } = parsed.data;
  const loaded = await loadIncident(ctx, reference);
  if (!loaded) return unknownIncidentCard(reference);
  const r = loaded.record;
  const viewer = viewerOf(req.caller);
  if (!mayEdit(viewer, sharingOf(r))) return refuse(ctx, req, r, 'edit');
  if (r.anonymisedAt) return anonymisedCard(reference);
  const tz = ctx.config.timeZone;
  const organisations = await allOrganisations(ctx);
  const done = loaded.history.find((h) => h.submissionId === submissionId);
  // Already written (a resubmission, or a retry after a failure past the write): finish what follows it.
  if (done) return afterEdit(ctx, req, loaded.record, done, organisations);
  // A move that this very card started and a crash interrupted is resumed below; anyone else's is waited for.
  const resuming = r.move?.submissionId === submissionId ? r.move : undefined;
  if (r.move && !resuming) return movingCard(reference);

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
    errors.borough = `${req.caller.organisation!.name} does not work in ${where}, so you cannot move an incident there. Ask a Concordat administrator, or leave it in ${boroughById(r.borough).name}`;
    await auditIncident(ctx, { action: 'refusal', actor: actorOf(req), reference, note: `borough correction to ${values.borough} refused: the editor's organisation does not serve it` });
  }
  const reasonProblem = correctionReasonProblem(reason, placeChanged);
  if (Object.keys(errors).length > 0 || reasonProblem || !result.ok) {
    return incidentFormCard({
      mode: { kind: 'edit', submissionId, reference, baseVersion, placeNote: placeNote(r), correctionReason: reason.slice(0, 1000), correctionError: reasonProblem ?? '' },
      values,
      errors,
      today: toWallClock(ctx.clock(), tz).date,
      reportedAt: formatLocal(r.reportedAt, tz),
      choices: formChoices(organisations, r.reporter.organisationId),
    });
  }
  if (baseVersion !== r.version) return conflictCard(reference);

  const d = result.draft;
  const changes = diffIncident(r, d);
  if (changes.length === 0) return viewIncident(ctx, req, reference);
  const by = actorOf(req);
  // A resumed move rewrites exactly the rows its first attempt wrote (same time, same version).
  const now = resuming?.at ?? ctx.clock().toISOString();
  const moved = reason.trim() && changes.some((c) => c.field === 'borough' || c.field === 'occurredAt');
  const note = moved ? `Reason for correcting the borough, date or time: ${reason.trim()}` : undefined;
  const where = placement(r, d, (borough, occurredAt) => incidentPartitionKey(borough, occurredAt, ctx.config.timeZone));
  if (where.moves) {
    const version = baseVersion + 1;
    const record = editedRecord(ctx, r, d, version, now);
    const entry: IncidentHistoryEntry = { kind: 'history', reference, partitionKey: where.to, version, type: 'edit', at: now, by, ...(note ? { note } : {}), changes, submissionId };
    if ((await moveIncident(ctx, loaded, { record, entry })) === 'conflict') return conflictCard(reference);
  } else {
    const outcome = await writeVersion(
      ctx,
      reference,
      (current) => {
        if (current.record.version !== baseVersion) return undefined;
        const version = baseVersion + 1;
        const record = editedRecord(ctx, current.record, d, version, now);
        return { record, entry: { kind: 'history', reference, partitionKey: current.partitionKey, version, type: 'edit', at: now, by, ...(note ? { note } : {}), changes, submissionId } };
      },
      { retryOnConflict: false },
    );
    if (outcome.outcome === 'moving') return movingCard(reference);
  }
  const again = await loadIncident(ctx, reference);
  const written = again?.history.find((h) => h.submissionId === submissionId);
  if (!again || !written) return conflictCard(reference);
  return afterEdit(ctx, req, again.record, written, organisations);
}

/**
 * What follows a stored edit, all idempotent (audit ids derive from the card
 * instance, outbox and index rows from the reference): the alteration; a
 * disclosure to each organisation the edit newly shared it with; the
 * repeat-complaint record when the reference or category changed; the
 * channel announcement when the risk rose to medium or high. Run on every
 * submission of that card, so a retry after a failure completes them.
 */
async function afterEdit(
  ctx: AppContext,
  req: IncidentRequest,
  record: IncidentRecord,
  entry: IncidentHistoryEntry,
  organisations: readonly Organisation[],
): Promise<AdaptiveCard> {
  const { reference, submissionId, changes } = entry;
  // Findable as it now reads (an edited area, district or sharing), also when a retry finds the edit stored.
  await reindexIncident(ctx, record);
  if (entry.by.aadObjectId === 'system' || !submissionId) return viewIncident(ctx, req, reference);
  const by = entry.by;
  await auditIncident(ctx, {
    action: 'alteration',
    actor: by,
    reference,
    at: entry.at,
    id: stableId('alteration', submissionId),
    note: `edited: ${changes.map((c) => c.field).join(', ')}`.slice(0, 300),
  });
  // Where and when it happened: finder rows, complaint index and the correction's own audit event.
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
  if (record.anonymisedAt) return viewIncident(ctx, req, reference);
  if (changes.some((c) => ['householdReference', 'category', 'borough', 'occurredAt'].includes(c.field))) {
    await recordComplaint(ctx, record, organisations);
  }
  const risk = changes.find((c) => c.field === 'risk');
  if (risk?.from && risk.to && !announcedInChannels(risk.from as IncidentRecord['risk']) && announcedInChannels(record.risk)) {
    await announceIncident(ctx, record, organisations);
  }
  return viewIncident(ctx, req, reference);
}


/** Another edit is moving it (a corrected borough or date) right now: nothing was saved; try again shortly. */
function movingCard(reference: string): AdaptiveCard {
  return messageCard({
    title: 'Not saved: it is being corrected right now',
    text: `Someone is correcting where or when ${reference} happened, so your change was not saved over theirs. Try again in a minute: type **incident ${reference}** to see the current version.`,
    tone: 'attention',
  });
}

function conflictCard(reference: string): AdaptiveCard {
  return messageCard({
    title: 'Not saved: someone else changed it first',
    text: `${reference} was changed by someone else while you were editing, so your changes were not saved over theirs. Type **incident ${reference}** to see the current version, then edit again.`,
    tone: 'attention',
  });
}
