import { createHash, randomUUID } from 'node:crypto';
import type { AppContext } from '../kernel/context';
import { AuditEvent, type AuditAction } from '../audit/event';
import { appendAudit } from '../audit/repository';

/** Who did something, for the audit log: a member, or the system (retention). */
export type AuditActor = { aadObjectId: string; organisationId?: string } | 'system';

/**
 * Writes one audit event about an incident. `id` makes it idempotent: a
 * retried submission logs its collection once. Refusals and views get a fresh
 * id each time, since every look counts.
 */
export async function auditIncident(
  ctx: AppContext,
  e: { action: AuditAction; actor: AuditActor; reference: string; at?: string; id?: string; justification?: string; recipients?: string[]; note?: string },
): Promise<void> {
  const event = AuditEvent.parse({
    id: e.id ?? randomUUID(),
    at: e.at ?? ctx.clock().toISOString(),
    action: e.action,
    actor: e.actor === 'system' ? { aadObjectId: 'system' } : { aadObjectId: e.actor.aadObjectId, organisationId: e.actor.organisationId },
    subject: { type: 'incident', id: e.reference },
    justification: e.justification?.slice(0, 500),
    recipients: e.recipients,
    note: e.note?.slice(0, 300),
  });
  await appendAudit(ctx, event); // once per id: a retried step logs nothing twice
}

/** A short stable id from parts (for deterministic audit and outbox ids). */
export function stableId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24);
}
