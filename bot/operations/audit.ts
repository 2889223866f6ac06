import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context';
import type { AuditAction } from '../domain/audit';
import type { Member } from '../domain/member';

/** Records who did what to an operation, and who looked at its restricted briefing. */
export async function auditOperation(
  ctx: AppContext,
  member: Member,
  operationId: string,
  action: AuditAction,
  extra: { justification?: string; note?: string } = {},
): Promise<void> {
  await ctx.store.audit.create({
    id: randomUUID(),
    at: ctx.clock().toISOString(),
    action,
    actor: { aadObjectId: member.aadObjectId, organisationId: member.organisationId },
    subject: { type: 'operation', id: operationId },
    ...extra,
  });
}
