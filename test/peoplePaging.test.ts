/**
 * The people lists at the size of a real organisation, over HTTP as Teams
 * drives them: an approver's "people" list and the access review card read
 * one page of rows per turn, in name order, with a "More" button carrying a
 * signed token bound to the person and the list. Another person's token, or
 * an altered one, is refused and reads nothing.
 */
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDirectoryFile } from '../bot/directory/apply';
import { PEOPLE_PAGE, PEOPLE_READS } from '../bot/directory/people';
import { pendingRequestsPage, putMember, type PeopleCursor } from '../bot/directory/repository';
import type { AccessRequest } from '../bot/directory/model';
import type { Stored } from '../bot/store/entityTable';
import { runAccessReview } from '../bot/directory/review';
import { REVIEW_PAGE, reviewPage } from '../bot/directory/rules/review';
import { EMPTY_DIRECTORY } from '../bot/directory/model';
import { reviewEntriesPartition } from '../bot/directory/tables';
import { peopleListCard, reviewCard } from '../bot/directory/views';
import { DIRECTORY_VERBS } from '../bot/directory/verbs';
import type { Member } from '../bot/common/member';
import { activityFrom, cardOf, DAN, MARIA, personalChat, startBotHarness, TENANT, textOfCard, type BotHarness } from './support/botHarness';
import { alteredToken } from './support/botTurns';
import { validateAdaptiveCard } from './support/schemas';
import { cardBytes, CARD_BYTE_BUDGET } from '../cards/render';
import { auditOf } from './support/audit';
import { execute } from './support/teamSetup';

const OLU = { id: '29:olu', aadObjectId: '00000000-0000-4000-8000-0000000000b1', name: 'Olu Adeyemi' }; // Salix Homes' approver
const STAFF = 140; // Stockport Homes' onboarded staff: more than seven pages of 20

/** Names with accents, mixed case and two people of one name: the list is in name order with every one of them. */
const FIRST = ['Zoë', 'adam', 'Ádám', 'Beth', 'Carys', "Niamh", 'Oluwaseun', 'Priyanka', 'Yusuf', 'Émile', 'ian', 'Kasia', 'Lee', 'Mo'];
const LAST = ['Adams', 'Brown', "O'Neill", 'Kovács', 'Smith', 'Ng', 'Walsh', 'Ahmed', 'Jones', 'Evans'];
const person = (i: number) => ({
  aadObjectId: `00000000-0000-4000-8000-${String(0xd00000 + i).padStart(12, '0')}`,
  tenantId: TENANT,
  displayName: i === STAFF - 1 ? 'Beth Brown' : `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`, // i=1..: one duplicate name
  jobTitle: i % 3 === 0 ? 'Housing officer' : 'Neighbourhood warden',
  roles: ['staff'],
});

let bot: BotHarness;
/** Storage requests by table, counted by a pipeline policy on every table client. */
const requests = new Map<string, number>();
const counted = (table: string) => requests.get(table) ?? 0;

