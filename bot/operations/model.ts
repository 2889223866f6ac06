import { createHash } from 'node:crypto';
import { z } from 'zod';
import { BoroughId, boroughById, findBorough, type Borough } from '../common/borough';
import { Id, Instant, ProtectiveMarking } from '../common/common';
import { EntraObjectId } from '../common/member';
import { OrganisationId } from '../common/organisation';
import { IncidentReference } from '../incidents/rules/incident';
import { lazySchema } from '../common/lazySchema';

export const OperationType = lazySchema(() => z.enum(['day-of-action', 'joint-visit', 'warrant', 'closure-hearing', 'community-event']));
export type OperationType = z.infer<typeof OperationType>;

export const OPERATION_TYPE_LABELS: Record<OperationType, string> = {
  'day-of-action': 'Day of action',
  'joint-visit': 'Joint visit',
  warrant: 'Warrant day',
  'closure-hearing': 'Closure-order hearing',
  'community-event': 'Community event',
};

/** Minutes before the start a reminder goes (negative: after the end, for outcomes). */
export const DEFAULT_REMINDER_OFFSETS_MIN = [7 * 24 * 60, 24 * 60, 120] as const;
export const DEFAULT_OUTCOMES_AFTER_MIN = 24 * 60;

/** What a joint operation achieved, recorded by its lead afterwards; totals feed the weekly digest. */
const outcomeCount = lazySchema(() => z.number().int().min(0).max(9999));
export const OperationOutcomes = lazySchema(() => z.object({
  arrests: outcomeCount,
  warrantsExecuted: outcomeCount,
  premisesClosed: outcomeCount,
  vehiclesSeized: outcomeCount,
  referrals: outcomeCount,
  notes: z.string().trim().max(1000).default(''),
  recordedBy: EntraObjectId,
  recordedAt: Instant,
}));
export type OperationOutcomes = z.infer<typeof OperationOutcomes>;
export const OUTCOME_COUNTS = ['arrests', 'warrantsExecuted', 'premisesClosed', 'vehiclesSeized', 'referrals'] as const;
export type OutcomeCount = (typeof OUTCOME_COUNTS)[number];
export const OUTCOME_LABELS: Record<OutcomeCount, string> = {
  arrests: 'Arrests',
  warrantsExecuted: 'Warrants executed',
  premisesClosed: 'Premises closed',
  vehiclesSeized: 'Vehicles seized',
  referrals: 'Referrals',
};

/** OP-STO-7K3Q9M: the borough code (so the id alone finds its partition) and six characters. */
export const OperationId = lazySchema(() => z.string().regex(/^OP-[A-Z]{3}-[0-9A-Z]{6}$/, 'an operation id such as OP-STO-7K3Q9M'));

const JointOperationFields = lazySchema(() => z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/),
  name: z.string().trim().min(3).max(100),
  type: OperationType,
  borough: BoroughId,
  /** Area or estate: never a full address, since the card goes to a channel. */
  area: z.string().trim().min(2).max(80),
  startsAt: Instant,
  endsAt: Instant,
  leadOrganisationId: OrganisationId,
  partnerOrganisationIds: z.array(OrganisationId),
  participants: z.array(EntraObjectId),
  coordinator: EntraObjectId,
  /** Restricted: shown only to participants, the coordinator and admins, in a private chat. */
  briefing: z.string().max(4000).optional(),
  linkedIncidents: z.array(IncidentReference),
  reminderOffsetsMin: z.array(z.number().int().min(5).max(60 * 24 * 60)).max(6),
  outcomesAfterMin: z.number().int().min(0).max(14 * 24 * 60),
  status: z.enum(['scheduled', 'cancelled', 'completed']),
  /** Goes up on every reschedule or cancellation: reminders and cards of an older version are stale. */
  version: z.number().int().min(1).default(1),
  /** The card instance that created it: a resubmitted card finds the operation instead of making another. */
  submissionId: z.string().uuid().optional(),
  createdAt: Instant.optional(),
  marking: ProtectiveMarking.default('OFFICIAL-SENSITIVE'),
  /** Channels the operation card was posted to, so moves and cancellations update those posts. */
  channelConversationIds: z.array(z.string().min(1)).default([]),
  /** The Outlook event made through Microsoft Graph, when Graph is configured. */
  calendar: z.object({ organiser: z.string().min(1), eventId: z.string().min(1) }).optional(),
  cancelledAt: Instant.optional(),
  cancelReason: z.string().trim().max(300).optional(),
  outcomes: OperationOutcomes.optional(),
}));

