/**
 * When an operation's reminders fall due, and what to do with one that is
 * due now. Pure: the clock and the time zone are passed in.
 *
 * Offsets of whole days are calendar days in the operation's time zone, not
 * multiples of 24 hours: "7 days before" a 09:00 start on the Sunday after
 * the clocks go back is 09:00 local seven days earlier (08:00 UTC in BST),
 * not 10:00 BST. Offsets that are not whole days ("2 hours before") are
 * elapsed time.
 */
import type { JointOperation, Reminder, ReminderKind } from '../model';
import { fromWallClock, toWallClock, zoneOffsetMs } from '../../common/timezone';

const MINUTE = 60_000;
const DAY_MIN = 24 * 60;

/** A reminder more than this behind its due time was held up (downtime) and says so. */
export const LATE_AFTER_MS = 5 * MINUTE;

/** The choices a coordinator has on the card, in minutes before the start. */
export const REMINDER_CHOICES: readonly { minutes: number; label: string }[] = [
  { minutes: 7 * DAY_MIN, label: '7 days before' },
  { minutes: 3 * DAY_MIN, label: '3 days before' },
  { minutes: 2 * DAY_MIN, label: '2 days before' },
  { minutes: DAY_MIN, label: '1 day before' },
  { minutes: 240, label: '4 hours before' },
  { minutes: 120, label: '2 hours before' },
  { minutes: 60, label: '1 hour before' },
  { minutes: 30, label: '30 minutes before' },
];

/** When the lead is asked for outcomes, in minutes after the end. */
export const OUTCOMES_CHOICES: readonly { minutes: number; label: string }[] = [
  { minutes: 0, label: 'When it ends' },
  { minutes: 120, label: '2 hours after' },
  { minutes: DAY_MIN, label: '1 day after' },
  { minutes: 3 * DAY_MIN, label: '3 days after' },
];

/** The same wall-clock time `days` calendar days away in the zone. */
export function shiftByLocalDays(instant: Date, days: number, timeZone: string): Date {
  const wall = toWallClock(instant, timeZone);
  const day = new Date(`${wall.date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  const date = day.toISOString().slice(0, 10);
  const exact = fromWallClock(date, wall.time, timeZone);
  if (exact.ok) return exact.instant;
  // That time does not exist on that day (the clocks went forward through it):
  // read it with the offset in force before the change, as calendars do (01:30 → 02:30 BST).
  const naive = Date.parse(`${date}T${wall.time}:00Z`);
  return new Date(naive - zoneOffsetMs(naive - 12 * 3600_000, timeZone));
}

function shiftByOffset(instant: Date, minutes: number, timeZone: string): Date {
  if (minutes % DAY_MIN === 0) return shiftByLocalDays(instant, minutes / DAY_MIN, timeZone);
  return new Date(instant.getTime() + minutes * MINUTE);
}

export function beforeDueAt(startsAt: string, offsetMin: number, timeZone: string): Date {
  return shiftByOffset(new Date(startsAt), -offsetMin, timeZone);
}

export function outcomesDueAt(endsAt: string, afterMin: number, timeZone: string): Date {
  return shiftByOffset(new Date(endsAt), afterMin, timeZone);
}

export interface PlannedReminder {
  id: string;
  kind: Extract<ReminderKind, 'before' | 'outcomes'>;
  subjectId: string;
  subjectVersion: number;
  offsetMin: number;
  dueAt: string;
}

type Plannable = Pick<JointOperation, 'id' | 'version' | 'startsAt' | 'endsAt' | 'reminderOffsetsMin' | 'outcomesAfterMin'>;

/**
 * Every reminder this version of the operation could have, whatever the time
 * now. Ids are deterministic, so the same plan always names the same rows.
 */
export function allReminders(op: Plannable, timeZone: string): PlannedReminder[] {
  const base = { subjectId: op.id, subjectVersion: op.version };
  const before = op.reminderOffsetsMin.map((offsetMin) => ({
    ...base,
    id: `${op.id}-v${op.version}-b${offsetMin}`,
    kind: 'before' as const,
    offsetMin,
    dueAt: beforeDueAt(op.startsAt, offsetMin, timeZone).toISOString(),
  }));
  const outcomes = {
    ...base,
    id: `${op.id}-v${op.version}-out`,
    kind: 'outcomes' as const,
    offsetMin: op.outcomesAfterMin,
    dueAt: outcomesDueAt(op.endsAt, op.outcomesAfterMin, timeZone).toISOString(),
  };
  return [...before, outcomes].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
}

/**
 * The reminders to store when an operation is scheduled or moved at `now`.
 * A "before" reminder whose time has already passed is left out: the
 * participants have just been told about the operation, which says more.
 * The outcomes request is always kept.
 */
export function planReminders(op: Plannable, now: Date, timeZone: string): PlannedReminder[] {
  return allReminders(op, timeZone).filter((r) => r.kind === 'outcomes' || Date.parse(r.dueAt) > now.getTime());
}

export type ReminderDecision =
  | { action: 'send'; late: boolean }
  | { action: 'drop'; status: 'cancelled' | 'skipped'; reason: string };

type Decidable = Pick<JointOperation, 'status' | 'version' | 'endsAt'>;

/**
 * What to do with a reminder that is due now: send it (late, if the bot was
 * unavailable when it fell due), or drop it. A "before" reminder is pointless
 * once the operation has ended: then only the outcomes request goes.
 */
export function decideReminder(
  reminder: Pick<Reminder, 'kind' | 'dueAt' | 'subjectVersion'>,
  op: Decidable | undefined,
  now: Date,
): ReminderDecision {
  if (!op) return { action: 'drop', status: 'cancelled', reason: 'the operation no longer exists' };
  if (op.status === 'cancelled') return { action: 'drop', status: 'cancelled', reason: 'the operation was cancelled' };
  if (reminder.subjectVersion !== undefined && reminder.subjectVersion !== op.version) {
    return { action: 'drop', status: 'skipped', reason: 'the operation was rescheduled' };
  }
  if (reminder.kind === 'before' && (op.status === 'completed' || Date.parse(op.endsAt) <= now.getTime())) {
    return { action: 'drop', status: 'skipped', reason: 'the operation had already ended' };
  }
  if (reminder.kind === 'outcomes' && op.status === 'completed') {
    return { action: 'drop', status: 'skipped', reason: 'the outcomes were already recorded' };
  }
  return { action: 'send', late: now.getTime() - Date.parse(reminder.dueAt) > LATE_AFTER_MS };
}

/** "in 7 days", "in 2 hours", "in 25 minutes", "now": how far off the start is, for a reminder's heading. */
export function describeUntil(ms: number): string {
  if (ms <= 0) return 'now';
  const minutes = Math.round(ms / MINUTE);
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (minutes < 60) return `in ${plural(Math.max(1, minutes), 'minute')}`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `in ${plural(hours, 'hour')}`;
  return `in ${plural(Math.round(hours / 24), 'day')}`;
}
