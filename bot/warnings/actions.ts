import { randomUUID } from 'node:crypto';
import { formatInstant } from '../common/dates';
import { z } from 'zod';
import type { AppContext } from '../kernel/context';
import { decideAccess, GRANT_JUSTIFICATION } from '../incidents/rules/incidentAccess';
import { RISK_GUIDANCE } from '../incidents/rules/incidentRedaction';
import { canSchedule } from '../operations/rules/access';
import type { OperationFormField } from '../operations/rules/form';
import { auditIncident } from '../incidents/audit';
import type { IncidentRecord } from '../incidents/model';
import { currentRecord } from '../incidents/repository/read';
import { categoryLabel } from '../incidents/present';
import { notRegisteredCard } from '../incidents/reportForm';
import { registered, type IncidentRequest } from '../incidents/request';
import { viewerOf } from '../incidents/view';
import { loadDirectory } from '../operations/repository';
import { scheduleFormCard } from '../operations/views';
import { enqueue } from '../outbox/enqueue';
import { targetOf } from '../outbox/model';
import { hotspotIncidentsCard } from '../../cards/hotspotIncidents';
import { messageCard } from '../../cards/message';
import type { AdaptiveCard } from '../../cards/render';
import { loadWarning } from './detect';
import type { HotspotWarning } from './model';
import { warningCard, warningPeriods, warningTitle } from './present';

/** The hotspot card's buttons: "See the incidents" and "Propose joint operation". */

/**
 * Cards posted before the rename carry the row as `key` (which the Teams web
 * client cannot send back, but the mobile clients can): both are read.
 */
const WarningData = z
  .object({ borough: z.string().max(40), warning: z.string().max(200).optional(), key: z.string().max(200).optional() })
  .passthrough()
  .transform((d) => ({ borough: d.borough, row: d.warning ?? d.key }));

async function warningOf(ctx: AppContext, data: unknown): Promise<HotspotWarning | AdaptiveCard> {
  const d = WarningData.safeParse(data);
  const w = d.success && d.data.row ? await loadWarning(ctx, d.data.borough, d.data.row) : undefined;
  return w ?? messageCard({ title: 'This warning is no longer available', text: 'It may have been removed. Type **incidents** to see recent incidents.', tone: 'warning' });
}

const isCard = (x: HotspotWarning | AdaptiveCard): x is AdaptiveCard => (x as AdaptiveCard).type === 'AdaptiveCard';

/**
 * The warning's incidents as they are now, found by reference (a corrected date moves an incident to
 * another week's partition). Those corrected since to another borough or district are no longer behind
 * this warning: counted apart, not listed.
 */
async function incidentsOf(ctx: AppContext, w: HotspotWarning): Promise<{ incidents: IncidentRecord[]; movedAway: number }> {
  const found = (await Promise.all(w.incidents.map((i) => currentRecord(ctx, i.reference)))).filter((r): r is IncidentRecord => r !== undefined);
  const here = found.filter((r) => r.borough === w.borough && r.postcodeDistrict === w.postcodeDistrict);
  return { incidents: here, movedAway: found.length - here.length };
}

/**
 * "See the incidents": the incidents behind a warning that the presser's
 * organisation may see, by the incident access rules; each one shown is
 * audited as a consultation, each one withheld as a refusal. Shown in a
 * personal chat; pressed in a channel, the list goes to the person's
 * personal chat through the outbox.
 */
