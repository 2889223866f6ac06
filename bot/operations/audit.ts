import { recordAudit } from '../audit/record';
import type { AppContext } from '../kernel/context';
import type { AuditAction } from '../audit/event';
import { EntraObjectId, type Member } from '../common/member';

/** Records who did what to an operation, and who looked at its restricted briefing. */
export async function auditOperation(
  ctx: AppContext,
  member: Member,
  operationId: string,
  action: AuditAction,
  extra: { justification?: string; note?: string; /** Deterministic for a step that re-runs on retry: logged once. */ id?: string; at?: string } = {},
): Promise<void> {
  await recordAudit(ctx, { action, actor: member, subject: { type: 'operation', id: operationId }, ...extra });
}

/** A refused action on an operation (e.g. a tampered button naming someone else's operation): audited like a change. */
export async function auditOperationRefusal(ctx: AppContext, caller: { aadObjectId?: string; member?: Member }, operationId: string, note: string): Promise<void> {
  if (!EntraObjectId.safeParse(caller.aadObjectId).success) return; // no identity to record
  await recordAudit(ctx, { action: 'refusal', actor: { aadObjectId: caller.aadObjectId!, organisationId: caller.member?.organisationId }, subject: { type: 'operation', id: operationId }, note });
}
