/**
 * Joint operations as the weekly digest reports them: those completed in a
 * period with their outcome totals, and those coming up. Pure: the
 * operations are passed in (bot/operations/summary.ts reads them).
 */
import type { BoroughId } from '../../common/borough';
import { operationLine, OUTCOME_COUNTS, type JointOperation, type OperationLine, type OutcomeCount } from '../model';

export interface JointActionSummaryQuery {
  /** Boroughs to include; empty or absent means all. */
  boroughs?: readonly BoroughId[];
  /** Operations that ended in [from, to) count as completed in the period. */
  from: Date;
  to: Date;
  /** Operations starting in [to, upcomingUntil) are listed as upcoming. */
  upcomingUntil: Date;
}

/** One operation as the digest lists it: counts only, never the outcome notes; absent until the lead records them. */
export type JointActionLine = OperationLine & {
  outcomes?: Record<OutcomeCount, number>;
};

export type OutcomeTotals = Record<OutcomeCount, number>;

export interface JointActionSummary {
  /** Ended in the period and not cancelled, oldest first. */
  completed: JointActionLine[];
  /** Sums over the completed operations whose outcomes are recorded. */
  totals: OutcomeTotals;
  /** How many completed operations have recorded outcomes, and how many are still awaited. */
  withOutcomes: number;
  awaitingOutcomes: number;
  /** Scheduled to start after the period, soonest first. */
  upcoming: JointActionLine[];
}

function lineOf(op: JointOperation): JointActionLine {
  const line: JointActionLine = operationLine(op);
  if (op.outcomes) line.outcomes = Object.fromEntries(OUTCOME_COUNTS.map((k) => [k, op.outcomes![k]])) as OutcomeTotals;
  return line;
}

export function emptyTotals(): OutcomeTotals {
  return Object.fromEntries(OUTCOME_COUNTS.map((k) => [k, 0])) as OutcomeTotals;
}

export function summariseJointActions(operations: readonly JointOperation[], q: JointActionSummaryQuery): JointActionSummary {
  const inBoroughs = (op: JointOperation) => !q.boroughs?.length || q.boroughs.includes(op.borough);
  const within = (iso: string, from: Date, to: Date) => Date.parse(iso) >= from.getTime() && Date.parse(iso) < to.getTime();
  const live = operations.filter((op) => op.status !== 'cancelled' && inBoroughs(op));

  const completed = live.filter((op) => within(op.endsAt, q.from, q.to)).sort((a, b) => a.endsAt.localeCompare(b.endsAt));
  const totals = emptyTotals();
  for (const op of completed) {
    if (!op.outcomes) continue;
    for (const k of OUTCOME_COUNTS) totals[k] += op.outcomes[k];
  }
  const upcoming = live
    .filter((op) => op.status === 'scheduled' && within(op.startsAt, q.to, q.upcomingUntil))
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const withOutcomes = completed.filter((op) => op.outcomes).length;
  return {
    completed: completed.map(lineOf),
    totals,
    withOutcomes,
    awaitingOutcomes: completed.length - withOutcomes,
    upcoming: upcoming.map(lineOf),
  };
}
