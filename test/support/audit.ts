import { auditTrail } from '../../bot/audit/repository';
import type { AuditEvent } from '../../bot/audit/event';
import type { Store } from '../../bot/store/store';

/** A subject's audit events in the order they were logged ("incident:STO-2026-000001"). */
export function auditOf(store: Store, subject: `${AuditEvent['subject']['type']}:${string}`): Promise<AuditEvent[]> {
  const i = subject.indexOf(':');
  return auditTrail({ store }, { type: subject.slice(0, i) as AuditEvent['subject']['type'], id: subject.slice(i + 1) });
}
