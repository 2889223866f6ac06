import { insertedAlertCard } from '../alerts/views';
import { findAlert as findAlertById } from '../alerts/repository';
import { recordAudit } from '../audit/record';
import type { AppContext } from '../kernel/context';
import { boroughById } from '../common/borough';
import { IncidentReference } from '../incidents/rules/incident';
import { decideAccess, GRANT_JUSTIFICATION } from '../incidents/rules/incidentAccess';
import { OperationId, OPERATION_TYPE_LABELS } from '../operations/model';
import { auditIncident, stableId } from '../incidents/audit';
import { refusalWindow } from '../conversation/refusalAudit';
import { categoryLabel, redactedOf } from '../incidents/present';
import { openIncident } from '../incidents/repository/read';
import { registered } from '../incidents/request';
import { normaliseReference, viewerOf } from '../incidents/view';
import { auditOperation } from '../operations/audit';
import { loadDirectory, loadOperation } from '../operations/repository';
import { channelCard } from '../operations/views';
import { allOrganisations } from '../referenceData';
import type { ExtensionRequest, ExtensionResult } from '../common/route';
import { incidentRedactedCard } from '../../cards/incidentRedacted';
import { INCIDENT_VERBS } from '../incidents/verbs';

/**
 * "Find by reference" (a message extension's search command): an incident
 * (STO-2026-000123), a joint operation (OP-STO-7K3Q9M) or an alert (its id)
 * as the de-identified card that may be posted in a channel, to insert into
 * any chat. Only what the caller may see: an incident its organisation may
 * open, any operation (its channel card is for every partner), an alert for
 * the caller's boroughs. Unknown and forbidden references answer alike, with
 * no result, so a search cannot tell whether something exists. Every card
 * offered is audited as a read, and every refused incident as a refusal.
 */

/**
 * An alert's id, as the alert form and the partner API make it (bot/common/stableId.ts: `alert-` and 16 letters or
 * digits, case significant, which the API's 202 answer gives the partner), or the 24 hex digits of alerts stored before.
 */
const ALERT_ID = /^alert-[A-Za-z0-9]{16}$/;
const OLDER_ALERT_ID = /^[a-f0-9]{24}$/;

const INSERTED = 'offered for insertion into a chat as its de-identified card (message extension search)';

/**
 * The audit id of one caller's search for one item in one hour. Teams queries again as the person types and
 * pauses, so the same complete reference can arrive several times in a few seconds: one row per person, item,
 * outcome and hour records the look without letting a loop fill the log.
 */
function searchAuditId(ctx: AppContext, caller: { aadObjectId: string }, item: string, outcome: 'shown' | 'refused'): string {
  return stableId('extension-search', caller.aadObjectId, item, outcome, String(refusalWindow(ctx.clock())));
}

export async function findByReference(ctx: AppContext, req: ExtensionRequest & { text: string }): Promise<ExtensionResult[]> {
  const caller = req.caller;
  if (!registered(caller)) return [];
  const text = req.text.trim().slice(0, 64);
  if (!text) return [];
  const incident = normaliseReference(text);
  if (IncidentReference.safeParse(incident).success) return findIncident(ctx, caller, incident);
  const operation = text.toUpperCase();
  if (OperationId.safeParse(operation).success) return findOperation(ctx, caller, operation);
  if (ALERT_ID.test(text)) return findAlert(ctx, caller, text);
  if (OLDER_ALERT_ID.test(text.toLowerCase())) return findAlert(ctx, caller, text.toLowerCase());
  return [];
}

type Caller = ExtensionRequest['caller'];
type Registered = Caller & { aadObjectId: string; member: NonNullable<Caller['member']>; organisation: NonNullable<Caller['organisation']> };

async function findIncident(ctx: AppContext, caller: Registered, reference: string): Promise<ExtensionResult[]> {
  // The card needs the record only, not its history: two point reads (the index row, then the incident's row).
  const opened = await openIncident(ctx, reference);
  if (!opened) return [];
  const r = opened.record;
  const actor = { aadObjectId: caller.aadObjectId, organisationId: caller.organisation.id };
  const decision = decideAccess(viewerOf(caller), { reporterOrganisationId: r.reporter.organisationId, sharedWith: r.sharedWith });
  if (decision.level !== 'details') {
    await auditIncident(ctx, { action: 'refusal', actor, reference, id: searchAuditId(ctx, caller, reference, 'refused'), note: `search (message extension) refused: ${decision.reason}` });
    return [];
  }
  const organisations = await allOrganisations(ctx, caller);
  const redacted = redactedOf(r, organisations);
  await auditIncident(ctx, { action: 'consultation', actor, reference, id: searchAuditId(ctx, caller, reference, 'shown'), justification: `${GRANT_JUSTIFICATION[decision.grant]}; ${INSERTED}` });
  return [
    {
      // The channel announcement's card: reference, category, district, risk and reporting organisation, with
      // View details running the access check for whoever presses it.
      card: incidentRedactedCard({
        title: `Incident ${r.reference}`,
        incident: redacted,
        notice: 'Partners with access can press View details: the details are sent to their private chat with Concordat.',
        buttons: [{ title: 'View details', verb: INCIDENT_VERBS.view, data: { reference: r.reference } }],
      }),
      preview: { title: `Incident ${r.reference}`, text: `${categoryLabel(r)} · ${redacted.borough} ${redacted.postcodeDistrict} · ${redacted.riskLabel}` },
    },
  ];
}

async function findOperation(ctx: AppContext, caller: Registered, id: string): Promise<ExtensionResult[]> {
  const op = (await loadOperation(ctx, id))?.value;
  if (!op) return [];
  await auditOperation(ctx, caller.member, op.id, 'consultation', {
    id: searchAuditId(ctx, caller, op.id, 'shown'),
    justification: `registered partner: the operation's channel card is for every partner; ${INSERTED}`,
  });
  return [
    {
      card: channelCard(op, await loadDirectory(ctx), ctx.config.timeZone, ctx.clock()),
      preview: { title: op.name, text: `${OPERATION_TYPE_LABELS[op.type]} · ${boroughById(op.borough).name} · ${op.status} · ${op.id}` },
    },
  ];
}

async function findAlert(ctx: AppContext, caller: Registered, id: string): Promise<ExtensionResult[]> {
  const record = await findAlertById(ctx, id);
  if (!record) return [];
  // As the alerts list: an alert for one of the caller's organisation's boroughs, or any for an administrator.
  const mine = caller.member.roles.includes('admin') || record.alert.boroughs.some((b) => caller.organisation.boroughs.includes(b));
  const actor = { aadObjectId: caller.aadObjectId, organisationId: caller.organisation.id };
  await recordAudit(ctx, {
    id: searchAuditId(ctx, caller, id, mine ? 'shown' : 'refused'),
    action: mine ? 'consultation' : 'refusal',
    actor,
    subject: { type: 'alert', id },
    ...(mine ? { justification: `alert for the caller's boroughs; ${INSERTED}` } : { note: 'search (message extension) refused: not for the caller\'s boroughs' }),
  });
  if (!mine) return [];
  return [
    {
      card: await insertedAlertCard(ctx, record),
      preview: { title: record.alert.title, text: `Partnership alert · ${record.alert.boroughs.map((b) => boroughById(b).name).join(', ')} · ${record.alert.severity}` },
    },
  ];
}