beforeAll(async () => {
  bot = await startBotHarness();
  const ctx = bot.runtime.ctx;
  // Bulk onboarding in files of at most 100 people (one transaction each).
  const people = Array.from({ length: STAFF }, (_, i) => person(i));
  for (let i = 0; i < people.length; i += 100) {
    const done = await applyDirectoryFile(ctx, { schema: 'concordat.people/v1', organisation: 'stockport-homes', people: people.slice(i, i + 100) }, 'system');
    expect(done.ok).toBe(true);
  }
  const olu = await applyDirectoryFile(ctx, { schema: 'concordat.people/v1', organisation: 'salix-homes', people: [{ aadObjectId: OLU.aadObjectId, tenantId: TENANT, displayName: OLU.name, roles: ['staff', 'orgLead'] }] }, 'system');
  expect(olu.ok).toBe(true);
  const policy: PipelinePolicy = {
    name: 'countByTable',
    sendRequest: (req, next) => {
      const table = /\/([A-Za-z0-9]+?)(?:\(|\?|$)/.exec(new URL(req.url).pathname)?.[1] ?? '?';
      requests.set(table.replace(/^t[0-9a-f]{10}/, ''), counted(table.replace(/^t[0-9a-f]{10}/, '')) + 1);
      return next(req);
    },
  };
  for (const table of Object.values(ctx.store)) (table as { client?: { pipeline?: { addPolicy(p: PipelinePolicy): void } } }).client?.pipeline?.addPolicy(policy);
}, 120_000);
afterAll(async () => {
  await bot?.close();
});

async function turn<T>(run: () => Promise<T>): Promise<{ value: T; perTable: Map<string, number>; total: number }> {
  requests.clear();
  const value = await run();
  return { value, perTable: new Map(requests), total: [...requests.values()].reduce((a, b) => a + b, 0) };
}
async function say(user: { id: string; aadObjectId: string; name: string }, text: string): Promise<any> {
  const before = bot.connector.sent.length;
  const res = await bot.post(activityFrom(bot.connector.serviceUrl, user, personalChat(user), { type: 'message', text }));
  expect(res.status).toBe(200);
  return cardOf(await bot.connector.waitFor((a) => a.conversationId === personalChat(user).id && bot.connector.sent.indexOf(a) >= before && cardOf(a) !== undefined));
}
async function press(user: { id: string; aadObjectId: string; name: string }, verb: string, data: Record<string, unknown>): Promise<any> {
  const res = await execute(bot, user, personalChat(user), verb, data);
  expect(res.status).toBe(200);
  return res.body.value;
}

/** The names listed on a people card (the bold first line of each row), and its "More" button's data. */
const rowsOf = (card: any): { name: string; buttons: string[] }[] =>
  (card.body as any[]).filter((b) => b.type === 'Container' && b.separator).map((c) => {
    const all = JSON.stringify(c);
    const name = /"text":"([^"]+)","weight":"Bolder"/.exec(all)![1]!;
    return { name, buttons: [...all.matchAll(/"title":"([^"]+)","verb"/g)].map((m) => m[1]!) };
  });
const moreOf = (card: any): Record<string, unknown> | undefined => (card.actions ?? []).find((a: any) => a.title === 'More')?.data;
const bytes = (card: unknown) => Buffer.byteLength(JSON.stringify(card));
const collator = new Intl.Collator('en', { sensitivity: 'base' });

