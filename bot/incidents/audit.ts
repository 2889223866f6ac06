import { createHash } from 'node:crypto';
import type { AppContext } from '../kernel/context';
import type { AuditAction, AuditActor } from '../audit/event';
import { recordAudit } from '../audit/record';

/**
 * Writes one audit event about an incident. `id` makes it idempotent: a
 * retried submission logs its collection once. Refusals and views get a fresh
 * id each time, since every look counts.
 */
export async function auditIncident(
  ctx: AppContext,
  e: { action: AuditAction; actor: AuditActor; reference: string; at?: string; id?: string; justification?: string; recipients?: string[]; note?: string },
): Promise<void> {
  const { reference, ...rest } = e;
  // A justification is what the person typed (up to 500 characters kept); notes are ours (300).
  await recordAudit(ctx, { ...rest, subject: { type: 'incident', id: reference }, justification: e.justification?.slice(0, 500), note: e.note?.slice(0, 300) });
}

/** A short stable id from parts (for deterministic audit and outbox ids). */
export function stableId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24);
}
