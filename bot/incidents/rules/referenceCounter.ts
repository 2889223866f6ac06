import { z } from 'zod';
import { boroughById, type BoroughId } from '../../common/borough';
import { formatIncidentReference } from './incident';
import { toWallClock } from '../../common/timezone';
import { lazySchema } from '../../common/lazySchema';

/**
 * The counter row behind reference numbers: one per borough and year
 * (docs/storage.md "Counters"). Every increment is written with the ETag
 * that was read, so two reports can never get the same number.
 *
 * Gaps: a number is taken before the incident is stored, so a failure in
 * between could lose it. The counter therefore remembers which card
 * submission took each of its latest numbers; a retry of that submission
 * gets the same number back instead of a new one. The window is
 * RECENT_ALLOCATIONS numbers, days of reports in one borough.
 */
export const RECENT_ALLOCATIONS = 100;

export const ReferenceCounter = lazySchema(() => z.object({
  /** STO-2026 */
  key: z.string().regex(/^[A-Z]{3}-\d{4}$/),
  last: z.number().int().min(0).max(999_999),
  recent: z.array(z.object({ submissionId: z.string(), sequence: z.number().int().min(1) })).max(RECENT_ALLOCATIONS),
}));
export type ReferenceCounter = z.infer<typeof ReferenceCounter>;

/** The counter a report made at `at` draws from: its borough, and the year on the local calendar. */
export function counterKey(borough: BoroughId, at: Date, timeZone = 'Europe/London'): { key: string; code: string; year: number } {
  const code = boroughById(borough).code;
  const year = Number(toWallClock(at, timeZone).date.slice(0, 4));
  return { key: `${code}-${year}`, code, year };
}

/**
 * The next state of the counter for a submission, and the number it gets.
 * `changed: false` means the submission already holds a number: nothing to write.
 */
export function allocate(
  current: ReferenceCounter | undefined,
  key: string,
  submissionId: string,
): { next: ReferenceCounter; sequence: number; changed: boolean } {
  const base = current ?? { key, last: 0, recent: [] };
  const held = base.recent.find((r) => r.submissionId === submissionId);
  if (held) return { next: base, sequence: held.sequence, changed: false };
  const sequence = base.last + 1;
  if (sequence > 999_999) throw new RangeError(`reference numbers for ${key} are exhausted`);
  const recent = [...base.recent, { submissionId, sequence }].slice(-RECENT_ALLOCATIONS);
  return { next: { key, last: sequence, recent }, sequence, changed: true };
}

export function referenceFor(code: string, year: number, sequence: number): string {
  return formatIncidentReference(code, year, sequence);
}
