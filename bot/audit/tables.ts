import { safeKey } from '../store/entityTable';
import { table, type TablesOf } from '../store/tableDef';
import type { AuditEvent } from './event';
import { AuditRow } from './model';

/**
 * The audit log's table and the only place its keys are spelt. One hash chain per subject (bot/audit/model.ts):
 * `e<seq>` event rows, the `~head` row and `i|<event id>` idempotency rows, written only through
 * bot/audit/repository.ts appendAudit.
 */
export const HEAD_KEY = '~head';
export const eventRowKey = (seq: number) => `e${String(seq).padStart(10, '0')}`;
export const idRowKey = (eventId: string) => `i|${eventId}`;

/** The partition of a subject's audit trail: "who did what to this incident", one range read. */
export const auditPartition = (subject: AuditEvent['subject']) => safeKey(`${subject.type}:${subject.id}`);

export function auditRowKeys(r: AuditRow): { partitionKey: string; rowKey: string } {
  return {
    partitionKey: r.partitionKey,
    rowKey: r.kind === 'event' ? eventRowKey(r.seq) : r.kind === 'head' ? HEAD_KEY : idRowKey(r.eventId),
  };
}

export const AUDIT_TABLES = {
  audit: table({
    name: 'Audit',
    schema: AuditRow,
    keys: auditRowKeys,
    columns: (r): Record<string, string> =>
      r.kind === 'event' ? { kind: r.kind, at: r.event.at, actor: r.event.actor.aadObjectId, action: r.event.action } : { kind: r.kind },
    retention: {
      holds: 'the s.62 audit log: who did what to which subject, recipients, justifications (never erased content)',
      retention: 'AUDIT_RETENTION_MONTHS, default 72 (6 years) after the event',
      enforcedBy: 'retention run: oldest events pruned from the front of each chain, the head anchored (bot/audit/repository.ts pruneAuditPartition)',
    },
  }),
};

declare module '../store/store' {
  interface StoreTables extends TablesOf<typeof AUDIT_TABLES> {}
}
