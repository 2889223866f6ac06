import { z } from 'zod';
import { Instant } from '../common/common';
import { EntraObjectId } from '../common/member';
import { lazySchema } from '../common/lazySchema';

/**
 * The id Teams gives a person in this bot's conversations (`from.id`, "29:…"): what a card's
 * `refresh.userIds` lists. Teams never says which Entra object it belongs to except on an activity
 * from that person, so the bot keeps the pair it last saw for each registered member.
 */
export const TeamsUserId = lazySchema(() => z.string().min(3).max(200).regex(/^[\w:@.\-]+$/, 'a Teams user id'));
export type TeamsUserId = z.infer<typeof TeamsUserId>;

/**
 * Whether an id is a Teams user id ("29:…"), the only kind `refresh.userIds` may name. An Entra object id, or an
 * id another channel gives (an emulator's "user-1"), looks like a valid row but Teams would match nobody by it.
 */
export const isTeamsUserId = (id: string): boolean => /^29:[\w:@.\-]{1,197}$/.test(id);

export const TeamsUser = lazySchema(() => z.object({
  aadObjectId: EntraObjectId,
  userId: TeamsUserId,
  /** The day (UTC) the pair was last written: the most recently active members come first in a card's audience. */
  seenAt: Instant,
}));
export type TeamsUser = z.infer<typeof TeamsUser>;
