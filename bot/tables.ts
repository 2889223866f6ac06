import { AUDIT_TABLES } from './audit/tables';
import { NOTICE_TABLES } from './notices/tables';
import { PARTNER_TABLES } from './partners/tables';
import { USER_VIEW_TABLES } from './userViews/tables';
import { CHANNEL_TABLES } from './channels/tables';
import { CONVERSATION_TABLES } from './conversation/tables';
import { DIGEST_TABLES } from './digests/tables';
import { DIRECTORY_TABLES } from './directory/tables';
import { ALERT_TABLES } from './alerts/tables';
import { incidentTables } from './incidents/tables';
import { OPERATION_TABLES } from './operations/tables';
import { OutboxDue, OutboxItem, SenderLease } from './outbox/model';
import { PRIORITY_TABLES } from './priorities/tables';
import { SEARCH_TABLES } from './search/tables';
import type { StoreTables } from './store/store';
import { table, type RetentionPolicy, type TablesOf } from './store/tableDef';
import { WARNING_TABLES } from './warnings/tables';

/**
 * The composition root of storage: every table the app opens, gathered from the slices' tables.ts
 * (docs/storage.md explains which query each key serves). bot/store/ knows no feature; runtime.ts opens these.
 *
 * Converting a slice (issue 14): move its entries below (and their RETENTION lines) into bot/<slice>/tables.ts as
 * `export const <SLICE>_TABLES = { ... }` with a `declare module '../store/store'` augmentation (see
 * bot/audit/tables.ts), spread it into APP_TABLES, and move every raw `ctx.store.<table>` use into
 * bot/<slice>/repository.ts.
 */

const RETENTION = {
  outbox: { holds: 'messages to send: the card payload until sent, then delivery metadata (target, status, activity id)', retention: 'payload: removed when the item is sent, dead-lettered, gone or cancelled; the row: OUTBOX_RETENTION_MONTHS, default 13, after it was created', enforcedBy: 'the sender removes the payload on finishing (bot/outbox/sender.ts); the retention run strips any left and deletes old rows' },
  outboxLease: { holds: 'which sender instance holds the sending lease (one row), and the recent pace: send times and 10-character hashes of the conversations sent to in the last 30 s (no personal data)', retention: 'kept; the pace covers only the last 30 seconds', enforcedBy: 'overwritten by each sender run at every renewal and release' },
  outboxDue: { holds: 'when each outbox item is next due', retention: 'until the item finishes', enforcedBy: 'the sender deletes it; the retention run deletes any older than the outbox retention' },
} satisfies Record<string, RetentionPolicy>;

/** Tables not yet moved into their slice's tables.ts. */
const UNSORTED_TABLES = {
    outbox: table({
      name: 'Outbox',
      schema: OutboxItem,
      keys: (i) => ({ partitionKey: i.batchId, rowKey: i.id }),
      columns: (i) => ({ status: i.status }),
      retention: RETENTION.outbox,
    }),
    outboxDue: table({
      name: 'OutboxDue',
      schema: OutboxDue,
      keys: (d) => ({ partitionKey: 'due', rowKey: `${d.dueAt}|${d.itemId}` }),
      retention: RETENTION.outboxDue,
    }),
    outboxLease: table({
      name: 'OutboxLease',
      schema: SenderLease,
      // One row: the sender lease (bot/outbox/run.ts).
      keys: (l) => ({ partitionKey: 'lease', rowKey: l.name }),
      retention: RETENTION.outboxLease,
    }),
};

declare module './store/store' {
  interface StoreTables extends TablesOf<typeof UNSORTED_TABLES> {}
}

/** Settings a table's keys depend on: the configured time zone decides which week partition an incident is in. */
export interface TableSettings {
  timeZone: string;
}

/** Every table the app opens, for the deployment's settings: `openStore(connection, prefix, appTables(config))`. */
export function appTables(settings: TableSettings) {
  return {
    ...UNSORTED_TABLES,
    ...AUDIT_TABLES,
    ...NOTICE_TABLES,
    ...USER_VIEW_TABLES,
    ...CONVERSATION_TABLES,
    ...WARNING_TABLES,
    ...DIGEST_TABLES,
    ...SEARCH_TABLES,
    ...OPERATION_TABLES,
    ...ALERT_TABLES,
    ...PRIORITY_TABLES,
    ...CHANNEL_TABLES,
    ...PARTNER_TABLES,
    ...DIRECTORY_TABLES,
    ...incidentTables(settings.timeZone),
  };
}

type AppTables = ReturnType<typeof appTables>;
// Every table a slice declares (StoreTables) is opened, and nothing is opened that no slice declares.
type EveryDeclaredTableIsOpened = { [K in keyof StoreTables]: K extends keyof AppTables ? true : never };
type EveryOpenedTableIsDeclared = { [K in keyof AppTables]: K extends keyof StoreTables ? true : never };
export const TABLES_AGREE: [EveryDeclaredTableIsOpened, EveryOpenedTableIsDeclared] extends [Record<keyof StoreTables, true>, Record<keyof AppTables, true>] ? true : never = true;
