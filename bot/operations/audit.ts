import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/repository';
import type { AppContext } from '../kernel/context';
import type { AuditAction } from '../audit/event';
import { EntraObjectId, type Member } from '../shared/member';

/** Records who did what to an operation, and who looked at its restricted briefing. */
export async function auditOperation(
  ctx: AppContext,
  member: Member,
  operationId: string,
  action: AuditAction,
  extra: { justification?: string; note?: string; /** Deterministic for a step that re-runs on retry: logged once. */ id?: string; at?: string } = {},
): Promise<void> {
  await appendAudit(ctx, {
    id: randomUUID(),
    at: ctx.clock().toISOString(),
    action,
    actor: { aadObjectId: member.aadObjectId, organisationId: member.organisationId },
    subject: { type: 'operation', id: operationId },
    ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
  });
}

/** A refused action on an operation (e.g. a tampered button naming someone else's operation): audited like a change. */
export async function auditOperationRefusal(ctx: AppContext, caller: { aadObjectId?: string; member?: Member }, operationId: string, note: string): Promise<void> {
  if (!EntraObjectId.safeParse(caller.aadObjectId).success) return; // no identity to record
  await appendAudit(ctx, {
    id: randomUUID(),
    at: ctx.clock().toISOString(),
    action: 'refusal',
    actor: { aadObjectId: caller.aadObjectId!, organisationId: caller.member?.organisationId },
    subject: { type: 'operation', id: operationId },
    note,
  });
}
