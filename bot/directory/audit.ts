import type { AppContext } from '../kernel/context';
import type { AuditAction, AuditActor } from '../audit/event';
import { recordAudit } from '../audit/record';
import type { UserLookup } from './resolveUpns';

/**
 * What the directory's use cases need: the store, the clock, the audit chain's key, and Microsoft Graph where it is
 * configured (people files naming people by user principal name: bot/directory/resolveUpns.ts).
 */
export type DirectoryCtx = Pick<AppContext, 'store' | 'clock'> & { config: Pick<AppContext['config'], 'auditChainKey'>; graph?: UserLookup };

/** Who changed the directory: a member (their object id and organisation), or the system (a timer, a deploy step). */
export type DirectoryActor = AuditActor;

/**
 * One audit row about the directory, a member or an access request. With
 * `id` it is written once however often a retried step runs.
 */
export async function auditDirectory(
  ctx: DirectoryCtx,
  e: { action: AuditAction; actor: DirectoryActor; subject: { type: 'directory' | 'member' | 'access-request'; id: string }; note: string; id?: string; at?: string; recipients?: string[]; justification?: string },
): Promise<void> {
  // The directory's notes name versions, files and people counts: the first 300 characters say it.
  await recordAudit(ctx, { ...e, note: e.note.slice(0, 300) });
}
