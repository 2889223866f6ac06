import type { InvocationContext, Timer } from '@azure/functions';
import type { Runtime } from '../bot/runtime';
import { runAccessReview } from '../bot/directory/review';

/** Timer: open access-review rounds that are due, and suspend whoever was not confirmed by a round's deadline. */
export async function accessReview(_timer: Timer, context: InvocationContext, runtime: Runtime): Promise<void> {
  const run = await runAccessReview(runtime.ctx);
  context.log(
    `accessReview: ${run.opened.length} rounds opened, ${run.closed.length} closed, ${run.closed.reduce((n, c) => n + c.suspended.length, 0)} members suspended; ` +
      `people index checked for ${run.indexed.organisations.length} organisations (${run.indexed.written} copies written, ${run.indexed.deleted} deleted); ` +
      `read ${run.reads.rows} rows in ${run.reads.requests} requests${run.stoppedAt ? `; read budget spent, the next run goes on from ${run.stoppedAt}` : ''}`,
  );
}
