import { isTeamsUserId } from '../model';

/**
 * Who a channel card's `refresh.userIds` names (pure).
 *
 * Teams refreshes a card automatically for everyone in a conversation of at
 * most 60 people; in a larger one (a big team's channel) only for the users
 * listed in `userIds`, at most 60, and everyone else sees the card as posted
 * (they can still ask for a refresh from the message's menu). An empty list
 * turns automatic refresh off even in a small chat, so when nobody is to be
 * named the property is left out rather than sent empty.
 *
 * The rule when more than 60 qualify: the lower `rank` first (the caller
 * ranks who most needs their own view), then the most recently seen (most
 * likely to be reading Teams now), then by id so the list is stable between
 * renders. The card as posted must be right for everyone left out. Only
 * Teams user ids ("29:…") are named: a row holding anything else (an Entra
 * object id) is skipped, never sent.
 */
export const MAX_REFRESH_USERS = 60;

export interface AudienceCandidate {
  userId: string;
  rank: number;
  seenAt: string;
}

export function refreshAudience(candidates: readonly AudienceCandidate[]): string[] | undefined {
  const best = new Map<string, AudienceCandidate>();
  for (const c of candidates) {
    if (!isTeamsUserId(c.userId)) continue;
    const had = best.get(c.userId);
    if (!had || c.rank < had.rank || (c.rank === had.rank && c.seenAt > had.seenAt)) best.set(c.userId, c);
  }
  const ordered = [...best.values()].sort((a, b) => a.rank - b.rank || b.seenAt.localeCompare(a.seenAt) || a.userId.localeCompare(b.userId));
  return ordered.length === 0 ? undefined : ordered.slice(0, MAX_REFRESH_USERS).map((c) => c.userId);
}
