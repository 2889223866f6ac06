/**
 * How many access requests one person may have in front of approvers (docs/authorisation.md "Request access,
 * bounded"). Every request puts a private card in front of every approver of the owning organisation, and a search
 * offers an "Ask" button per organisation per place: without limits one person searching many places could fill an
 * approver's chat. Pure: the clock is passed in; the entries are the person's row in AccessAsks.
 */
export const ACCESS_REQUEST_LIMITS = {
  /** Requests waiting for one organisation's approvers: enough for a real case, too few to bury them. */
  waitingPerOrganisation: 5,
  /** Requests waiting across the partnership: bounds what one person leaves undecided everywhere (and their row). */
  waitingEverywhere: 25,
  /** New requests in any 24 hours, decided or not: a burst of searches cannot become a burst of cards. */
  perDay: 20,
} as const;

export const ASK_WINDOW_MS = 24 * 3600_000;

/** One request a person made: which, to whom, when, and whether its approvers have yet to decide it. */
export interface AskEntry {
  id: string;
  owner: string;
  at: string;
  pending: boolean;
}

export type AskAdmission =
  /** `entries`: the person's entries as they should now be stored; `repeat`: the request was already counted. */
  | { ok: true; entries: AskEntry[]; repeat: boolean }
  | { ok: false; limit: 'waitingPerOrganisation' | 'waitingEverywhere'; count: number; waiting: AskEntry[] }
  /** `until`: when the oldest request of the day leaves the 24 hours, so one more may be sent. */
  | { ok: false; limit: 'perDay'; count: number; until: Date };

/** What of a person's entries still matters at `now`: waiting requests, and any made in the last 24 hours. */
export function liveEntries(entries: readonly AskEntry[], now: Date): AskEntry[] {
  const since = now.getTime() - ASK_WINDOW_MS;
  return entries.filter((e) => e.pending || Date.parse(e.at) > since);
}

/**
 * Whether one more request (`ask`) may go to approvers. A request already waiting (a double tap, a retry) is never
 * counted twice. The limits are checked narrowest first, so the answer names the one the person can act on.
 */
export function admitAsk(entries: readonly AskEntry[], ask: { id: string; owner: string }, now: Date): AskAdmission {
  const live = liveEntries(entries, now);
  if (live.some((e) => e.id === ask.id && e.pending)) return { ok: true, entries: live, repeat: true };
  const waitingHere = live.filter((e) => e.pending && e.owner === ask.owner);
  if (waitingHere.length >= ACCESS_REQUEST_LIMITS.waitingPerOrganisation) return { ok: false, limit: 'waitingPerOrganisation', count: waitingHere.length, waiting: waitingHere };
  const waiting = live.filter((e) => e.pending);
  if (waiting.length >= ACCESS_REQUEST_LIMITS.waitingEverywhere) return { ok: false, limit: 'waitingEverywhere', count: waiting.length, waiting };
  const since = now.getTime() - ASK_WINDOW_MS;
  const today = live.filter((e) => Date.parse(e.at) > since).sort((a, b) => a.at.localeCompare(b.at));
  if (today.length >= ACCESS_REQUEST_LIMITS.perDay) {
    return { ok: false, limit: 'perDay', count: today.length, until: new Date(Date.parse(today[today.length - ACCESS_REQUEST_LIMITS.perDay]!.at) + ASK_WINDOW_MS) };
  }
  // The same id settled earlier is a withdrawn request asked again: it waits again, counted as of now.
  return { ok: true, entries: [...live.filter((e) => e.id !== ask.id), { id: ask.id, owner: ask.owner, at: now.toISOString(), pending: true }], repeat: false };
}

/** The entries once a request is decided (or withdrawn, or gone): it no longer waits. Unchanged if it was not waiting. */
export function settleAsk(entries: readonly AskEntry[], ids: readonly string[]): AskEntry[] | undefined {
  if (!entries.some((e) => e.pending && ids.includes(e.id))) return undefined;
  return entries.map((e) => (ids.includes(e.id) ? { ...e, pending: false } : e));
}
