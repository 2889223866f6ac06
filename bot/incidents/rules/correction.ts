import type { BoroughId } from '../../shared/borough';
import { markupProblem, personalDataProblem } from '../../shared/plainText';
import type { MoveIntent } from '../model';

/**
 * Correcting where and when an incident happened (the edit form's borough,
 * date and time). Pure.
 *
 * An incident's row lives in its borough-week partition, so a corrected
 * borough, or a date in another ISO week, moves it. Its reference does not
 * change: STO-2026-000123 names the borough and year where it was first
 * recorded, and it is already on cards, operations, partners' systems and
 * the audit log. The move is recorded as an intent first so that a retry
 * after a crash in the middle finishes it (docs/storage.md "Moving an
 * incident").
 */

/** A move whose new rows have not arrived after this long was abandoned by its editor: it is undone. */
export const MOVE_LEASE_MS = 2 * 60_000;

export const CORRECTION_REASON_MAX = 300;

/**
 * The incident's partition before and after a correction, and whether it moves. `partitionOf` is the key the
 * Incidents table gives the row (bot/incidents/tables.ts, in the configured zone): passed in, so that this rule
 * stays pure and the key is spelt in one place.
 */
export function placement(
  before: { borough: BoroughId; occurredAt: string },
  after: { borough: BoroughId; occurredAt: string },
  partitionOf: (borough: BoroughId, occurredAt: string) => string,
): { from: string; to: string; moves: boolean } {
  const from = partitionOf(before.borough, before.occurredAt);
  const to = partitionOf(after.borough, after.occurredAt);
  return { from, to, moves: from !== to };
}

/**
 * What to do on finding an incident row that carries a move intent:
 * `finish` when its copy at the new version is in the new partition (the
 * move only lacks its last steps), `undo` when it is not and the editor has
 * had more than the lease to write it, else `wait` (its editor may be
 * writing it now: readers see the old copy, writers are told to try again).
 */
export function settleAction(intent: MoveIntent, arrived: boolean, now: Date): 'finish' | 'undo' | 'wait' {
  if (arrived) return 'finish';
  return now.getTime() - Date.parse(intent.at) > MOVE_LEASE_MS ? 'undo' : 'wait';
}

/**
 * The reason given for correcting the borough, date or time: required then
 * (it goes into the history and the audit log), plain text, short, and no
 * personal data (the audit log is kept longer than the incident).
 */
export function correctionReasonProblem(reason: string, required: boolean): string | undefined {
  const t = reason.trim();
  if (t.length === 0) return required ? 'Say why the borough, date or time is being corrected: it is kept in the history and the audit log' : undefined;
  if (t.length > CORRECTION_REASON_MAX) return `The reason is ${t.length} characters long; the most is ${CORRECTION_REASON_MAX}`;
  const markup = markupProblem(t);
  if (markup) return `Reason: ${markup.message}`;
  return personalDataProblem(t)?.message;
}
