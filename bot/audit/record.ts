import type { AppContext } from '../kernel/context';
import { auditEvent, type AuditInput } from './event';
import { appendAudit } from './repository';

/** Only what writing audit needs: tools that write it (npm run directory) carry no bot settings. */
type AuditCtx = Pick<AppContext, 'store' | 'clock'> & { config: Pick<AppContext['config'], 'auditChainKey'> };

/** Builds the event (bot/audit/event.ts) and appends it to its subject's hash chain, once per id. */
export async function recordAudit(ctx: AuditCtx, e: AuditInput): Promise<void> {
  await appendAudit(ctx, auditEvent(ctx.clock(), e));
}
