import { z } from 'zod';
import { repeatLabel } from './rules/complaintReference';
import { recordComplaint, referenceFields } from '../warnings/repeats';
import type { AppContext } from '../kernel/context';
import { refusalWindowStart } from '../conversation/refusalAudit';
import type { Caller } from '../conversation/user';
import { IncidentSummary } from './rules/incident';
import { formValuesOf, validateIncidentForm } from './rules/incidentForm';
import type { Organisation } from '../common/organisation';
import { incidentConfirmationCard } from '../../cards/incidentConfirmation';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { announceIncident } from './announce';
import { auditIncident, stableId } from './audit';
import { SubmissionId, type IncidentRecord } from './model';
import { incidentButtons, summaryFacts } from './present';
import { notRegisteredCard, rememberChoices, reportFormCard } from './reportForm';
import { allocateReference, storeNewIncident, submittedReference } from './repository/newIncident';
import { loadIncident } from './repository/read';
import { reindexIncident } from './repository/reindex';
import { counterKey, referenceFor } from './rules/referenceCounter';
import type { FormErrors, FormValues } from './rules/incidentForm';
import { registered } from './request';
import { allOrganisations } from '../referenceData';
import { INCIDENT_VERBS } from './verbs';

const SubmitEnvelope = z.object({ submissionId: SubmissionId }).passthrough();

/** A stored report's invariant that the form's own checks let through, as an error beside the field it concerns. */
function invariantErrors(error: z.ZodError): FormErrors {
  const FIELD: Record<string, keyof FormErrors> = { occurredAt: 'occurredDate', hateCrimeStrand: 'hateCrimeStrand', actions: 'actions', sharedWith: 'sharedWith' };
  const errors: FormErrors = {};
  for (const issue of error.issues) {
    const field = FIELD[String(issue.path[0])] ?? 'summary';
    errors[field] ??= `Please check this: ${issue.message}`;
  }
  return errors;
}

export function confirmationCard(ctx: AppContext, record: IncidentRecord, organisations: readonly Organisation[], repeat?: string): AdaptiveCard {
  return incidentConfirmationCard({
    reference: record.reference,
    marking: record.marking,
    facts: [...summaryFacts(record, organisations, ctx.config.timeZone), ...(repeat ? [{ title: 'Repeat', value: `${repeat} (same household or complainant reference)` }] : [])],
    channelNote:
      record.risk === 'standard'
        ? ''
        : 'Medium and high risk incidents are announced in the borough\'s channels as a de-identified card: reference, category, district, risk and your organisation, no free text.',
    buttons: incidentButtons(record.reference, { view: true, update: true, edit: true }),
  });
}

/** What became of a submitted report: the card action and the message extension's dialog each show it their way. */
export type ReportOutcome =
  | { kind: 'notRegistered' }
  /** Bad fields: nothing stored. `submissionId` absent when the form could not be matched to a report card. */
  | { kind: 'invalid'; submissionId?: string; values: FormValues; errors: FormErrors; organisations: readonly Organisation[]; reporter: Organisation }
  /** Another reporter's submission id (a replayed or copied card): nothing of that incident is shown. */
  | { kind: 'notYours' }
  | { kind: 'recorded'; record: IncidentRecord; repeat?: string; organisations: readonly Organisation[] };

/**
 * A submitted report card. Bad fields: the same card back, values kept,
 * messages under the fields, nothing stored. Good: stored first (reference,
 * incident with its first history entry, index, submission record, audit),
 * then announced if medium or high risk, then confirmed. The same card
 * instance submitted again answers with the same confirmation and stores
 * nothing new.
 */
export async function submitReport(ctx: AppContext, caller: Caller, data: unknown): Promise<AdaptiveCard> {
  const outcome = await recordReport(ctx, caller, data);
  switch (outcome.kind) {
    case 'notRegistered':
      return notRegisteredCard();
    case 'notYours':
      return messageCard({
        title: 'This report card is not yours',
        text: 'It was already sent by someone else, so Concordat shows you nothing about it. Type **report** to open a new report card.',
        tone: 'warning',
        buttons: [{ title: 'New report', verb: INCIDENT_VERBS.report }],
      });
    case 'invalid':
      return reportFormCard(ctx, outcome.organisations, outcome.reporter, { submissionId: outcome.submissionId, values: outcome.values, errors: outcome.errors });
    case 'recorded':
      return confirmationCard(ctx, outcome.record, outcome.organisations, outcome.repeat);
  }
}

/**
 * The report use case: validates a submitted form and, when it is good, stores the incident (see submitReport)
 * and runs every step after it. Idempotent per submission id.
 */