export async function showHotspotIncidents(ctx: AppContext, req: IncidentRequest, data: unknown): Promise<AdaptiveCard> {
  const caller = req.caller;
  if (!registered(caller)) return notRegisteredCard();
  const w = await warningOf(ctx, data);
  if (isCard(w)) return w;
  const chat = req.scope === 'personal' ? undefined : await req.personalChat();
  if (req.scope !== 'personal' && !chat) {
    return warningCard(w, ctx.config.timeZone, { notice: 'The incidents are shown only in your private chat with Concordat, and you have not opened one yet. Open a chat with Concordat, then press the button again.', tone: 'attention' });
  }
  const viewer = viewerOf(caller);
  const actor = { aadObjectId: caller.aadObjectId, organisationId: caller.organisation.id };
  const tz = ctx.config.timeZone;
  const rows: { reference: string; heading: string; line: string }[] = [];
  let withheld = 0;
  const { incidents, movedAway } = await incidentsOf(ctx, w);
  for (const r of incidents) {
    const decision = decideAccess(viewer, { reporterOrganisationId: r.reporter.organisationId, sharedWith: r.sharedWith });
    if (decision.level !== 'details') {
      withheld++;
      await auditIncident(ctx, { action: 'refusal', actor, reference: r.reference, note: `hotspot warning ${w.id}: details refused: ${decision.reason}` });
      continue;
    }
    await auditIncident(ctx, {
      action: 'consultation',
      actor,
      reference: r.reference,
      justification: `${GRANT_JUSTIFICATION[decision.grant]}; listed behind hotspot warning ${w.id}${chat ? '; sent to their private chat' : ''}`,
    });
    rows.push({
      reference: r.reference,
      heading: `${r.reference} · ${categoryLabel(r)}`,
      line: `${formatInstant(r.occurredAt, tz, 'weekdayDateTime')} · ${r.postcodeDistrict} · ${RISK_GUIDANCE[r.risk].label} risk`,
    });
  }
  const list = hotspotIncidentsCard({
    title: `Behind the warning: ${warningTitle(w)}`.slice(0, 160),
    subtitle: `${warningPeriods(w, tz).counted}.${movedAway ? ` ${movedAway} of its incidents ${movedAway === 1 ? 'has' : 'have'} since been corrected to another place and ${movedAway === 1 ? 'is' : 'are'} not listed.` : ''}`,
    rows: rows.reverse(),
    withheld: withheld ? `${withheld} more ${withheld === 1 ? 'incident is' : 'incidents are'} not shared with ${caller.organisation.name}: ask the reporting organisation if you need ${withheld === 1 ? 'it' : 'them'}.` : '',
  });
  if (!chat) return list;
  await enqueue(ctx, `hotspot-incidents-${w.id}`, [
    { id: `hotspot-incidents:${w.id}:${randomUUID()}`, target: targetOf(chat), payload: { card: list, summary: 'Incidents behind a hotspot warning' }, notifyOnDeadLetter: false },
  ]);
  return warningCard(w, ctx.config.timeZone, { notice: 'I have sent the incidents you have access to to your private chat with Concordat.', tone: 'good' });
}

/**
 * "Propose joint operation": the scheduling card, filled in with the
 * hotspot's borough and area and the incidents behind it that the
 * coordinator may see. Coordinators only; in a private chat (pressed in a
 * channel, the card goes to their private chat).
 */
export async function proposeOperation(ctx: AppContext, req: IncidentRequest, data: unknown): Promise<AdaptiveCard> {
  const caller = req.caller;
  const w = await warningOf(ctx, data);
  if (isCard(w)) return w;
  if (!registered(caller) || !canSchedule(caller.member)) {
    return warningCard(w, ctx.config.timeZone, { notice: 'Only concordat coordinators can propose a joint operation. Ask your coordinator, who can press the button too.', tone: 'attention' });
  }
  const chat = req.scope === 'personal' ? undefined : await req.personalChat();
  if (req.scope !== 'personal' && !chat) {
    return warningCard(w, ctx.config.timeZone, { notice: 'Scheduling happens in your private chat with Concordat, and you have not opened one yet. Open a chat with Concordat, then press the button again.', tone: 'attention' });
  }
  const viewer = viewerOf(caller);
  const linked = (await incidentsOf(ctx, w)).incidents
    .filter((r) => decideAccess(viewer, { reporterOrganisationId: r.reporter.organisationId, sharedWith: r.sharedWith }).level === 'details')
    .map((r) => r.reference)
    .slice(-20);
  const prefill: Partial<Record<OperationFormField, string>> = {
    name: `Hotspot response: ${w.area}`.slice(0, 100),
    type: 'day-of-action',
    borough: w.borough,
    area: w.area,
    incidents: linked.join(','),
    briefing: `Proposed from an early warning: ${w.count} ${w.ruleLabel.toLowerCase()} incidents in ${w.area}, ${w.postcodeDistrict} ${warningPeriods(w, ctx.config.timeZone).counted.replace(/^\d+ reports? /, ' ')}.`,
  };
  const form = scheduleFormCard(await loadDirectory(ctx), ctx.config.timeZone, ctx.clock(), { caller: caller.member, prefill });
  if (!chat) return form;
  await enqueue(ctx, `hotspot-propose-${w.id}`, [
    { id: `hotspot-propose:${w.id}:${randomUUID()}`, target: targetOf(chat), payload: { card: form, summary: 'Propose a joint operation for a hotspot' }, notifyOnDeadLetter: false },
  ]);
  return warningCard(w, ctx.config.timeZone, { notice: 'I have sent you the scheduling card, filled in for this hotspot, in your private chat with Concordat.', tone: 'good' });
}
