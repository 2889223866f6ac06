import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import { IncidentReference } from './rules/incident';
import { mayAddUpdate, mayEdit } from './rules/incidentAccess';
import { toWallClock } from '../common/timezone';
import { incidentFormCard } from '../../cards/incidentForm';
import { incidentUpdateFormCard } from '../../cards/incidentUpdateForm';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { actorOf, addUpdate, sharingOf } from './addUpdate';
import { auditIncident } from './audit';
import { editIncident } from './editIncident';
import type { IncidentRecord } from './model';
import { formChoices, formValuesOfRecord } from './present';
import { formatInstant, timeZoneLabel } from '../common/dates';
import { newSubmissionId, notRegisteredCard } from './reportForm';
import { loadIncident } from './repository/read';
import type { LoadedIncident } from './repository/loadedIncident';
import { registered, type IncidentRequest } from './request';
import { unknownIncidentCard } from './submit';
import { refuse, viewerOf, viewIncident } from './view';
import { allOrganisations } from '../referenceData';

/**
 * Changing an incident, as cards: the "add an update" and "edit" forms, and
 * the answers to their submissions. The use cases are bot/incidents/addUpdate.ts
 * and bot/incidents/editIncident.ts (they return what happened; this turns it
 * into the card the user sees).
 */

const RefData = z.object({ reference: IncidentReference }).passthrough();

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

export async function openUpdateForm(ctx: AppContext, req: IncidentRequest, data: unknown): Promise<AdaptiveCard> {
  const loaded = await loadFor(ctx, req, data);
  if (isCard(loaded)) return loaded;
  if (!mayAddUpdate(viewerOf(req.caller), sharingOf(loaded.record))) return refuse(ctx, req, loaded.record, 'add an update to');
  if (loaded.record.anonymisedAt) return anonymisedCard(loaded.record.reference);
  return incidentUpdateFormCard({ reference: loaded.record.reference, submissionId: newSubmissionId() });
}

export async function submitUpdate(ctx: AppContext, req: IncidentRequest, data: unknown): Promise<AdaptiveCard> {
  const outcome = await addUpdate(ctx, req.caller, data);
  switch (outcome.kind) {
    case 'notRegistered': return notRegisteredCard();
    case 'stale': return staleFormCard();
    case 'unknown': return unknownIncidentCard(outcome.reference);
    case 'refused': return refuse(ctx, req, outcome.record, 'add an update to');
    case 'anonymised': return anonymisedCard(outcome.reference);
    case 'invalid': return incidentUpdateFormCard({ reference: outcome.reference, submissionId: outcome.submissionId, note: outcome.note, error: outcome.error });
    case 'moving': return movingCard(outcome.reference);
    case 'added': return viewIncident(ctx, req, outcome.reference);
  }
}

/** The edit form's note on where and when: the reference stays, whatever is corrected. */
function placeNote(r: IncidentRecord): string {
  return `${r.reference} keeps its number if you correct the borough, date or time: a reference names the borough and year where the incident was first recorded, and it is already on cards and in partners' records. Say why in "Reason for correcting the borough, date or time".`;
}

export async function openEditForm(ctx: AppContext, req: IncidentRequest, data: unknown): Promise<AdaptiveCard> {
  const loaded = await loadFor(ctx, req, data);
  if (isCard(loaded) || !registered(req.caller)) return isCard(loaded) ? loaded : notRegisteredCard();
  const r = loaded.record;
  if (!mayEdit(viewerOf(req.caller), sharingOf(r))) return refuse(ctx, req, r, 'edit');
  if (r.anonymisedAt) return anonymisedCard(r.reference);
  // The form shows the restricted fields, so opening it is a consultation.
  await auditIncident(ctx, { action: 'consultation', actor: actorOf(req.caller), reference: r.reference, justification: 'opened for editing by the reporting organisation or an administrator' });
  const organisations = await allOrganisations(ctx);
  const tz = ctx.config.timeZone;
  return incidentFormCard({
    mode: { kind: 'edit', submissionId: newSubmissionId(), reference: r.reference, baseVersion: r.version, placeNote: placeNote(r) },
    values: formValuesOfRecord(r, tz),
    today: toWallClock(ctx.clock(), tz).date,
    reportedAt: formatInstant(r.reportedAt, tz, 'weekdayDateTime'),
    timeZoneLabel: timeZoneLabel(tz),
    choices: formChoices(organisations, r.reporter.organisationId),
  });
}

export async function submitEdit(ctx: AppContext, req: IncidentRequest, data: unknown): Promise<AdaptiveCard> {
  const outcome = await editIncident(ctx, req.caller, data);
  switch (outcome.kind) {
    case 'notRegistered': return notRegisteredCard();
    case 'stale': return staleFormCard();
    case 'unknown': return unknownIncidentCard(outcome.reference);
    case 'refused': return refuse(ctx, req, outcome.record, 'edit');
    case 'anonymised': return anonymisedCard(outcome.reference);
    case 'moving': return movingCard(outcome.reference);
    case 'conflict': return conflictCard(outcome.reference);
    case 'edited': return viewIncident(ctx, req, outcome.reference);
    case 'invalid': {
      const { record: r, submissionId, baseVersion, values, errors, reason, reasonError, organisations } = outcome;
      const tz = ctx.config.timeZone;
      return incidentFormCard({
        mode: { kind: 'edit', submissionId, reference: r.reference, baseVersion, placeNote: placeNote(r), correctionReason: reason.slice(0, 1000), correctionError: reasonError ?? '' },
        values,
        errors,
        today: toWallClock(ctx.clock(), tz).date,
        reportedAt: formatInstant(r.reportedAt, tz, 'weekdayDateTime'),
        timeZoneLabel: timeZoneLabel(tz),
        choices: formChoices(organisations, r.reporter.organisationId),
      });
    }
  }
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