export async function recordReport(ctx: AppContext, caller: Caller, data: unknown): Promise<ReportOutcome> {
  if (!registered(caller)) return { kind: 'notRegistered' };
  const organisations = await allOrganisations(ctx);
  const envelope = SubmitEnvelope.safeParse(data);
  if (!envelope.success) {
    // Not a card this bot built (or a tampered one): offer a fresh form, keep what can be kept.
    return {
      kind: 'invalid',
      values: formValuesOf(data),
      errors: { summary: 'This form could not be matched to a report card. Please check the fields and submit again.' },
      organisations,
      reporter: caller.organisation,
    };
  }
  const { submissionId } = envelope.data;

  const earlier = await submittedReference(ctx, submissionId);
  if (earlier) {
    const stored = await loadIncident(ctx, earlier);
    // A submission id is one card in one reporter's chat: anyone else sending it (a replayed or copied card)
    // learns nothing of that incident. Audited once per person, submission and hour, so a loop writes one row.
    if (stored && stored.record.reporter.aadObjectId !== caller.aadObjectId) {
      const hour = refusalWindowStart(ctx.clock());
      await auditIncident(ctx, {
        action: 'refusal',
        actor: { aadObjectId: caller.aadObjectId, organisationId: caller.organisation.id },
        reference: stored.record.reference,
        id: stableId('replayed-submission', caller.aadObjectId, submissionId, hour),
        note: "confirmation refused: another reporter's submission id (replayed card)",
      });
      return { kind: 'notYours' };
    }
    // A retry after a failure anywhere past the first write re-runs every later step (each is idempotent).
    if (stored) return { kind: 'recorded', record: stored.record, repeat: await afterStored(ctx, stored.record, organisations), organisations };
  }

  const now = ctx.clock();
  const invalid = (errors: FormErrors): ReportOutcome => ({ kind: 'invalid', submissionId, values: formValuesOf(data), errors, organisations, reporter: caller.organisation });
  const result = validateIncidentForm(data, { now, timeZone: ctx.config.timeZone, organisations });
  if (!result.ok) return invalid(result.errors);
  const d = result.draft;
  const reporter = { aadObjectId: caller.aadObjectId, organisationId: caller.organisation.id, displayName: caller.displayName };
  const recordWith = (reference: string): IncidentRecord => ({
    kind: 'incident',
    reference,
    borough: d.borough,
    category: d.category,
    hateCrimeStrand: d.hateCrimeStrand,
    area: d.area,
    postcodeDistrict: d.postcodeDistrict,
    occurredAt: d.occurredAt,
    reportedAt: now.toISOString(),
    summary: d.summary,
    people: d.people,
    policeReference: d.policeReference,
    risk: d.risk,
    actions: d.actions,
    sharedWith: d.sharedWith,
    marking: d.marking,
    reporter,
    restricted: { fullAddress: d.fullAddress, details: d.details, ...referenceFields(ctx, d.householdReference) },
    submissionId,
    version: 1,
    updatedAt: now.toISOString(),
  });
  // Every invariant of a stored report is checked before a reference number is drawn: a number drawn for a
  // report that is then refused is a gap in the borough's sequence that no one can explain. The provisional
  // reference has the real one's borough and year; only the sequence is unknown yet.
  const { code, year } = counterKey(d.borough, now, ctx.config.timeZone);
  const invariants = IncidentSummary.safeParse({
    ...recordWith(referenceFor(code, year, 1)),
    reporter: { aadObjectId: reporter.aadObjectId, organisationId: reporter.organisationId },
  });
  if (!invariants.success) return invalid(invariantErrors(invariants.error));
  const reference = await allocateReference(ctx, d.borough, now, submissionId);
  const record = recordWith(reference);

  const stored = await storeNewIncident(ctx, record);
  const repeat = await afterStored(ctx, stored, organisations);
  // Only after the report is safely stored: the next form starts from this one's place and sharing.
  await rememberChoices(ctx, caller.aadObjectId, stored);
  ctx.log.info('incident reported', { reference, borough: stored.borough, risk: stored.risk });
  return { kind: 'recorded', record: stored, repeat, organisations };
}

/**
 * Everything that follows once the incident is stored: its collection and
 * disclosure audit events, the repeat-complaint record (and the leads'
 * warning), and the channel announcement. Each step is idempotent (audit ids,
 * index rows and outbox ids derive from the submission and the reference),
 * and all of them run on every submission of the card, including a retry
 * that finds the incident already stored: a failure after any earlier step
 * is completed by the user's "Try again". Returns the repeat label.
 */
async function afterStored(ctx: AppContext, stored: IncidentRecord, organisations: readonly Organisation[]): Promise<string | undefined> {
  const reporter = stored.reporter;
  // Findable in lists and search.
  await reindexIncident(ctx, stored);
  await auditIncident(ctx, {
    action: 'collection',
    actor: reporter,
    reference: stored.reference,
    at: stored.reportedAt,
    id: stableId('collection', stored.submissionId),
    note: `reported: ${stored.category}, ${stored.risk} risk`,
  });
  await auditIncident(ctx, {
    action: 'disclosure',
    actor: reporter,
    reference: stored.reference,
    at: stored.reportedAt,
    id: stableId('disclosure', stored.submissionId),
    justification: 'shared by the reporter under the concordat information-sharing agreement',
    recipients: stored.sharedWith,
  });
  // Repeat complaints: indexed by the reference's keyed hash; leads warned at the case review threshold.
  const repeats = await recordComplaint(ctx, stored, organisations);
  await announceIncident(ctx, stored, organisations);
  return repeatLabel(repeats.count);
}

/**
 * A well-formed reference with no incident behind it: say so plainly (it was
 * mistyped, or deleted under the retention schedule), not "it looks like …",
 * which read as if the reference given were malformed.
 */
export function unknownIncidentCard(reference: string): AdaptiveCard {
  return messageCard({
    title: `No incident ${reference.slice(0, 40)}`,
    text: 'There is no incident with this reference: check it for a typing mistake (the reference is on the confirmation card and in **incidents**). Incidents past the retention period are deleted.',
    tone: 'warning',
  });
}
