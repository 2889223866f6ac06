import { odata } from '@azure/data-tables';
import type { AppContext } from '../../kernel/context';
import type { IncidentIndexEntry } from '../model';
import { indexKeys } from '../tables';
import { openIncident } from './read';
import { reindexIncident } from './reindex';

/** Passes over every stored incident (the search index's backfill, bot/search/backfill.ts), never a user's turn. */

/**
 * Re-indexes an incident as it is stored now (reindexIncident), and again if it changed meanwhile: for a pass over
 * stored incidents, which reads each one while its editors may be writing it. Idempotent.
 */
export async function reindexStored(ctx: AppContext, reference: string): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const before = await openIncident(ctx, reference);
    if (!before) return;
    await reindexIncident(ctx, before.record);
    const after = await openIncident(ctx, reference);
    if (!after || after.etag === before.etag) return;
  }
}

/**
 * One page of IncidentIndex rows (every stored incident's reference, partition and recorded finder slots): for
 * passes over every incident, never a user's turn. One request.
 */
export async function incidentIndexPage(ctx: AppContext, opts: { size: number; continuation?: string }): Promise<{ rows: IncidentIndexEntry[]; next?: string }> {
  const page = await ctx.store.incidentIndex.page(odata`RowKey eq ${indexKeys('').rowKey}`, { maxPageSize: opts.size, continuationToken: opts.continuation });
  return { rows: page.rows.map((r) => r.value), ...(page.next ? { next: page.next } : {}) };
}
