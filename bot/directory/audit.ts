import { randomUUID } from 'node:crypto';
import type { AppContext } from '../kernel/context';
import { AuditEvent, type AuditAction } from '../audit/event';
import { appendAudit } from '../audit/repository';
import type { UserLookup } from './resolveUpns';

/**
 * What the directory's use cases need: the store, the clock, the audit chain's key, and Microsoft Graph where it is
 * configured (people files naming people by user principal name: bot/directory/resolveUpns.ts).
 */
export type DirectoryCtx = Pick<AppContext, 'store' | 'clock'> & { config: Pick<AppContext['config'], 'auditChainKey'>; graph?: UserLookup };

/** Who changed the directory: a member (their object id and organisation), or the system (a timer, a deploy step). */
export type DirectoryActor = { aadObjectId: string; organisationId?: string } | 'system';

/**
 * One audit row about the directory, a member or an access request. With
 * `id` it is written once however often a retried step runs.
 */
export async function auditDirectory(
  ctx: DirectoryCtx,
  e: { action: AuditAction; actor: DirectoryActor; subject: { type: 'directory' | 'member' | 'access-request'; id: string }; note: string; id?: string; at?: string; recipients?: string[]; justification?: string },
): Promise<void> {
  const event = AuditEvent.parse({
    id: e.id ?? randomUUID(),
    at: e.at ?? ctx.clock().toISOString(),
    action: e.action,
    actor: e.actor === 'system' ? { aadObjectId: 'system' } : { aadObjectId: e.actor.aadObjectId, organisationId: e.actor.organisationId },
    subject: e.subject,
    note: e.note.slice(0, 300),
    recipients: e.recipients,
    justification: e.justification,
  });
  // Through the audit log's hash chain, once per id: a retried step logs nothing more.
  await appendAudit(ctx, event);
}