export const JointOperation = lazySchema(() => JointOperationFields
  .refine((o) => Date.parse(o.endsAt) > Date.parse(o.startsAt), { message: 'it ends after it starts', path: ['endsAt'] })
  .refine((o) => !o.partnerOrganisationIds.includes(o.leadOrganisationId), {
    message: 'the lead agency is not also listed as a partner',
    path: ['partnerOrganisationIds'],
  })
  .refine((o) => new Set(o.reminderOffsetsMin).size === o.reminderOffsetsMin.length, {
    message: 'each reminder time once',
    path: ['reminderOffsetsMin'],
  })
  .refine((o) => (o.status === 'completed') === (o.outcomes !== undefined), {
    message: 'a completed operation has outcomes, and only a completed one',
    path: ['outcomes'],
  })
  .refine((o) => (o.status === 'cancelled') === (o.cancelledAt !== undefined), {
    message: 'a cancelled operation records when',
    path: ['cancelledAt'],
  }));
export type JointOperation = z.infer<typeof JointOperation>;

/**
 * What a list shows of an operation: the upcoming list's timeline row and the digest's lines copy these fields
 * and no others (never participants, briefing or outcome notes). One list, so a line cannot drift from the
 * operation it copies.
 */
export const OPERATION_LINE_FIELDS = ['id', 'name', 'type', 'borough', 'area', 'startsAt', 'endsAt', 'leadOrganisationId'] as const;
type LineField = (typeof OPERATION_LINE_FIELDS)[number];
export const OperationLine = lazySchema(() => JointOperationFields.pick(Object.fromEntries(OPERATION_LINE_FIELDS.map((k) => [k, true])) as { [K in LineField]: true }));
export type OperationLine = z.infer<typeof OperationLine>;

/** An operation's line: its OPERATION_LINE_FIELDS. */
export function operationLine(op: OperationLine): OperationLine {
  return Object.fromEntries(OPERATION_LINE_FIELDS.map((k) => [k, op[k]])) as OperationLine;
}

const ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford: no I, L, O, U to misread

/** The id of the operation a card instance creates: the same submission always gives the same id. */
export function operationIdFor(borough: BoroughId, submissionId: string): string {
  const digest = createHash('sha256').update(submissionId).digest();
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += ID_ALPHABET[digest[i]! % 32];
  return `OP-${boroughById(borough).code}-${suffix}`;
}

/** The borough an operation id belongs to (its storage partition), or undefined for a malformed id. */
export function boroughOfOperationId(id: string): Borough | undefined {
  const m = /^OP-([A-Z]{3})-[0-9A-Z]{6}$/.exec(id.trim().toUpperCase());
  return m ? findBorough(m[1]!) : undefined;
}

export function hasEnded(op: Pick<JointOperation, 'endsAt'>, now: Date): boolean {
  return Date.parse(op.endsAt) <= now.getTime();
}

/** Who receives an operation's reminders: every participant and the coordinator, once each. */
export function reminderRecipients(op: Pick<JointOperation, 'participants' | 'coordinator'>): string[] {
  return [...new Set([...op.participants, op.coordinator])];
}

export const ReminderKind = lazySchema(() => z.enum(['before', 'outcomes', 'escalation', 'digest']));
export type ReminderKind = z.infer<typeof ReminderKind>;

/**
 * A message due at a time. A worker claims it by writing a lease with the
 * row's ETag, so two workers cannot both send it.
 */
export const Reminder = lazySchema(() => z.object({
  id: Id,
  kind: ReminderKind,
  subjectId: Id,
  dueAt: Instant,
  status: z.enum(['pending', 'claimed', 'sent', 'cancelled', 'skipped']),
  leaseUntil: Instant.optional(),
  sentAt: Instant.optional(),
  late: z.boolean().default(false),
  /** The subject's version this reminder was planned for: a reminder of an older version is stale. */
  subjectVersion: z.number().int().min(1).optional(),
  /** For `before`: minutes before the start it was planned at; for `outcomes`: minutes after the end. */
  offsetMin: z.number().int().min(0).optional(),
  /** Why it was not sent (cancelled, superseded, the operation had ended). */
  reason: z.string().max(200).optional(),
})
  .refine((r) => (r.status === 'claimed') === (r.leaseUntil !== undefined), {
    message: 'a claimed reminder has a lease, and only a claimed one',
    path: ['leaseUntil'],
  })
  .refine((r) => (r.status === 'sent') === (r.sentAt !== undefined), {
    message: 'a sent reminder records when',
    path: ['sentAt'],
  }));
export type Reminder = z.infer<typeof Reminder>;
