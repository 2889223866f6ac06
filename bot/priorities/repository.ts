import type { AppContext } from '../kernel/context';
import type { BoroughId } from '../common/borough';
import { ConcurrencyError } from '../store/errors';
import type { PriorityPost, PrioritySet } from './model';
import { priorityPostKeys, prioritySetKeys } from './tables';

/**
 * The only module that touches the priorities slice's tables (keys in bot/priorities/tables.ts). Other slices ask
 * here: priorityVersions (the digests compare versions).
 */

/** Every published version of a borough's priorities, oldest first: one partition read. */
export async function priorityVersions(ctx: AppContext, borough: BoroughId): Promise<PrioritySet[]> {
  return (await ctx.store.prioritySets.listPartition(borough)).map((p) => p.value);
}

/** One version: a point read. */
export async function priorityVersion(ctx: AppContext, borough: BoroughId, version: number): Promise<PrioritySet | undefined> {
  return (await ctx.store.prioritySets.get(prioritySetKeys(borough, version)))?.value;
}

/** Stores a new version; false when that version exists already (someone published at the same moment). */
export async function createPriorityVersion(ctx: AppContext, set: PrioritySet): Promise<boolean> {
  try {
    await ctx.store.prioritySets.create(set);
    return true;
  } catch (err) {
    if (err instanceof ConcurrencyError) return false;
    throw err;
  }
}

/** The card of a borough's priorities in a channel, if one was posted there. */
export async function priorityPostIn(ctx: AppContext, borough: BoroughId, conversationId: string): Promise<PriorityPost | undefined> {
  return (await ctx.store.priorityPosts.get(priorityPostKeys(borough, conversationId)))?.value;
}

/** Records the first post of a borough's priorities in a channel. Idempotent: a second record of it changes nothing. */
export async function recordPriorityPost(ctx: AppContext, post: PriorityPost): Promise<void> {
  try {
    await ctx.store.priorityPosts.create(post);
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
  }
}
