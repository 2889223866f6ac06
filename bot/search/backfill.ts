import type { AppContext } from '../kernel/context';
import { incidentIndexPage, reindexStored } from '../incidents/repository/reindexPass';
import { finderMarked, lacksWordInDistrict, markFinder } from './repository';

/** Incidents re-indexed at once by the pass. */
const WORKERS = 8;

/**
 * The one-off pass that indexes incidents stored before the place-word-within-district keys existed
 * ("wd|brinnington|SK5"), so that "Brinnington SK5" is one partition read, on Azure too, rather than the word's
 * partition filtered by district in the service. Until it has finished, such a search reads the old way (complete,
 * just not bounded); once a pass over every stored incident has found nothing left to do, the FinderMarks row says
 * so and searches read the combined partition.
 *
 * Idempotent and resumable: each incident is re-indexed by the code every write uses (reindexStored:
 * reindexIncident records the slots on its IncidentIndex row before writing the rows, and is re-run if the incident
 * changed meanwhile), and one whose recorded slots already include the combined keys is skipped. A run that stops
 * (its budget, a timeout, an outage) is carried on by the next; two at once write the same rows. Incidents written
 * meanwhile get the keys from their own write. Run by the nightly retention run with a budget, and at once for a
 * whole store by `npx tsx scripts/backfillFinder.ts` after deploying.
 *
 * Returns how many incidents it re-indexed and whether the pass is complete.
 */
export async function indexPlacesWithinDistricts(ctx: AppContext, opts: { budget: number }): Promise<{ reindexed: number; complete: boolean }> {
  if (await finderMarked(ctx, 'wordInDistrict')) return { reindexed: 0, complete: true };
  let reindexed = 0;
  let continuation: string | undefined;
  do {
    const page = await incidentIndexPage(ctx, { size: 1000, continuation });
    const todo = page.rows.filter((e) => lacksWordInDistrict(e.finderKeys)).map((e) => e.reference);
    const room = opts.budget - reindexed;
    const now = todo.slice(0, room);
    await Promise.all(
      Array.from({ length: Math.min(WORKERS, now.length) }, async () => {
        for (let reference = now.shift(); reference; reference = now.shift()) {
          await reindexStored(ctx, reference);
          reindexed++;
        }
      }),
    );
    if (todo.length > room) return { reindexed, complete: false };
    continuation = page.next;
  } while (continuation);
  await markFinder(ctx, { name: 'wordInDistrict', completedAt: ctx.clock().toISOString(), reindexed });
  return { reindexed, complete: true };
}
