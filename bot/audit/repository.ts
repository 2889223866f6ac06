import { odata } from '@azure/data-tables';
import type { AppContext } from '../kernel/context';
import { AuditEvent } from './event';
import { ConcurrencyError } from '../store/errors';
import { GENESIS, linkHash, type AuditEventRow, type AuditHeadRow, type AuditRow } from './model';
import { auditPartition, eventRowKey, HEAD_KEY, idRowKey } from './tables';

/** Only the chain key of the configuration: tools that write audit (npm run directory) need no bot settings. */
type AuditCtx = Pick<AppContext, 'store'> & { config: Pick<AppContext['config'], 'auditChainKey'> };

/**
 * Appends one event to its subject's chain, exactly once per event id: a
 * retried write of the same id (an idempotent step re-run after a failure)
 * logs nothing more. Never overwrites: the only writes are a create of the
 * next row and an ETag-guarded move of the head, in one transaction.
 */
export async function appendAudit(ctx: AuditCtx, input: AuditEvent): Promise<void> {
  const event = AuditEvent.parse(input);
  const partitionKey = auditPartition(event.subject);
  const table = ctx.store.audit;
  const key = ctx.config.auditChainKey;
  for (let attempt = 1; ; attempt++) {
    const head = await table.get({ partitionKey, rowKey: HEAD_KEY });
    const current = head?.value.kind === 'head' ? head.value : undefined;
    const seq = (current?.seq ?? 0) + 1;
    const prevHash = current?.hash ?? GENESIS;
    const hash = linkHash(key, partitionKey, seq, prevHash, event);
    const nextHead: AuditHeadRow = { kind: 'head', partitionKey, seq, hash, ...(current?.anchor ? { anchor: current.anchor } : {}) };
    try {
      await table.transact([
        { op: 'create', value: { kind: 'event', partitionKey, seq, prevHash, hash, event } satisfies AuditEventRow },
        { op: 'create', value: { kind: 'id', partitionKey, eventId: event.id, seq } },
        head ? { op: 'update', value: nextHead, etag: head.etag } : { op: 'create', value: nextHead },
      ]);
      return;
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
      // Either this event is logged already (its id row exists), or another writer moved the head first.
      if (await table.get({ partitionKey, rowKey: idRowKey(event.id) })) return;
      if (attempt >= 12) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 15 * attempt));
    }
  }
}

/** A subject's audit events in the order they were logged. */
export async function auditTrail(ctx: Pick<AppContext, 'store'>, subject: AuditEvent['subject']): Promise<AuditEvent[]> {
  const rows = await ctx.store.audit.listPartition(auditPartition(subject), { from: 'e', to: 'f' });
  return rows.flatMap((r) => (r.value.kind === 'event' ? [r.value.event] : []));
}

/**
 * Deletes a chain's oldest events logged before `cutoff` (the audit log's
 * retention), oldest first, each batch in one transaction with the head's
 * new anchor (the last deleted row's sequence number and hash), so the chain
 * that remains still verifies from its anchor. Stops at the first event that
 * is not due. Returns how many events were deleted.
 */
export async function pruneAuditPartition(ctx: AuditCtx & Pick<AppContext, 'clock'>, partitionKey: string, cutoff: string): Promise<number> {
  const table = ctx.store.audit;
  let deleted = 0;
  for (let attempt = 1; attempt <= 5; attempt++) {
    const rows = await table.listPartition(partitionKey);
    const head = rows.find((r) => r.value.kind === 'head');
    if (!head || head.value.kind !== 'head') return deleted;
    const events = rows
      .flatMap((r) => (r.value.kind === 'event' ? [r.value] : []))
      .sort((a, b) => a.seq - b.seq);
    const ids = new Map(rows.flatMap((r) => (r.value.kind === 'id' ? [[r.value.eventId, r] as const] : [])));
    const due: AuditEventRow[] = [];
    for (const e of events) {
      if (e.event.at >= cutoff) break;
      due.push(e);
    }
    if (due.length === 0) return deleted;
    // 100 operations per transaction: 49 events and their id rows, plus the head.
    let headEtag = head.etag;
    let headValue: AuditHeadRow = head.value;
    try {
      for (let i = 0; i < due.length; i += 49) {
        const batch = due.slice(i, i + 49);
        const last = batch[batch.length - 1]!;
        headValue = { ...headValue, anchor: { seq: last.seq, hash: last.hash, prunedAt: ctx.clock().toISOString() } };
        const ops: Parameters<typeof table.transact>[0] = [];
        for (const e of batch) {
          ops.push({ op: 'delete', keys: { partitionKey, rowKey: eventRowKey(e.seq) } });
          if (ids.has(e.event.id)) ops.push({ op: 'delete', keys: { partitionKey, rowKey: idRowKey(e.event.id) } });
        }
        ops.push({ op: 'update', value: headValue as AuditRow, etag: headEtag });
        const etags = await table.transact(ops);
        headEtag = etags[etags.length - 1] ?? '';
        deleted += batch.length;
      }
      return deleted;
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err; // an append moved the head: read again
    }
  }
  return deleted;
}

/** The retention run's audit step: every chain's events logged before `cutoff` pruned (pruneAuditPartition). */
export async function pruneAuditBefore(ctx: AuditCtx & Pick<AppContext, 'clock'>, cutoff: string): Promise<number> {
  const due = await ctx.store.audit.query(odata`kind eq 'event' and at lt ${cutoff}`);
  const partitions = [...new Set(due.map((row) => row.keys.partitionKey))];
  let n = 0;
  for (const p of partitions) n += await pruneAuditPartition(ctx, p, cutoff);
  return n;
}

/** One logged event and its place in its subject's chain. */
export interface NumberedEvent {
  seq: number;
  event: AuditEvent;
}

/**
 * A page of a subject's audit trail, newest first: the events numbered below
 * `before` (the first page: below the head, i.e. the newest), at most `size`
 * of them, in one key-range read (plus the head, on the first page). Events
 * are numbered without gaps in append order, so "below this number" goes on
 * exactly where the last page ended, however many are appended meanwhile.
 * `floor`: the lowest number still stored (retention prunes from the front).
 */
export async function auditEventsPage(
  ctx: Pick<AppContext, 'store'>,
  subject: AuditEvent['subject'],
  opts: { size: number; before?: number; floor?: number },
): Promise<{ events: NumberedEvent[]; before?: number; floor: number }> {
  const partitionKey = auditPartition(subject);
  let before = opts.before;
  let floor = opts.floor ?? 1;
  if (before === undefined) {
    const head = await ctx.store.audit.get({ partitionKey, rowKey: HEAD_KEY });
    if (!head || head.value.kind !== 'head') return { events: [], floor };
    before = head.value.seq + 1;
    floor = (head.value.anchor?.seq ?? 0) + 1;
  }
  const from = Math.max(floor, before - opts.size);
  if (from >= before) return { events: [], floor };
  const rows = await ctx.store.audit.listPartition(partitionKey, { from: eventRowKey(from), to: eventRowKey(before) });
  const events = rows.flatMap((r) => (r.value.kind === 'event' ? [{ seq: r.value.seq, event: r.value.event }] : [])).sort((a, b) => b.seq - a.seq);
  return from > floor ? { events, before: from, floor } : { events, floor };
}