describe("an approver's people list, a page at a time", () => {
  it(`pages through 142 people ${PEOPLE_PAGE} at a time in name order: no one twice, no one missed; each turn reads one page`, async () => {
    const pages: any[] = [];
    const costs: { total: number; people: number; members: number }[] = [];
    const first = await turn(() => say(MARIA, 'people'));
    pages.push(first.value);
    costs.push({ total: first.total, people: counted('PeopleIndex'), members: first.perTable.get('Members') ?? 0 });
    for (let more = moreOf(first.value); more; more = moreOf(pages.at(-1))) {
      const next = await turn(() => press(MARIA, DIRECTORY_VERBS.people, more!));
      pages.push(next.value);
      costs.push({ total: next.total, people: next.perTable.get('PeopleIndex') ?? 0, members: next.perTable.get('Members') ?? 0 });
      expect(pages.length).toBeLessThan(10);
    }
    // Stockport Homes: the 140 onboarded, Priya and Maria from the partnership file.
    const names = pages.flatMap((p) => rowsOf(p).map((r) => r.name));
    expect(pages.map((p) => rowsOf(p).length)).toEqual([...Array(7).fill(PEOPLE_PAGE), 2]);
    expect(names).toHaveLength(STAFF + 2);
    expect(names.filter((n) => n === 'Beth Brown')).toHaveLength(2); // two people of one name, both listed
    for (let i = 1; i < names.length; i++) expect(collator.compare(names[i - 1]!, names[i]!), `${names[i - 1]} before ${names[i]}`).toBeLessThanOrEqual(0);
    expect(names).toEqual(expect.arrayContaining(['Maria Lopez', 'Priya Shah', 'Zoë Adams', 'Ádám Adams', "Beth O'Neill"]));
    const ids = pages.flatMap((p) => (p.body as any[]).flatMap((b) => [...JSON.stringify(b).matchAll(/"member":"([^"]+)"/g)].map((m) => m[1])));
    expect(new Set(ids).size).toBe(STAFF + 2); // every person once (each row's button names them)
    // What each page says, and its size and validity.
    expect(textOfCard(pages[0])).toMatch(new RegExp(`Stockport Homes: ${PEOPLE_PAGE} members on this page, more follow`));
    expect(textOfCard(pages.at(-1))).toMatch(/Stockport Homes, continued: 2 members\./);
    expect(moreOf(pages.at(-1))).toBeUndefined();
    for (const p of pages) {
      expect(validateAdaptiveCard(p)).toEqual([]);
      expect(cardBytes(p)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
    }
    // Storage per turn: one page of the index, never the Members table beyond the caller's own row.
    for (const c of costs) {
      expect(c.people).toBeLessThanOrEqual(1);
      expect(c.members).toBeLessThanOrEqual(2);
      expect(c.total).toBeLessThanOrEqual(12);
    }
  });

  it('a search reads at most two storage pages of the index per turn', async () => {
    const found = await turn(() => say(MARIA, 'people beth'));
    const rows = rowsOf(found.value).map((r) => r.name);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((n) => n.toLowerCase().includes('beth'))).toBe(true);
    expect(textOfCard(found.value)).toContain('People matching "beth"');
    expect(found.perTable.get('PeopleIndex') ?? 0).toBeLessThanOrEqual(2);
    expect(rows.filter((n) => n === 'Beth Brown')).toHaveLength(2);
  });

  it("another person's token, or an altered one, is refused clearly and reads nothing", async () => {
    const page1 = await say(MARIA, 'people');
    const more = moreOf(page1)!;
    expect(more.more).toEqual(expect.any(String));

    const stolen = await turn(() => press(OLU, DIRECTORY_VERBS.people, more));
    expect(textOfCard(stolen.value)).toContain('That "More" button is not yours to use');
    expect(textOfCard(stolen.value)).toContain('made for someone else');
    expect(stolen.perTable.get('PeopleIndex') ?? 0).toBe(0);
    expect(textOfCard(stolen.value)).not.toMatch(/Adams|Kovács/);

    const token = String(more.more);
    const forged = alteredToken(token);
    const altered = await turn(() => press(MARIA, DIRECTORY_VERBS.people, { ...more, more: forged }));
    expect(textOfCard(altered.value)).toContain('altered or damaged');
    expect(altered.perTable.get('PeopleIndex') ?? 0).toBe(0);

    // Both are buttons their presser was not given: audited as refusals of the list's route, with the reason.
    const refusals = await auditOf(bot.runtime.ctx.store, `route:action:${DIRECTORY_VERBS.people}`);
    expect(refusals.map((e) => [e.action, e.actor.aadObjectId, e.note?.split(';')[0]])).toEqual([
      ['refusal', OLU.aadObjectId, 'people page refused: page token belongs to someone else'],
      ['refusal', MARIA.aadObjectId, 'people page refused: page token signature does not match'],
    ]);

    // A day later the token has expired: the first page again, said so. Her own button, unaltered (the signature
    // and the person are checked before the time): not a refusal to audit.
    bot.now.value = new Date(bot.now.value.getTime() + 25 * 3600_000);
    try {
      const late = await press(MARIA, DIRECTORY_VERBS.people, more);
      expect(textOfCard(late)).toContain('more than a day old');
      expect(rowsOf(late).map((r) => r.name)).toEqual(rowsOf(page1).map((r) => r.name));
    } finally {
      bot.now.value = new Date(bot.now.value.getTime() - 25 * 3600_000);
    }
    expect(await auditOf(bot.runtime.ctx.store, `route:action:${DIRECTORY_VERBS.people}`)).toHaveLength(2);
  });

  it("an administrator pages through every organisation's people, by organisation then name", async () => {
    const first = await say(DAN, 'people');
    expect(textOfCard(first)).toMatch(new RegExp(`every organisation: ${PEOPLE_PAGE} members on this page, more follow`));
    const second = await press(DAN, DIRECTORY_VERBS.people, moreOf(first)!);
    const names = [...rowsOf(first), ...rowsOf(second)].map((r) => r.name);
    const ids = [first, second].flatMap((p) => [...JSON.stringify(p.body).matchAll(/"member":"([^"]+)"/g)].map((m) => m[1]));
    expect(new Set(ids).size).toBe(2 * PEOPLE_PAGE);
    // city-west-housing, then gmp (Helen before Tom), then salix-homes, stockport-council, stockport-homes...
    expect(names.slice(0, 3)).toEqual(['Kwame Mensah', 'Helen Okafor', 'Tom Bradley']);
  });

  it('a store written before the people index existed gets it built on the first list, whole', async () => {
    const ctx = bot.runtime.ctx;
    for (const row of await ctx.store.peopleIndex.query("PartitionKey gt ''")) await ctx.store.peopleIndex.delete(row.keys);
    const first = await say(MARIA, 'people');
    expect(rowsOf(first)).toHaveLength(PEOPLE_PAGE);
    expect(await ctx.store.peopleIndex.query("PartitionKey eq 'stockport-homes'")).toHaveLength(STAFF + 2);
  });

  it('a change of name moves the person in the list; a removal takes them off it', async () => {
    const ctx = bot.runtime.ctx;
    const target = person(5);
    const stored = (await ctx.store.members.get({ partitionKey: 'member', rowKey: target.aadObjectId }))!;
    await putMember(ctx, { ...stored.value, displayName: 'Aaron Aardvark' }, stored);
    const page1 = await say(MARIA, 'people');
    expect(rowsOf(page1)[0]!.name).toBe('Aaron Aardvark');
    expect(JSON.stringify(await say(MARIA, `people ${target.displayName.toLowerCase()}`))).not.toContain(target.aadObjectId);
    const removed = await press(MARIA, DIRECTORY_VERBS.remove, { member: target.aadObjectId });
    expect(textOfCard(removed)).toContain('Aaron Aardvark has been removed');
    expect(rowsOf(removed)[0]!.name).not.toBe('Aaron Aardvark');
  });
});

describe('the access review of a large organisation, a page at a time', () => {
  it('shows 10 to confirm in name order, More shows the next 10, and "Confirm all shown" confirms exactly those shown', async () => {
    const ctx = bot.runtime.ctx;
    await bot.post(activityFrom(bot.connector.serviceUrl, MARIA, personalChat(MARIA), { type: 'installationUpdate', action: 'add' }));
    bot.now.value = new Date(bot.now.value.getTime() + 100 * 86_400_000);
    const run = await runAccessReview(ctx);
    const opened = run.opened.find((o) => o.organisationId === 'stockport-homes')!;
    expect(opened.members).toBeGreaterThan(REVIEW_PAGE * 2);
    const sent = bot.connector.sent.length;
    const { drainOutbox } = await import('../bot/outbox/sender');
    await drainOutbox(ctx, bot.runtime.transport, { sendTimeoutMs: 2000 });
    const card = cardOf(await bot.connector.waitFor((a) => a.conversationId === personalChat(MARIA).id && bot.connector.sent.indexOf(a) >= sent && /Access review/.test(JSON.stringify(cardOf(a) ?? ''))));
    const page1 = rowsOf(card);
    expect(page1).toHaveLength(REVIEW_PAGE);
    expect(bytes(card)).toBeLessThan(28_000);
    expect(validateAdaptiveCard(card)).toEqual([]);
    for (let i = 1; i < page1.length; i++) expect(collator.compare(page1[i - 1]!.name, page1[i]!.name)).toBeLessThanOrEqual(0);

    const more = moreOf(card)!;
    const page2 = await turn(() => press(MARIA, DIRECTORY_VERBS.reviewMore, more));
    const names2 = rowsOf(page2.value).map((r) => r.name);
    expect(names2).toHaveLength(REVIEW_PAGE);
    expect(collator.compare(page1.at(-1)!.name, names2[0]!)).toBeLessThanOrEqual(0);
    expect(page2.perTable.get('Members') ?? 0).toBeLessThanOrEqual(2); // details come from one range read of the index
    expect(page2.perTable.get('PeopleIndex') ?? 0).toBeLessThanOrEqual(1);
    expect(await press(OLU, DIRECTORY_VERBS.reviewMore, more)).toSatisfy((c: any) => textOfCard(c).includes('not yours to use'));
    expect((await auditOf(ctx.store, `route:action:${DIRECTORY_VERBS.reviewMore}`)).map((e) => [e.action, e.actor.aadObjectId, e.note?.split(';')[0]])).toEqual([
      ['refusal', OLU.aadObjectId, 'access review page refused: page token belongs to someone else'],
    ]);
    // Maria's own button a day later: the round from the top again, said so, and nothing audited.
    bot.now.value = new Date(bot.now.value.getTime() + 25 * 3600_000);
    try {
      const late = await press(MARIA, DIRECTORY_VERBS.reviewMore, more);
      expect(textOfCard(late)).toContain('more than a day old, so here is its first page again');
      expect(rowsOf(late).map((r) => r.name)).toEqual(page1.map((r) => r.name));
    } finally {
      bot.now.value = new Date(bot.now.value.getTime() - 25 * 3600_000);
    }
    expect(await auditOf(ctx.store, `route:action:${DIRECTORY_VERBS.reviewMore}`)).toHaveLength(1);

    // Confirming all shown on page 2 confirms those 25, and the card stays on that part of the list.
    const confirmAll = (page2.value.actions as any[]).find((a) => String(a.title).startsWith('Confirm all'));
    const after = await press(MARIA, DIRECTORY_VERBS.reviewConfirmAll, confirmAll.data);
    expect(textOfCard(after)).toMatch(new RegExp(`${REVIEW_PAGE} confirmed, 0 removed`));
    const review = (await ctx.store.accessReviews.listPartition('stockport-homes')).at(-1)!.value;
    const entries = await ctx.store.accessReviewEntries.listPartition(reviewEntriesPartition('stockport-homes', review.round));
    expect(entries.flatMap((r) => (r.value.kind === 'entry' && r.value.outcome === 'confirmed' ? [r.value.displayName] : [])).sort()).toEqual([...names2].sort());
    // ... and the card moves on to who is left from there: the next page.
    const next = rowsOf(after).map((r) => r.name);
    expect(next).toHaveLength(REVIEW_PAGE);
    expect(collator.compare(names2.at(-1)!, next[0]!)).toBeLessThanOrEqual(0);
  });
});

describe('card size with the longest names and details', () => {
  const longName = 'W'.repeat(120);
  const member = (i: number): Member => ({
    aadObjectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    displayName: `${longName.slice(0, 116)}${String(i).padStart(4, '0')}`,
    jobTitle: 'J'.repeat(120),
    organisationId: 'a-very-long-organisation-identifier-of-sixty-characters-xxxx',
    roles: ['staff', 'coordinator', 'themeLead', 'orgLead'],
    leadsThemes: ['public-safety'],
    status: 'suspended',
    source: 'file',
  });
  it("a full people page stays within a card's budget (cards/render.ts cardBytes), requests and members alike", () => {
    const directory = { ...EMPTY_DIRECTORY, organisations: [{ id: 'a-very-long-organisation-identifier-of-sixty-characters-xxxx', name: 'O'.repeat(120) } as never] };
    // The longest "More" token: a cursor with the longest keys and a service token (measured: under 1,000 characters).
    const more = 'x'.repeat(1_200);
    const request = (i: number) => ({ ...member(i), tenantId: TENANT, routedTo: 'organisation' as const, role: 'orgLead' as const, reason: 'r'.repeat(500), requestedAt: '2026-11-30T23:59:00.000Z', status: 'pending' as const });
    for (const rows of [
      Array.from({ length: PEOPLE_PAGE }, (_, i) => ({ kind: 'member' as const, member: member(i) })),
      Array.from({ length: PEOPLE_PAGE }, (_, i) => ({ kind: 'request' as const, request: request(i) })),
    ]) {
      // An administrator's list (each line names its organisation) and an approver's (its organisation named once
      // above), restarted, searched, with a status.
      for (const scope of ['every organisation', 'O'.repeat(120)]) {
        const list = peopleListCard({ kind: 'list', directory, rows, query: 'w'.repeat(60), scope, more, continued: true, restarted: true, requests: 1 }, 'Europe/London', { text: 's'.repeat(400), tone: 'good' });
        expect(rowsOf(list)).toHaveLength(PEOPLE_PAGE);
        expect(cardBytes(list)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
        expect(validateAdaptiveCard(list)).toEqual([]);
      }
    }
  });

  it('a full review page of the longest names stays within the card budget as Teams measures it', () => {
    const review = { organisationId: 'stockport-homes', round: '2026-11', deadline: '2026-11-15T00:00:00.000Z' };
    const counts = { total: 99_999, confirmed: 33_333, removed: 33_333, suspended: 0 };
    const shown = Array.from({ length: REVIEW_PAGE + 1 }, (_, i) => ({ aadObjectId: member(i).aadObjectId, displayName: member(i).displayName }));
    const card = reviewCard(review, counts, 'O'.repeat(120), 'Europe/London', { members: Array.from({ length: 500 }, (_, i) => member(i)), page: reviewPage({ people: shown.slice(0, REVIEW_PAGE), more: true }, counts), more: 'x'.repeat(900), status: { text: 'Confirmed.', tone: 'good' } });
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
    expect(validateAdaptiveCard(card)).toEqual([]);
  });
});

describe('open requests behind a long run of decided ones, as Azure answers', () => {
  /**
   * Azure applies a query's filter as it scans, and may end a response after a time, with a continuation token
   * naming where its scan got to: over a long run of rows the filter rejects (decided requests, kept until
   * retention deletes them) it answers with empty responses. Azurite never does, so a table that answers that
   * way stands in for it: at most 4 rows scanned a response.
   */
  const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const request = (i: number, status: AccessRequest['status']): AccessRequest => ({
    aadObjectId: id(i), tenantId: TENANT, displayName: `Person ${i}`, organisationId: 'stockport-homes', routedTo: 'organisation', role: 'staff', reason: 'New starter in the team.', requestedAt: '2026-11-01T09:00:00.000Z', status,
  });
  // 60 decided requests, then 8 pending ones, in requester id order.
  const rows: Stored<AccessRequest>[] = Array.from({ length: 68 }, (_, i) => request(i, i < 60 ? 'declined' : 'pending')).map((value) => ({ value, etag: '*', keys: { partitionKey: 'request', rowKey: value.aadObjectId } }));
  let reads = 0;
  const joinRequests = {
    async page(filter: string, opts: { maxPageSize: number; continuationToken?: string }) {
      reads++;
      const after = /RowKey gt '((?:[^']|'')*)'/.exec(filter)?.[1]?.replace(/''/g, "'");
      let at = opts.continuationToken !== undefined ? Number(Buffer.from(opts.continuationToken, 'base64').toString()) : rows.findIndex((r) => after === undefined || r.keys.rowKey > after);
      if (at < 0) at = rows.length;
      const found: Stored<AccessRequest>[] = [];
      for (let scanned = 0; at < rows.length && scanned < 4 && found.length < opts.maxPageSize; scanned++, at++) if (rows[at]!.value.status === 'pending') found.push(rows[at]!);
      return at < rows.length ? { rows: found, next: Buffer.from(String(at)).toString('base64') } : { rows: found };
    },
  };
  const ctx = { store: { joinRequests } } as unknown as Parameters<typeof pendingRequestsPage>[0];

  it('each "More" goes on from where the service got to: every pending request once, reads bounded per turn', async () => {
    const seen: string[] = [];
    const perTurn: number[] = [];
    let at: PeopleCursor | undefined;
    for (let turn = 0; ; turn++) {
      expect(turn, 'the list ends').toBeLessThan(20);
      reads = 0;
      const page = await pendingRequestsPage(ctx, { organisationId: 'stockport-homes' }, { size: PEOPLE_PAGE, match: () => true, maxRequests: PEOPLE_READS.requests, ...(at ? { at } : {}) });
      perTurn.push(reads);
      seen.push(...page.rows.map((r) => r.aadObjectId));
      if (!page.next) break;
      at = page.next;
    }
    expect(seen).toEqual(rows.slice(60).map((r) => r.value.aadObjectId));
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(PEOPLE_READS.requests);
    // 68 rows scanned 4 a response, 2 responses a turn: 9 turns, every one further on than the last.
    expect(perTurn).toHaveLength(9);
  });
});
