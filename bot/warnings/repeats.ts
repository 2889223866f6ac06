import type { AppContext } from '../kernel/context';
import { complaintsOf, indexComplaint } from './repository';
import { formatInstant } from '../common/dates';
import { boroughById } from '../common/borough';
import {
  CASE_REVIEW_MONTHS,
  CASE_REVIEW_THRESHOLD,
  hashComplaintReference,
  monthsBefore,
  ordinal,
  qualifyingComplaints,
  repeatLabel,
  type Complaint,
} from '../incidents/rules/complaintReference';
import type { Member } from '../common/member';
import type { Organisation } from '../common/organisation';
import { CATEGORY_LABELS } from '../common/taxonomy';
import { counted } from '../common/words';
import type { IncidentRecord } from '../incidents/model';
import { organisationName } from '../incidents/present';
import { personalChats } from '../conversation/repository';
import { incidentAt, partitionOf } from '../incidents/repository/read';
import { enqueue } from '../outbox/enqueue';
import { targetOf } from '../outbox/model';
import { ConcurrencyError } from '../store/errors';
import { auditIncident, stableId } from '../incidents/audit';
import { repeatComplaintCard } from '../../cards/repeatComplaint';
import { keepPrivateNotices } from '../notices/keep';
import { INCIDENT_VERBS } from '../incidents/verbs';
import { activeMembers } from '../directory/repository';

/**
 * Repeat complaints and the ASB case-review threshold. A report that carries
 * a household or complainant reference is indexed under the reference's
 * keyed hash (ComplaintIndex: PartitionKey hash, RowKey occurredAt|reference);
 * the complaints counted with it are read back from that one partition.
 * See domain/complaintReference.ts for the matching rule.
 */

/** The restricted fields a report or edit stores for a reference typed on the form (none when it is blank). */
export function referenceFields(ctx: AppContext, typed: string | undefined): { householdReference?: string; householdReferenceHash?: string } {
  const t = typed?.trim();
  if (!t) return {};
  return { householdReference: t, householdReferenceHash: hashComplaintReference(ctx.config.referenceHashKey, t) };
}

const asComplaint = (r: IncidentRecord): Complaint => ({
  reference: r.reference,
  category: r.category,
  occurredAt: r.occurredAt,
  reporterOrganisationId: r.reporter.organisationId,
  sharedWith: r.sharedWith,
  anonymised: r.anonymisedAt !== undefined,
});

/** The complaints counted with this incident, oldest first (empty if it has no reference or is not ASB). */
export async function qualifyingFor(ctx: AppContext, record: IncidentRecord, organisations: readonly Organisation[]): Promise<Complaint[]> {
  const hash = record.restricted.householdReferenceHash;
  if (!hash) return [];
  const from = monthsBefore(record.occurredAt, CASE_REVIEW_MONTHS).toISOString();
  const rows = await complaintsOf(ctx, hash, from, record.occurredAt);
  const loaded = await Promise.all(
    rows
      .filter((r) => r.reference !== record.reference)
      .map((r) => incidentAt(ctx, r.partitionKey, r.reference)),
  );
  // The index may hold a row whose incident was since edited to another reference: the incident decides.
  const same = loaded.filter((v): v is IncidentRecord => v?.restricted.householdReferenceHash === hash).map(asComplaint);
  const kinds = new Map(organisations.map((o) => [o.id, o.kind]));
  return qualifyingComplaints(asComplaint(record), same, (id) => kinds.get(id));
}

/** "repeat: 3rd in 6 months" for an incident card shown to someone with access; undefined for a first complaint. */
export async function repeatStatus(ctx: AppContext, record: IncidentRecord, organisations: readonly Organisation[]): Promise<string | undefined> {
  if (!record.restricted.householdReferenceHash || record.anonymisedAt) return undefined;
  return repeatLabel((await qualifyingFor(ctx, record, organisations)).length);
}

const LEAD_ROLES = new Set<Member['roles'][number]>(['admin', 'coordinator', 'themeLead']);

/**
 * Who is warned about repeat complaints: leads (admins, coordinators, theme leads) of the reporting organisation,
 * and of the police. Also re-checked when someone opens a warning kept for them (notices/open.ts).
 */
export function receivesRepeatWarning(member: Pick<Member, 'roles' | 'organisationId'>, organisationKind: Organisation['kind'] | undefined, reporterOrganisationId: string): boolean {
  return member.roles.some((r) => LEAD_ROLES.has(r)) && (member.organisationId === reporterOrganisationId || organisationKind === 'police');
}

