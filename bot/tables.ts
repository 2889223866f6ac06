import { AUDIT_TABLES } from './audit/tables';
import { NOTICE_TABLES } from './notices/tables';
import { PARTNER_TABLES } from './partners/tables';
import { USER_VIEW_TABLES } from './userViews/tables';
import { ChannelMapping } from './channels/model';
import { CONVERSATION_TABLES } from './conversation/tables';
import { DIGEST_TABLES } from './digests/tables';
import { DIRECTORY_TABLES } from './directory/tables';
import { AlertDelivery, AlertRecord, AlertTimelineRow } from './alerts/model';
import { alertKeys, alertTimelineColumns, alertTimelineKeys } from './alerts/tables';
import { JointOperation, Reminder, reminderPartition } from './operations/model';
import { incidentTables } from './incidents/tables';
import { OutboxDue, OutboxItem, SenderLease } from './outbox/model';
import { PrioritySet, PriorityPost } from './priorities/model';
import { SEARCH_TABLES } from './search/tables';
import { safeKey } from './store/entityTable';
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
  channelMappings: { holds: 'channel → boroughs and themes', retention: 'while mapped', enforcedBy: 'unmapped by an administrator, or deleted with the conversation' },
  outbox: { holds: 'messages to send: the card payload until sent, then delivery metadata (target, status, activity id)', retention: 'payload: removed when the item is sent, dead-lettered, gone or cancelled; the row: OUTBOX_RETENTION_MONTHS, default 13, after it was created', enforcedBy: 'the sender removes the payload on finishing (bot/outbox/sender.ts); the retention run strips any left and deletes old rows' },
  prioritySets: { holds: 'published policing priorities per borough (public information), with the publishing officer\'s Entra id', retention: 'kept: the record of what was published when (digests compare versions)', enforcedBy: 'not deleted; holds no incident or personal details beyond the publisher\'s id' },
  priorityPosts: { holds: 'which channel message shows a borough\'s priorities (conversation and activity ids)', retention: 'while the channel is mapped', enforcedBy: 'replaced on each publication; no personal data' },
  alerts: { holds: 'community alerts, acknowledgements (organisation, name, time)', retention: 'the incident retention after raised', enforcedBy: 'retention run' },
  alertTimeline: { holds: 'which alert was raised when, for which boroughs (alert id, time, boroughs; no text, no personal data)', retention: 'as long as its alert', enforcedBy: 'retention run: deleted with its alert (bot/alerts/repository.ts deleteListingsBefore)' },
  alertDeliveries: { holds: 'which channels an alert was posted to (conversation and outbox item ids; no personal data)', retention: 'as long as its alert', enforcedBy: 'retention run: deleted with its alert' },
  outboxLease: { holds: 'which sender instance holds the sending lease (one row)', retention: 'kept (no personal data)', enforcedBy: 'overwritten by each sender run' },
  outboxDue: { holds: 'when each outbox item is next due', retention: 'until the item finishes', enforcedBy: 'the sender deletes it; the retention run deletes any older than the outbox retention' },
  operations: { holds: 'joint operations: name, area, times, participants, briefing, outcomes', retention: 'the incident retention after the operation ended', enforcedBy: 'retention run (an erasure event is logged)' },
  reminders: { holds: 'operation reminders due, sent or cancelled (operation id, recipients)', retention: '90 days after due', enforcedBy: 'retention run' },
} satisfies Record<string, RetentionPolicy>;

/** Tables not yet moved into their slice's tables.ts. */
const UNSORTED_TABLES = {
    channelMappings: table({
      name: 'ChannelMappings',
      schema: ChannelMapping,
      keys: (m) => ({ partitionKey: 'map', rowKey: safeKey(m.conversationId) }),
      columns: (m) => ({ teamId: m.teamId }),
      retention: RETENTION.channelMappings,
    }),
    outbox: table({
      name: 'Outbox',
      schema: OutboxItem,
      keys: (i) => ({ partitionKey: i.batchId, rowKey: i.id }),
      columns: (i) => ({ status: i.status }),
      retention: RETENTION.outbox,
    }),
    prioritySets: table({
      name: 'PrioritySets',
      schema: PrioritySet,
      // Row keys sort by version, so the newest is the last row of the borough's partition.
      keys: (p) => ({ partitionKey: p.borough, rowKey: `v${String(p.version).padStart(6, '0')}` }),
      retention: RETENTION.prioritySets,
    }),
    priorityPosts: table({
      name: 'PriorityPosts',
      schema: PriorityPost,
      keys: (p) => ({ partitionKey: p.borough, rowKey: safeKey(p.conversationId) }),
      retention: RETENTION.priorityPosts,
    }),
    alerts: table({
      name: 'Alerts',
      schema: AlertRecord,
      keys: (a) => alertKeys(a.alert.id),
      columns: (a): Record<string, string | boolean> => ({
        raisedAt: a.alert.raisedAt,
        escalationPending: a.escalation !== undefined && a.escalation.sentAt === undefined,
        ...(a.escalation ? { escalationDueAt: a.escalation.dueAt } : {}),
      }),
      retention: RETENTION.alerts,
    }),
    alertTimeline: table({
      name: 'AlertTimeline',
      schema: AlertTimelineRow,
      // The alerts newest first, for the `alerts` list (bot/alerts/tables.ts).
      keys: alertTimelineKeys,
      columns: alertTimelineColumns,
      retention: RETENTION.alertTimeline,
    }),
    alertDeliveries: table({
      name: 'AlertDeliveries',
      schema: AlertDelivery,
      // One partition per alert: its channels are one partition read, however many there are.
      keys: (d) => ({ partitionKey: safeKey(d.alertId), rowKey: safeKey(d.conversationId) }),
      retention: RETENTION.alertDeliveries,
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
    operations: table({
      name: 'Operations',
      schema: JointOperation,
      // One partition per borough: "upcoming in Stockport" is one partition read; the id names its borough.
      keys: (o) => ({ partitionKey: o.borough, rowKey: o.id }),
      columns: (o) => ({ startsAt: o.startsAt, endsAt: o.endsAt, status: o.status }),
      retention: RETENTION.operations,
    }),
    reminders: table({
      name: 'Reminders',
      schema: Reminder,
      // One partition per UTC day of the due time; row keys sort by due time: "due before T" is a key-range read.
      keys: (r) => ({ partitionKey: reminderPartition(r.dueAt), rowKey: `${r.dueAt}|${r.id}` }),
      columns: (r) => ({ status: r.status, subjectId: r.subjectId }),
      retention: RETENTION.reminders,
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
