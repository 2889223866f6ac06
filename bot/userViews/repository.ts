import type { AppContext } from '../kernel/context';
import { TEAMS_USER_PARTITION } from './tables';
import { isTeamsUserId, TeamsUser, TeamsUserId } from './model';

/** The only module that touches the TeamsUsers table. */

type Ctx = Pick<AppContext, 'store' | 'clock'>;

/**
 * Pairs written by this process (per store), so a busy member costs one write a day, not
 * one per message. It holds ids only, never roles: who may do what is read
 * from the directory on every activity.
 */
const writtenTo = new WeakMap<object, Map<string, string>>();
const WRITTEN_MAX = 10_000;

/**
 * Remembers the Teams user id of a registered member seen on an activity
 * (at most once a day per process; an upsert, so retries and races are harmless).
 */
export async function rememberTeamsUser(ctx: Ctx, aadObjectId: string, userId: string): Promise<void> {
  if (!isTeamsUserId(userId) || !TeamsUserId.safeParse(userId).success) return;
  const day = ctx.clock().toISOString().slice(0, 10);
  const mark = `${userId}|${day}`;
  let written = writtenTo.get(ctx.store);
  if (!written) writtenTo.set(ctx.store, (written = new Map()));
  if (written.get(aadObjectId) === mark) return;
  const row = TeamsUser.safeParse({ aadObjectId, userId, seenAt: `${day}T00:00:00.000Z` });
  if (!row.success) return;
  await ctx.store.teamsUsers.upsert(row.data);
  if (written.size >= WRITTEN_MAX) written.clear();
  written.set(aadObjectId, mark);
}

/** Every known pair (bounded by the members who have used the bot; rows of people gone are removed by retention). */
export async function knownTeamsUsers(ctx: Pick<AppContext, 'store'>): Promise<Map<string, TeamsUser>> {
  const rows = await ctx.store.teamsUsers.listPartition(TEAMS_USER_PARTITION);
  return new Map(rows.map((r) => [r.value.aadObjectId, r.value]));
}

/** Retention: pairs not seen since `cutoff`. */
export async function forgetTeamsUsersSeenBefore(ctx: Pick<AppContext, 'store'>, cutoff: string): Promise<number> {
  const rows = await ctx.store.teamsUsers.listPartition(TEAMS_USER_PARTITION);
  const old = rows.filter((r) => r.value.seenAt < cutoff);
  for (const r of old) await ctx.store.teamsUsers.delete(r.keys);
  return old.length;
}