/**
 * After a report (or an edit that set a reference) is stored: indexes it,
 * and when it brings the linked complaints to the threshold or beyond,
 * warns the reporting organisation's leads (its admins, coordinators and
 * theme leads) and the police's leads, each in their personal chat through
 * the outbox. One warning per complaint and person, whatever the retries.
 */
export async function recordComplaint(
  ctx: AppContext,
  record: IncidentRecord,
  organisations: readonly Organisation[],
): Promise<{ count: number; notified: number; unreachable: number; kept: number }> {
  const hash = record.restricted.householdReferenceHash;
  if (!hash) return { count: 0, notified: 0, unreachable: 0, kept: 0 };
  const partitionKey = await partitionOf(ctx, record.reference);
  if (!partitionKey) throw new Error(`incident ${record.reference} is not indexed`);
  // Indexed once (a retry finds it); re-pointed when the incident has since moved partition (a corrected borough or week).
  await indexComplaint(ctx, { hash, reference: record.reference, occurredAt: record.occurredAt, partitionKey, indexedAt: ctx.clock().toISOString() });
  const qualifying = await qualifyingFor(ctx, record, organisations);
  const count = qualifying.length;
  if (count < CASE_REVIEW_THRESHOLD) return { count, notified: 0, unreachable: 0, kept: 0 };

  const kinds = new Map(organisations.map((o) => [o.id, o.kind]));
  const members = await activeMembers(ctx);
  const recipients = members.filter((m) => receivesRepeatWarning(m, kinds.get(m.organisationId), record.reporter.organisationId));
  const chats = await personalChats(ctx);
  const reachable = recipients.flatMap((m) => {
    const chat = chats.get(m.aadObjectId);
    return chat ? [{ member: m, chat }] : [];
  });
  const tz = ctx.config.timeZone;
  const card = repeatComplaintCard({
    count,
    months: CASE_REVIEW_MONTHS,
    threshold: CASE_REVIEW_THRESHOLD,
    borough: boroughById(record.borough).name,
    complaints: qualifying.map((c, i) => ({
      title: ordinal(i + 1),
      value: `${formatInstant(c.occurredAt, tz, 'weekdayDateTime')} · ${c.reference} · ${CATEGORY_LABELS[c.category]} · ${organisationName(organisations, c.reporterOrganisationId)}`,
    })),
    buttons: [{ title: `View ${record.reference}`, verb: INCIDENT_VERBS.view, data: { reference: record.reference } }],
  });
  const summary = `ASB case review threshold: ${ordinal(count)} complaint in ${CASE_REVIEW_MONTHS} months (${record.reference})`;
  const { added } = await enqueue(
    ctx,
    `repeat-${record.reference}`,
    reachable.map(({ member, chat }) => ({
      id: `repeat:${record.reference}:${member.aadObjectId}`,
      target: targetOf(chat),
      payload: { card, summary },
    })),
  );
  // Leads with no personal chat (a shared-channel member from a partner tenant cannot have one): the same card is
  // kept for them, to open from a channel card, shown to them alone; opening it is audited as a disclosure.
  const withoutChat = recipients.filter((m) => !chats.has(m.aadObjectId));
  const kept = await keepPrivateNotices(
    ctx,
    withoutChat.map((m) => ({
      recipient: m.aadObjectId,
      id: `repeat:${record.reference}`,
      about: { kind: 'repeatComplaint' as const, reference: record.reference, reporterOrganisationId: record.reporter.organisationId },
      title: summary,
      card,
    })),
  );
  // Matching records by the hashed reference and sending their references, dates and organisations to
  // these leads combines them (DPA 2018 s.62): logged on every incident in the match, once per
  // triggering complaint however often it is retried, naming who received it.
  const combined = qualifying.map((c) => c.reference);
  const others = combined.filter((r) => r !== record.reference);
  for (const c of qualifying) {
    await auditIncident(ctx, {
      action: 'combination',
      actor: 'system',
      reference: c.reference,
      at: record.reportedAt,
      id: stableId('combination', 'repeat', record.reference, c.reference),
      recipients: reachable.map(({ member }) => member.aadObjectId),
      note: `repeat complaints (same household or complainant reference): ${ordinal(count)} in ${CASE_REVIEW_MONTHS} months, triggered by ${record.reference}; matched with ${(c.reference === record.reference ? others : combined.filter((r) => r !== c.reference)).join(', ')}; sent to ${counted(reachable.length, 'lead')}, kept for ${withoutChat.length} with no personal chat`.slice(0, 300),
    });
  }
  const unreachable = recipients.length - reachable.length;
  ctx.log.info('repeat complaints at the case review threshold', { reference: record.reference, count, recipients: reachable.length, unreachable, newlyEnqueued: added, newlyKept: kept });
  return { count, notified: reachable.length, unreachable, kept: withoutChat.length };
}
