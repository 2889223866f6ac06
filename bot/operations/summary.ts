import type { AppContext } from '../kernel/context';
import { summariseJointActions, type JointActionSummary, type JointActionSummaryQuery } from './rules/summary';
import { listOperationsEndingAfter } from './repository';

/**
 * For the weekly digest: joint operations completed in [from, to) with their
 * outcome totals, and those starting in [to, upcomingUntil), for the given
 * boroughs (all when empty). Cancelled operations are left out.
 */
export async function jointActionSummary(ctx: AppContext, query: JointActionSummaryQuery): Promise<JointActionSummary> {
  // Anything completed in the period, or starting after it, ends at or after `from`.
  const ops = await listOperationsEndingAfter(ctx, query.from, query.boroughs ?? []);
  return summariseJointActions(ops, query);
}

