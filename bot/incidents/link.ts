import { z } from 'zod';
import { formatInstant } from '../common/dates';
import type { AppContext } from '../kernel/context';
import { boroughById } from '../common/borough';
import { IncidentReference } from './rules/incident';
import { decideAccess } from './rules/incidentAccess';
import { loadOperation, listOperationsEndingAfter, mutateOperation } from '../operations/repository';
import { incidentLinkCard } from '../../cards/incidentLink';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { auditIncident, stableId } from './audit';
import type { IncidentRecord } from './model';
import { notRegisteredCard } from './reportForm';
import { loadIncident } from './repository/read';
import { writeVersion } from './repository/writeVersion';
import { registered, type IncidentRequest } from './request';
import { unknownIncidentCard } from './submit';
import { refuse, viewerOf, viewIncident } from './view';

/**
 * "Link to a joint operation": the incident's reference is added to a
 * scheduled operation in its borough (bot/operations), and the link is kept
 * in the incident's history and audited as a combination of records
 * (DPA 2018 s.62). The operation shows the reference only; its partners
 * still pass the incident's access check to see details.
 */
const LinkData = z.object({ reference: IncidentReference, operationId: z.unknown() }).passthrough();
const RefData = z.object({ reference: IncidentReference }).passthrough();

async function choices(ctx: AppContext, record: IncidentRecord) {
  const ops = (await listOperationsEndingAfter(ctx, ctx.clock(), [record.borough]))
    .filter((o) => o.status === 'scheduled')
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt))
    .slice(0, 20);
  return ops.map((o) => ({
    title: `${o.name} · ${formatInstant(o.startsAt, ctx.config.timeZone, 'weekdayDateTime')}${o.linkedIncidents.includes(record.reference) ? ' (already linked)' : ''}`,
    value: o.id,
  }));
}

async function formOrNone(ctx: AppContext, record: IncidentRecord, selected = '', error = ''): Promise<AdaptiveCard> {
  const operations = await choices(ctx, record);
  const borough = boroughById(record.borough).name;
  if (operations.length === 0) {
    return messageCard({
      title: `No joint operations planned in ${borough}`,
      text: `A coordinator can schedule one with **schedule**; then link ${record.reference} to it from the incident.`,
    });
  }
  return incidentLinkCard({ reference: record.reference, borough, operations, selected, error });
}

async function loadLinkable(ctx: AppContext, req: IncidentRequest, reference: string): Promise<IncidentRecord | AdaptiveCard> {
  const loaded = await loadIncident(ctx, reference);
  if (!loaded) return unknownIncidentCard(reference);
  const r = loaded.record;
  if (decideAccess(viewerOf(req.caller), { reporterOrganisationId: r.reporter.organisationId, sharedWith: r.sharedWith }).level !== 'details') {
    return refuse(ctx, req, r, 'link');
  }
  if (r.anonymisedAt) return messageCard({ title: `${reference} is closed`, text: 'It has been anonymised under the retention schedule.', tone: 'warning' });
  return r;
}

const isCard = (x: IncidentRecord | AdaptiveCard): x is AdaptiveCard => (x as AdaptiveCard).type === 'AdaptiveCard';

export async function openLinkForm(ctx: AppContext, req: IncidentRequest, data: unknown): Promise<AdaptiveCard> {
  if (!registered(req.caller)) return notRegisteredCard();
  const parsed = RefData.safeParse(data);
  if (!parsed.success) return messageCard({ title: 'Which incident?', text: 'Open the incident again and press **Link to a joint operation**.', tone: 'warning' });
  const record = await loadLinkable(ctx, req, parsed.data.reference);
  return isCard(record) ? record : formOrNone(ctx, record);
}

export async function linkToOperation(ctx: AppContext, req: IncidentRequest, data: unknown): Promise<AdaptiveCard> {
  const caller = req.caller;
  if (!registered(caller)) return notRegisteredCard();
  const parsed = LinkData.safeParse(data);
  if (!parsed.success) return messageCard({ title: 'Which incident?', text: 'Open the incident again and press **Link to a joint operation**.', tone: 'warning' });
  const record = await loadLinkable(ctx, req, parsed.data.reference);
  if (isCard(record)) return record;
  const operationId = typeof parsed.data.operationId === 'string' ? parsed.data.operationId.trim().toUpperCase() : '';
  const op = operationId ? await loadOperation(ctx, operationId) : undefined;
  if (!op || op.value.borough !== record.borough || op.value.status !== 'scheduled' || Date.parse(op.value.endsAt) < ctx.clock().getTime()) {
    return formOrNone(ctx, record, '', 'Choose one of the operations listed');
  }
  const o = op.value;
  const org = caller.organisation.id;
  const mayLink =
    caller.member.roles.includes('admin') || o.coordinator === caller.aadObjectId || o.leadOrganisationId === org || o.partnerOrganisationIds.includes(org);
  if (!mayLink) {
    await auditIncident(ctx, { action: 'refusal', actor: { aadObjectId: caller.aadObjectId, organisationId: org }, reference: record.reference, note: `link to ${o.id} refused: not a partner in it` });
    return formOrNone(ctx, record, o.id, `Only ${o.name}'s coordinator and partner organisations can link incidents to it`);
  }
  // No early return when it is linked already: a retry after a failure part way must still write the
  // history entry and the combination event. Each step below is idempotent.
  await mutateOperation(ctx, o.id, (current) =>
    !current.linkedIncidents.includes(record.reference) ? { ...current, linkedIncidents: [...current.linkedIncidents, record.reference] } : undefined,
  );
  const by = { aadObjectId: caller.aadObjectId, organisationId: org, displayName: caller.displayName };
  const now = ctx.clock().toISOString();
  await writeVersion(
    ctx,
    record.reference,
    (current) => {
      if (current.history.some((h) => h.type === 'linked' && h.changes.some((c) => c.to?.startsWith(o.id)))) return undefined;
      const version = current.record.version + 1;
      return {
        record: { ...current.record, version, updatedAt: now },
        entry: { kind: 'history', reference: record.reference, partitionKey: current.partitionKey, version, type: 'linked', at: now, by, changes: [{ field: 'operation', to: `${o.id} ${o.name}` }] },
      };
    },
    { retryOnConflict: true },
  );
  const linked = (await loadIncident(ctx, record.reference))?.history.find((h) => h.type === 'linked' && h.changes.some((c) => c.to?.startsWith(o.id)));
  await auditIncident(ctx, {
    action: 'combination',
    actor: linked && linked.by.aadObjectId !== 'system' ? linked.by : by,
    reference: record.reference,
    at: linked?.at,
    id: stableId('combination', record.reference, o.id),
    note: `linked to joint operation ${o.id}`,
  });
  return viewIncident(ctx, req, record.reference);
}
