import type { BoroughId } from '../../common/borough';
import { markupProblem, personalDataProblem } from '../../common/plainText';
import type { MoveIntent } from '../model';

// The move's settling rule lives in ./move.ts (the repository needs it without this module's text checks).
export { MOVE_LEASE_MS, settleAction } from './move';

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
