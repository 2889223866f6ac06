import { table, type TablesOf } from '../store/tableDef';
import { OutboxDue, OutboxItem, SenderLease } from './model';

/**
 * The outbox's tables and the only place their keys are spelt; the files of bot/outbox/repository/ are the only modules
 * that touch them. An item lives in its batch's partition (a fan-out's delivery status is one partition read); the
 * due index makes "what is due now" one range read of one partition; the lease is one row.
 */
export const DUE_PARTITION = 'due';
export const dueRowKey = (d: OutboxDue) => `${d.dueAt}|${d.itemId}`;
export const LEASE_KEYS = { partitionKey: 'lease', rowKey: 'outbox' } as const;

export const OUTBOX_TABLES = {
  outbox: table({
    name: 'Outbox',
    schema: OutboxItem,
    keys: (i) => ({ partitionKey: i.batchId, rowKey: i.id }),
    columns: (i) => ({ status: i.status }),
    retention: {
      holds: 'messages to send: the card payload until sent, then delivery metadata (target, status, activity id)',
      retention: 'payload: removed when the item is sent, dead-lettered, gone or cancelled; the row: OUTBOX_RETENTION_MONTHS, default 13, after it was created',
      enforcedBy: 'the sender removes the payload on finishing (bot/outbox/sender.ts); the retention run strips any left and deletes old rows (bot/outbox/repository/retention.ts)',
    },
  }),
  outboxDue: table({
    name: 'OutboxDue',
    schema: OutboxDue,
    keys: (d) => ({ partitionKey: DUE_PARTITION, rowKey: dueRowKey(d) }),
    retention: {
      holds: 'when each outbox item is next due',
      retention: 'until the item finishes',
      enforcedBy: 'the sender deletes it; the retention run deletes any older than the outbox retention (bot/outbox/repository/retention.ts)',
    },
  }),
  outboxLease: table({
    name: 'OutboxLease',
    schema: SenderLease,
    // One row: the sender lease (bot/outbox/run.ts).
    keys: (l) => ({ partitionKey: LEASE_KEYS.partitionKey, rowKey: l.name }),
    retention: {
      holds: 'which sender instance holds the sending lease (one row), and the recent pace: send times and 10-character hashes of the conversations sent to in the last 30 s (no personal data)',
      retention: 'kept; the pace covers only the last 30 seconds',
      enforcedBy: 'overwritten by each sender run at every renewal and release',
    },
  }),
};

declare module '../store/store' {
  interface StoreTables extends TablesOf<typeof OUTBOX_TABLES> {}
}
