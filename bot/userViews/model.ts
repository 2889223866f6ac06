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

export const TeamsUser = lazySchema(() => z.object({
  aadObjectId: EntraObjectId,
  userId: TeamsUserId,
  /** The day (UTC) the pair was last written: the most recently active members come first in a card's audience. */
  seenAt: Instant,
}));
export type TeamsUser = z.infer<typeof TeamsUser>;
