import type { EntityTable } from '../store/entityTable';
import { CorruptRowError } from '../store/errors';
import { counted } from '../common/words';
import { auditPartition, eventRowKey, HEAD_KEY } from './tables';
import { GENESIS, linkHash, type AuditEventRow, type AuditHeadRow, type AuditRow } from './model';

export interface ChainBreak {
  partition: string;
  /** The sequence number where the chain breaks, when there is one. */
  seq?: number;
  problem: string;
}

export interface VerifyReport {
  table: string;
  partitions: number;
  events: number;
  breaks: ChainBreak[];
}

/**
 * Checks every chain in an audit table: each partition's events are numbered
 * without gaps from its anchor (1, or the row after the last one retention
 * pruned), each row's hash is recomputed from its content and position and
 * must match, each row names the previous row's hash, and the head names the
 * last row (so a deleted last row is found). Rows that no longer parse, rows
 * in the wrong partition and chains without a head are breaks too. Reads the
 * whole table once; reports every break, not just the first.
 */
export async function verifyAuditTable(table: EntityTable<typeof AuditRow>, key: string): Promise<VerifyReport> {
  const rows = await table.queryEach("PartitionKey ne ''");
  const byPartition = new Map<string, { head?: AuditHeadRow; events: AuditEventRow[]; ids: { eventId: string; seq: number }[] }>();
  const breaks: ChainBreak[] = [];
  const partOf = (pk: string) => {
    let p = byPartition.get(pk);
    if (!p) byPartition.set(pk, (p = { events: [], ids: [] }));
    return p;
  };
  for (const row of rows) {
    if (row instanceof CorruptRowError) {
      partOf(row.partitionKey);
      breaks.push({ partition: row.partitionKey, problem: `row ${row.rowKey} no longer matches the audit row schema (altered)` });
      continue;
    }
    const v = row.value;
    const p = partOf(row.keys.partitionKey);
    if (v.partitionKey !== row.keys.partitionKey) {
      breaks.push({ partition: row.keys.partitionKey, problem: `row ${row.keys.rowKey} claims partition ${v.partitionKey} (moved)` });
      continue;
    }
    if (v.kind === 'head') p.head = v;
    else if (v.kind === 'id') p.ids.push({ eventId: v.eventId, seq: v.seq });
    else {
      if (row.keys.rowKey !== eventRowKey(v.seq)) breaks.push({ partition: v.partitionKey, seq: v.seq, problem: `event ${v.seq} stored under row ${row.keys.rowKey} (moved)` });
      else p.events.push(v);
    }
  }

  let events = 0;
  for (const [partition, p] of byPartition) {
    events += p.events.length;
    if (!p.head) {
      if (p.events.length > 0) breaks.push({ partition, problem: `no ${HEAD_KEY} row: the chain's end cannot be checked (deleted)` });
      continue;
    }
    p.events.sort((a, b) => a.seq - b.seq);
    let expectedSeq = (p.head.anchor?.seq ?? 0) + 1;
    let prev = p.head.anchor?.hash ?? GENESIS;
    for (const e of p.events) {
      if (e.seq < expectedSeq) {
        breaks.push({ partition, seq: e.seq, problem: `event ${e.seq} is before the chain's anchor (${expectedSeq - 1})` });
        continue;
      }
      if (e.seq > expectedSeq) {
        breaks.push({ partition, seq: expectedSeq, problem: `event${e.seq - expectedSeq > 1 ? `s ${expectedSeq}–${e.seq - 1}` : ` ${expectedSeq}`} missing (deleted)` });
        prev = e.prevHash; // carry on from here, so one gap is one break
      }
      if (e.prevHash !== prev) breaks.push({ partition, seq: e.seq, problem: `event ${e.seq} does not follow the previous row's hash (chain rewritten or reordered)` });
      if (auditPartition(e.event.subject) !== partition) breaks.push({ partition, seq: e.seq, problem: `event ${e.seq} is about ${e.event.subject.type}:${e.event.subject.id}, not this partition's subject` });
      if (linkHash(key, partition, e.seq, e.prevHash, e.event) !== e.hash) breaks.push({ partition, seq: e.seq, problem: `event ${e.seq}'s content does not match its hash (altered)` });
      prev = e.hash;
      expectedSeq = e.seq + 1;
    }
    const last = expectedSeq - 1;
    if (p.head.seq > last) breaks.push({ partition, seq: last + 1, problem: `the head names event ${p.head.seq} but the chain ends at ${last} (last events deleted)` });
    else if (p.head.seq < last) breaks.push({ partition, seq: p.head.seq + 1, problem: `events after the head (${p.head.seq}) were added around the log` });
    else if (p.head.hash !== prev) breaks.push({ partition, seq: last, problem: `the head's hash does not match event ${last}` });
    const bySeq = new Map(p.events.map((e) => [e.seq, e.event.id]));
    for (const id of p.ids) {
      const at = bySeq.get(id.seq);
      if (at !== undefined && at !== id.eventId) breaks.push({ partition, seq: id.seq, problem: `the id row of ${id.eventId} points at event ${id.seq}, which has another id` });
    }
  }
  return { table: table.name, partitions: byPartition.size, events, breaks };
}

export function describeReport(r: VerifyReport): string {
  const head = `${r.table}: ${r.events} events in ${r.partitions} chains, ${r.breaks.length === 0 ? 'every chain intact' : counted(r.breaks.length, 'break')}`;
  return [head, ...r.breaks.map((b) => `  BREAK ${b.partition}${b.seq !== undefined ? ` #${b.seq}` : ''}: ${b.problem}`)].join('\n');
}
