/**
 * What opening one incident by its reference costs storage, counted at the wire (a proxy in front of the run's
 * Azurite): search by reference, "View details" and the message extension's "Find by reference" read the incident
 * by point reads only (its IncidentIndex row names the partition, then its row, then the page of history shown),
 * once per turn, however long its history or however full its week. A query of the Incidents table, even of one
 * partition, is what Azurite answers by checking every row of the table, and reads a whole history on Azure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyWindow } from '../bot/incidents/view';
import { HISTORY_PAGE } from '../cards/incidentDetails';
import { countsBetween, type RequestCounts, type StorageProxy } from '../scripts/bench/support/storageProxy';
import { AISHA, PRIYA, TOM, textOfCard, type BotHarness } from './support/botHarness';
import { findByReference, newSubmissionId, pressButton, reportIncident, startBotBehindProxy } from './support/botTurns';

type User = typeof PRIYA;

/**
 * Every turn identifies its caller (their member row and the directory head: 2 point reads; a suspended row is looked
 * for only when there is no active one). Organisation names come from the directory version read for that, not a
 * second read of the head. Opening an incident adds its index row and its row (2), the history page shown (at most
 * HISTORY_PAGE point reads) and the consultation's audit (the chain head and one transaction: 2).
 */
const CALLER = 2;
const OPEN_BOUND = CALLER + 2 + HISTORY_PAGE + 2;

let bot: BotHarness;
let proxy: StorageProxy;

beforeAll(async () => {
  ({ bot, proxy } = await startBotBehindProxy());
}, 60_000);
afterAll(async () => bot?.close());

/** What one turn cost storage, and its answer. */
async function counted<T>(turn: () => Promise<T>): Promise<{ answer: T; requests: RequestCounts }> {
  const before = proxy.snapshot();
  const answer = await turn();
  return { answer, requests: countsBetween(before, proxy.snapshot()) };
}
const queries = (c: RequestCounts) => c.byKind.partition + c.byKind.scan;

const report = (summary: string) => reportIncident(bot, PRIYA, { summary, occurredDate: '2026-11-20' }); // shared with GMP and Stockport Council
const update = (reference: string, i: number) => pressButton(bot, PRIYA, 'incident.update.submit', { reference, submissionId: newSubmissionId(), note: `Update ${i}: patrols continued.` });
const search = (user: User, q: string) => pressButton(bot, user, 'incidents.search', { q, from: '', to: '' });
const view = (user: User, data: Record<string, unknown>) => pressButton(bot, user, 'incident.view', data);
const find = (user: User, text: string) => findByReference(bot, user, text, { id: '19:estate@thread.v2', conversationType: 'groupChat' });

describe('opening an incident by its reference reads it by point reads, once', () => {
  let fresh: string;
  let long: string;
  beforeAll(async () => {
    fresh = await report('Group of youths throwing stones at passing buses near the shops.');
    long = await report('Repeated noise from a flat late at night, reported by several neighbours.');
    for (let i = 1; i <= 11; i++) await update(long, i);
    // Each person's first turn of the day also records their Teams user id (one write): made here, not in the counts.
    for (const u of [TOM, AISHA]) await search(u, '');
  }, 120_000);

  it('search by reference, by someone who may open it: the details card, from point reads only, bounded by the page of history shown', async () => {
    const one = await counted(() => search(TOM, fresh));
    expect(textOfCard(one.answer)).toContain('Group of youths throwing stones');
    expect(queries(one.requests)).toBe(0);
    // One history entry: the incident's index row and row once each, not again for the view.
    expect(one.requests.total).toBeLessThanOrEqual(OPEN_BOUND - HISTORY_PAGE + 1);

    const twelve = await counted(() => search(TOM, long));
    expect(textOfCard(twelve.answer)).toMatch(/the latest 5 of 12 changes/);
    expect(textOfCard(twelve.answer)).toContain('Update 11:');
    expect(queries(twelve.requests)).toBe(0);
    expect(twelve.requests.total).toBeLessThanOrEqual(OPEN_BOUND);

    // Eight more versions: the same cost, since only the page shown is read.
    for (let i = 12; i <= 19; i++) await update(long, i);
    const twenty = await counted(() => search(TOM, long));
    expect(textOfCard(twenty.answer)).toMatch(/the latest 5 of 20 changes/);
    expect(twenty.requests.total).toBe(twelve.requests.total);
  }, 120_000);

  it('search by reference, by someone who may not: who holds it, from two point reads after identifying them, and the refusal logged', async () => {
    const r = await counted(() => search(AISHA, fresh));
    expect(textOfCard(r.answer)).toMatch(/Held by an organisation that has not shared it with yours: \*\*Stockport Homes\*\*\. Ask Stockport Homes for access/);
    expect(textOfCard(r.answer)).not.toContain('Group of youths');
    expect(queries(r.requests)).toBe(0);
    // The refusal's audit: the chain head (a point read) and one transaction (the only write).
    expect(r.requests.byKind.write).toBe(1);
    expect(r.requests.total).toBeLessThanOrEqual(CALLER + 2 + 2);
  });

  it('"View details" and its history pages: point reads only, the page shown and no more', async () => {
    const latest = await counted(() => view(TOM, { reference: long }));
    expect(queries(latest.requests)).toBe(0);
    expect(latest.requests.total).toBeLessThanOrEqual(OPEN_BOUND);
    const earlier = await counted(() => view(TOM, { reference: long, historyBefore: 6 }));
    expect(textOfCard(earlier.answer)).toMatch(/History: changes 1 to 5 of 20/);
    expect(textOfCard(earlier.answer)).toContain('Reported');
    expect(queries(earlier.requests)).toBe(0);
  });

  it('"Find by reference" in the message extension: the record by two point reads, no history', async () => {
    const r = await counted(() => find(TOM, long.toLowerCase()));
    expect(r.answer.composeExtension.attachments).toHaveLength(1);
    expect(queries(r.requests)).toBe(0);
    expect(r.requests.total).toBeLessThanOrEqual(OPEN_BOUND - HISTORY_PAGE);
  });
});

describe('the page of history a view shows', () => {
  it('is the latest HISTORY_PAGE versions, then each page before, down to the first', () => {
    expect(historyWindow(1)).toEqual({ versions: [1], later: false, title: 'History' });
    expect(historyWindow(12)).toEqual({ versions: [8, 9, 10, 11, 12], earlierBefore: 8, later: false, title: 'History: the latest 5 of 12 changes' });
    expect(historyWindow(12, 8)).toEqual({ versions: [3, 4, 5, 6, 7], earlierBefore: 3, later: true, title: 'History: changes 3 to 7 of 12' });
    expect(historyWindow(12, 3)).toEqual({ versions: [1, 2], later: true, title: 'History: changes 1 to 2 of 12' });
  });
  it('a page asked for beyond either end (an old card, an edited button) is clamped, never more than a page', () => {
    expect(historyWindow(12, 99).versions).toEqual([8, 9, 10, 11, 12]);
    expect(historyWindow(12, 1).versions).toEqual([]);
  });
});
