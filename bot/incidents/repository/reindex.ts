import type { AppContext } from '../../kernel/context';
import type { IncidentRecord } from '../model';
import { deleteFinderSlots, finderSlotsOf, writeFinderRows } from '../../search/repository';
import { indexKeys } from '../tables';

/**
 * Brings an incident's finder rows (the search slice's IncidentFinder) in line
 * with the record: upserts the rows it should have and deletes those it no
 * longer should (an edited area, a police reference cleared by retention).
 * The rows' slots are recorded on the IncidentIndex row first (old and new
 * together), so a crash half way leaves rows the next reindex knows to
 * delete. Idempotent: every write path calls it after its own write, and
 * again on retry.
 */
export async function reindexIncident(ctx: AppContext, record: IncidentRecord): Promise<void> {
  const wanted = finderSlotsOf(ctx, record);
  const keys = indexKeys(record.reference);
  const index = await ctx.store.incidentIndex.get(keys);
  const before = index?.value.finderKeys ?? [];
  const added = wanted.filter((k) => !before.includes(k));
  if (index && added.length > 0) {
    await ctx.store.incidentIndex.mutate(keys, (i) => i && { ...i, finderKeys: [...new Set([...(i.finderKeys ?? []), ...wanted])] });
  }
  await writeFinderRows(ctx, record);
  const gone = before.filter((k) => !wanted.includes(k));
  await deleteFinderSlots(ctx, gone);
  if (index && gone.length > 0) {
    await ctx.store.incidentIndex.mutate(keys, (i) => i && { ...i, finderKeys: wanted });
  }
}
