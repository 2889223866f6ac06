import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Instant } from '../common/common';
import { EntraObjectId } from '../common/member';
import { OrganisationId } from '../common/organisation';
import { lazySchema } from '../common/lazySchema';

/**
 * The kinds of processing that DPA 2018 s.62 requires logs of, plus refusals
 * (a denied look is as interesting to an auditor as a granted one).
 */
export const AuditAction = lazySchema(() => z.enum(['collection', 'alteration', 'consultation', 'disclosure', 'combination', 'erasure', 'refusal']));
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEvent = lazySchema(() => z.object({
  id: z.string().min(8),
  at: Instant,
  action: AuditAction,
  actor: z.object({ aadObjectId: EntraObjectId.or(z.literal('system')), organisationId: OrganisationId.optional() }),
  /** `route`: a command or card action refused by the gate (id: the command title or verb, never anything the caller typed). */
  subject: z.object({ type: z.enum(['incident', 'alert', 'operation', 'priorities', 'member', 'route', 'directory', 'access-request']), id: z.string().min(1) }),
  justification: z.string().max(500).optional(),
  recipients: z.array(z.string()).optional(),
  /** Never the content itself: erasure logs must not keep what was erased. */
  note: z.string().max(300).optional(),
})
  .refine((e) => !['consultation', 'disclosure'].includes(e.action) || !!e.justification, {
    message: 'consultation and disclosure record a justification',
    path: ['justification'],
  })
  .refine((e) => e.action !== 'disclosure' || (e.recipients?.length ?? 0) > 0, {
    message: 'a disclosure records its recipients',
    path: ['recipients'],
  }));
export type AuditEvent = z.infer<typeof AuditEvent>;

/** Who did something: a member (only their object id and organisation are kept), or the system (a timer, retention, a deploy step). */
export type AuditActor = { aadObjectId: string; organisationId?: string } | 'system';

/** What a use case says about one processing step; `auditEvent` makes it an event. */
export interface AuditInput {
  action: AuditAction;
  actor: AuditActor;
  subject: AuditEvent['subject'];
  /** Stable for a step that re-runs on retry (it is logged once); absent, a fresh id: every look counts. */
  id?: string;
  /** When it happened, if not now. */
  at?: string;
  justification?: string;
  recipients?: string[];
  note?: string;
}

/**
 * The one way an audit event is built: its id, its time from the injected clock, the actor reduced to who they
 * are. Trimming free text to what a slice's events may hold is the caller's (it knows what its notes say).
 */
export function auditEvent(now: Date, e: AuditInput, newId: () => string = randomUUID): AuditEvent {
  return {
    id: e.id ?? newId(),
    at: e.at ?? now.toISOString(),
    action: e.action,
    actor: e.actor === 'system' ? { aadObjectId: 'system' } : { aadObjectId: e.actor.aadObjectId, organisationId: e.actor.organisationId },
    subject: e.subject,
    justification: e.justification,
    recipients: e.recipients,
    note: e.note,
  };
}
