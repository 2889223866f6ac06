/**
 * Latency figures for benches that time user turns: percentiles, a closed
 * loop of concurrent users, the p50/p99 rows beside their goals, and the
 * table printed when a bench file is run on its own. One copy, used by
 * turnLatency, lists and delivery.
 */
import type { BenchRow } from '../types';

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list, for latency benches. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export interface LatencySummary {
  samples: number;
  p50: number;
  p99: number;
  max: number;
  /** Turns that answered wrongly or not at all (their time still counts). */
  errors: number;
}

/** p50, p99 and max of the times; `errors` is carried as given. */
export function summarise(times: readonly number[], errors = 0): LatencySummary {
  return { samples: times.length, p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(...times), errors };
}

/**
 * `users` concurrent users in a closed loop: each sends its next turn when
 * the last one is answered, `perUser` turns each. `turn(user, n)` gets the
 * user's index and a run-wide turn number.
 */
export async function closedLoop(
  users: number,
  perUser: number,
  turn: (user: number, n: number) => Promise<{ ms: number; ok: boolean }>,
): Promise<LatencySummary> {
  const times: number[] = [];
  let errors = 0;
  let n = 0;
  await Promise.all(
    Array.from({ length: users }, async (_, u) => {
      for (let k = 0; k < perUser; k++) {
        const r = await turn(u, n++);
        times.push(r.ms);
        if (!r.ok) errors++;
      }
    }),
  );
  return summarise(times, errors);
}

const usersLabel = (users: number) => `${users} user${users === 1 ? '' : 's'}`;
const tenths = (ms: number) => Math.round(ms * 10) / 10;

/**
 * The p50 and p99 rows of one measurement. A goal left out makes that row
 * context only (ok: null) unless turns failed, which is always a miss.
 */
export function latencyRows(
  label: string,
  users: number,
  s: LatencySummary,
  goals: { p50?: number; p99?: number },
  notes: { p50?: string; p99?: string } = {},
): BenchRow[] {
  const failed = s.errors > 0 ? `, ${s.errors} FAILED` : '';
  const row = (which: 'p50' | 'p99'): BenchRow => {
    const goal = goals[which];
    return {
      name: `${label}, ${usersLabel(users)}: ${which}`,
      value: tenths(s[which]),
      unit: 'ms',
      goal: goal === undefined ? null : `< ${goal.toLocaleString('en-GB')} ms`,
      ok: goal === undefined ? (s.errors === 0 ? null : false) : s[which] < goal && s.errors === 0,
      note: which === 'p50' ? `${s.samples} turns, max ${s.max.toFixed(0)} ms${failed}${notes.p50 ? `; ${notes.p50}` : ''}` : (notes.p99 ?? ''),
    };
  };
  return [row('p50'), row('p99')];
}

/** The table printed by `npx tsx scripts/bench/<bench>.ts`: one line per measurement, times to 0.1 ms. */
export function printLatencyTable<R extends LatencySummary>(results: readonly R[]): void {
  console.table(results.map((r) => ({ ...r, p50: r.p50.toFixed(1), p99: r.p99.toFixed(1), max: r.max.toFixed(1) })));
}
