import { z } from 'zod';
import { safeKey } from '../store/entityTable';
import { table, type TablesOf } from '../store/tableDef';
import { JointOperation, OperationLine, operationLine, Reminder } from './model';
import { lazySchema } from '../common/lazySchema';

/**
 * The operations slice's tables and the only place their keys are spelt
 * (docs/storage.md). Only bot/operations/repository.ts touches them.
 *
 * Operations: one partition per borough, holding two kinds of row.
 * - `<id>` (OP-STO-7K3Q9M): the operation. The id names its borough, so
 *   opening one is a point read.
 * - `t|<starts at>|<id>`: its line on the timeline, present while it is
 *   scheduled. Row keys sort by start time, so "upcoming in Stockport" is a
 *   key-range read that pages in time order. Written in the same entity
 *   group transaction as the operation, so the two never disagree.
 *
 * OperationChannels: one partition per operation, one row per channel its
 * card went to. A list inside the operation row would overflow the 64 KiB
 * property limit at a few hundred channels.
 */

/** Timeline rows start with this; operation ids start with "OP-", so the two kinds never share a key range. */
export const TIMELINE_PREFIX = 't|';
/** Past every timeline key ('|' sorts after the ISO digits and '~' after every id character). */
export const TIMELINE_END = 't|~';

/** An operation's timeline key: the start normalised to one ISO form, so string order is time order. */
export function timelineKey(op: Pick<JointOperation, 'startsAt' | 'id'>): string {
  return `${TIMELINE_PREFIX}${new Date(op.startsAt).toISOString()}|${op.id}`;
}

/** The timeline key range that starts at `from` (an instant): every operation starting at or after it. */
export function timelineFrom(from: Date): string {
  return `${TIMELINE_PREFIX}${from.toISOString()}`;
}

/** One scheduled operation's line on the upcoming list: its line (what the list card shows, nothing restricted) and version. */
export const TimelineRow = lazySchema(() => OperationLine.extend({ kind: z.literal('timeline'), version: z.number().int().min(1) }));
export type TimelineRow = z.infer<typeof TimelineRow>;

export const OperationRow = lazySchema(() => z.union([TimelineRow, JointOperation]));
export type OperationRow = z.infer<typeof OperationRow>;

export const isTimelineRow = (r: OperationRow): r is TimelineRow => 'kind' in r && r.kind === 'timeline';

export function timelineRowOf(op: JointOperation): TimelineRow {
  return { kind: 'timeline', ...operationLine(op), version: op.version };
}

export const OperationChannel = lazySchema(() => z.object({
  operationId: z.string().min(1).max(64),
  conversationId: z.string().min(1).max(1000),
}));
export type OperationChannel = z.infer<typeof OperationChannel>;

/** The Reminders table's partition for a due time: one UTC day. */
export function reminderPartition(dueAt: string): string {
  return `due-${dueAt.slice(0, 10)}`;
}

/** A reminder's row: its day's partition, keyed by due time then id, so "due before T" is a key-range read. */
export const reminderKeys = (r: Pick<Reminder, 'dueAt' | 'id'>) => ({ partitionKey: reminderPartition(r.dueAt), rowKey: `${r.dueAt}|${r.id}` });

export const OPERATION_TABLES = {
  operations: table({
    name: 'Operations',
    schema: OperationRow,
    keys: (r) => ({ partitionKey: r.borough, rowKey: isTimelineRow(r) ? timelineKey(r) : r.id }),
    // Only operation rows carry the columns the digest and the retention run filter on: a timeline row never matches them.
    // A timeline row's own end column lets the list skip, in the service, operations that have ended.
    columns: (r): Record<string, string> =>
      isTimelineRow(r) ? { lineEndsAt: new Date(r.endsAt).toISOString() } : { startsAt: r.startsAt, endsAt: r.endsAt, status: r.status },
    retention: {
      holds: 'joint operations: name, area, times, participants, briefing, outcomes; and each scheduled one\'s line on the upcoming list (name, area, times, lead organisation)',
      retention: 'the incident retention after the operation ended',
      enforcedBy: 'retention run, the timeline row with its operation (an erasure event is logged); a timeline row goes as soon as its operation is cancelled or completed (bot/operations/repository.ts)',
    },
  }),
  operationChannels: table({
    name: 'OperationChannels',
    schema: OperationChannel,
    keys: (c) => ({ partitionKey: c.operationId, rowKey: safeKey(c.conversationId) }),
    retention: {
      holds: 'which channels an operation card went to (conversation ids; no personal data)',
      retention: 'as long as its operation',
      enforcedBy: 'retention run: deleted with its operation (bot/operations/repository.ts deleteOperation)',
    },
  }),
  reminders: table({
    name: 'Reminders',
    schema: Reminder,
    keys: reminderKeys,
    columns: (r) => ({ status: r.status, subjectId: r.subjectId }),
    retention: { holds: 'operation reminders due, sent or cancelled (operation id, recipients)', retention: '90 days after due', enforcedBy: 'retention run (bot/operations/repository.ts purgeRemindersDueBefore)' },
  }),
};

declare module '../store/store' {
  interface StoreTables extends TablesOf<typeof OPERATION_TABLES> {}
}
