import type { MoveIntent } from '../model';

/**
 * Settling an interrupted move of an incident between partitions (rules/correction.ts explains moves). Pure, and
 * apart from the correction form's text checks: the repository settles moves on every read of a moved row.
 */

/** A move whose new rows have not arrived after this long was abandoned by its editor: it is undone. */
export const MOVE_LEASE_MS = 2 * 60_000;

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
