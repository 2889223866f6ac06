/**
 * The access review at the size of a real organisation (a police force or a large landlord has thousands of
 * staff; the region ~5,000 partner staff in ~31 organisations), and what happens when a run stops part way.
 *
 * A round stores its people a row each (bot/directory/tables.ts AccessReviewEntries): no row holds a list, so no
 * row nears Azure's limits (64 KiB a property, 1 MiB an entity) at any size. Rounds stored before that, with up
 * to 500 people inline in one row (~50 KB at 500), are converted the first time they are read.
 */
import { InvocationContext } from '@azure/functions';
import type { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { applyDirectoryFile } from '../bot/directory/apply';
import { deleteMember, dropOldReviews, findMember, latestReview, putMember, readTally } from '../bot/directory/repository';
import { OPEN_STEP } from '../bot/directory/review';
import { reviewPendingRowKey } from '../bot/directory/tables';
import { REVIEW_PAGE } from '../bot/directory/rules/review';
import { personOrderKey } from '../bot/directory/rules/people';
import { reviewEntriesPartition } from '../bot/directory/tables';
import { DIRECTORY_VERBS } from '../bot/directory/verbs';
import { drainOutbox } from '../bot/outbox/sender';
import { accessReview } from '../functions/accessReview';
import { auditOf } from './support/audit';
import { activityFrom, cardOf, DAN, MARIA, personalChat, startBotHarness, TENANT, textOfCard, type BotHarness } from './support/botHarness';
import { validateAdaptiveCard } from './support/schemas';
import { cardBytes, CARD_BYTE_BUDGET } from '../cards/render';
import { execute } from './support/teamSetup';

/** The bound every review row stays under, as Azure counts it (strings in UTF-16): 2 KiB, 1/32 of a property's limit. */
const ROW_BOUND = 2_048;

const FIRST = ['Zoë', 'adam', 'Ádám', 'Beth', 'Carys', 'Niamh', 'Oluwaseun', 'Priyanka', 'Yusuf', 'Émile', 'ian', 'Kasia', 'Lee', 'Mo', 'Aled', 'Bronwen', 'Chidi', 'Dara', 'Eilidh', 'Farah', 'Gareth', 'Hana', 'Idris', 'Jun', 'Kofi', 'Lowri', 'Marek', 'Nia', 'Omar', 'Pål'];
const LAST = ['Adams', 'Brown', "O'Neill", 'Kovács', 'Smith', 'Ng', 'Walsh', 'Ahmed', 'Jones', 'Evans', 'Hughes', 'Patel', 'Nowak', 'Okafor', 'Murphy', 'Khan', 'Taylor', 'Davies', 'Lewis', 'Begum', 'Wright', 'Green', 'Hall', 'Wood', 'Clarke', 'Mensah', 'Price', 'Rees', 'Shaw', 'Yildiz', 'Bell', 'Ward', 'Cox', 'Reid', 'Lloyd', 'Fox', 'Kaur', 'Lim', 'Moss', 'Stone'];
const person = (i: number, base: number) => ({
  aadObjectId: `00000000-0000-4000-8000-${(base + i).toString(16).padStart(12, '0')}`,
  tenantId: TENANT,
  displayName: `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}${i >= FIRST.length * LAST.length ? ` ${i}` : ''}`,
  jobTitle: i % 3 === 0 ? 'Housing officer' : 'Neighbourhood warden',
  roles: ['staff' as const],
});

async function harness(): Promise<BotHarness> {
  const bot = await startBotHarness({ start: new Date('2026-11-25T10:00:00Z') });
  for (const user of [MARIA, DAN]) await bot.post(activityFrom(bot.connector.serviceUrl, user, personalChat(user), { type: 'installationUpdate', action: 'add' }));
  return bot;
}

/** Bulk onboarding, as `npm run directory -- apply` does it: files of at most 100 people. */
async function onboard(bot: BotHarness, organisation: string, count: number, base: number) {
  const people = Array.from({ length: count }, (_, i) => person(i, base));
  for (let i = 0; i < people.length; i += 100) {
    const done = await applyDirectoryFile(bot.runtime.ctx, { schema: 'concordat.people/v1', organisation, people: people.slice(i, i + 100) }, 'system');
    expect(done.ok).toBe(true);
  }
  return people;
}

async function runTimer(bot: BotHarness, at: string): Promise<string> {
  bot.now.value = new Date(at);
  const logs: string[] = [];
  await accessReview({ isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } }, new InvocationContext({ functionName: 'accessReview', logHandler: (_l, ...a) => logs.push(a.join(' ')) }), bot.runtime);
  await drainOutbox(bot.runtime.ctx, bot.runtime.transport, { sendTimeoutMs: 2000 });
  return logs.join('\n');
}

const cardsTo = (bot: BotHarness, user: typeof MARIA, since: number) => bot.connector.sent.slice(since).filter((a) => a.conversationId === personalChat(user).id).map((a) => cardOf(a));
const moreOf = (card: any): Record<string, unknown> | undefined => (card.actions ?? []).find((a: any) => a.title === 'More')?.data;
const confirmAllOf = (card: any): Record<string, unknown> => (card.actions ?? []).find((a: any) => String(a.title).startsWith('Confirm all')).data;
/** The people a review card shows: each row's buttons carry the person's object id. */
const idsOn = (card: any): string[] => [...new Set((card.body as any[]).flatMap((b) => [...JSON.stringify(b).matchAll(/"member":"([^"]+)"/g)].map((m) => m[1]!)))];

async function press(bot: BotHarness, user: typeof MARIA, verb: string, data: Record<string, unknown>): Promise<any> {
  const res = await execute(bot, user, personalChat(user), verb, data);
  expect(res.status).toBe(200);
  return res.body.value;
}

/**
 * The largest stored row of the review tables, measured as the service stores it: every property of the raw
 * entity (keys, columns, the JSON `data`), strings at two bytes a character.
 */
async function largestReviewRow(bot: BotHarness): Promise<{ bytes: number; rows: number }> {
  let largest = 0;
  let rows = 0;
  for (const table of [bot.runtime.ctx.store.accessReviews, bot.runtime.ctx.store.accessReviewEntries]) {
    const client = (table as unknown as { client: TableClient }).client;
    for await (const entity of client.listEntities()) {
      rows++;
      const size = Object.entries(entity).reduce((n, [k, v]) => n + 2 * k.length + (typeof v === 'string' ? 2 * v.length : 8), 0);
      largest = Math.max(largest, size);
    }
  }
  return { bytes: largest, rows };
}

describe('an access review of 1,200 people', () => {
  const STAFF = 1_200;
  let bot: BotHarness;
  let people: ReturnType<typeof person>[];
  beforeAll(async () => {
    bot = await harness();
    people = await onboard(bot, 'stockport-homes', STAFF, 0xa00000);
  }, 240_000);
  afterAll(async () => bot?.close());

  it('opens, pages through everyone 10 at a time in name order, records decisions once, and suspends the rest at the deadline; no stored row passes 2 KiB', async () => {
    const ctx = bot.runtime.ctx;
    let since = bot.connector.sent.length;
    // Opening reads the organisation's members a page at a time and writes their rows a step at a time: no read of
    // the members, nor of the round's rows, returns more than a step's worth.
    const memberPages = vi.spyOn(ctx.store.members, 'page');
    const entryReads = vi.spyOn(ctx.store.accessReviewEntries, 'query');
    const entryPartitions = vi.spyOn(ctx.store.accessReviewEntries, 'listPartition');
    const writes = vi.spyOn(ctx.store.accessReviewEntries, 'transact');
    try {
      expect(await runTimer(bot, '2027-02-26T06:00:00Z')).toContain('1 rounds opened');
      const pages = await Promise.all(memberPages.mock.results.map((r) => r.value as Promise<{ rows: unknown[] }>));
      // 1,200 staff and the two approvers named in the partnership file, 100 a page; and one page to see the round is
      // due (its first member already is). Other organisations' pages (whether theirs are due) are theirs.
      const stockport = memberPages.mock.calls.filter(([filter]) => filter.includes("organisationId eq 'stockport-homes'"));
      expect(stockport.length).toBeGreaterThanOrEqual(Math.ceil((STAFF + 2) / OPEN_STEP) + 1);
      expect(stockport.length).toBeLessThanOrEqual(Math.ceil((STAFF + 2) / OPEN_STEP) + 2);
      for (const [, opts] of memberPages.mock.calls) expect(opts.maxPageSize).toBeLessThanOrEqual(OPEN_STEP);
      for (const p of pages) expect(p.rows.length).toBeLessThanOrEqual(OPEN_STEP);
      const ranges = await Promise.all(entryReads.mock.results.map((r) => r.value as Promise<unknown[]>));
      for (const rows of ranges) expect(rows.length).toBeLessThanOrEqual(OPEN_STEP);
      expect(entryPartitions).not.toHaveBeenCalled();
      // Two rows a person, each person's in one transaction of at most 100, two transactions a step: written once.
      const sizes = writes.mock.calls.map(([ops]) => ops.length);
      for (const n of sizes) expect(n).toBeLessThanOrEqual(100);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(2 * STAFF);
      expect(sizes.length).toBeLessThanOrEqual(2 * Math.ceil((STAFF + 2) / OPEN_STEP));
    } finally {
      memberPages.mockRestore();
      entryReads.mockRestore();
      entryPartitions.mockRestore();
      writes.mockRestore();
    }
    const [first] = cardsTo(bot, MARIA, since);
    expect(textOfCard(first)).toContain(`0 confirmed, 0 removed, ${STAFF} to go (${REVIEW_PAGE} shown here, in name order)`);
    expect(validateAdaptiveCard(first)).toEqual([]);
    expect(cardBytes(first)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
    const opened = await largestReviewRow(bot);
    expect(opened.rows).toBe(1 + 1 + 2 * STAFF); // the round, its tally, an entry and a pending row per person
    expect(opened.bytes).toBeLessThanOrEqual(ROW_BOUND);

    // "More" to the end: everyone once, in name order, a page of 10 each time.
    const pages = [first];
    for (let more = moreOf(first); more; more = moreOf(pages.at(-1))) {
      pages.push(await press(bot, MARIA, DIRECTORY_VERBS.reviewMore, more));
      expect(pages.length).toBeLessThanOrEqual(STAFF / REVIEW_PAGE);
    }
    expect(pages.map((p) => idsOn(p).length)).toEqual(Array(STAFF / REVIEW_PAGE).fill(REVIEW_PAGE));
    const seen = pages.flatMap(idsOn);
    expect(new Set(seen).size).toBe(STAFF);
    const byId = new Map(people.map((p) => [p.aadObjectId, p]));
    const keys = seen.map((id) => personOrderKey(byId.get(id)!));
    expect(keys).toEqual([...keys].sort());
    for (const p of pages) expect(cardBytes(p)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);

    // Page 2: "Confirm all shown" confirms those 10; pressing it again (a retried submission) changes nothing.
    const shown = idsOn(pages[1]);
    const confirmed = await press(bot, MARIA, DIRECTORY_VERBS.reviewConfirmAll, confirmAllOf(pages[1]));
    expect(textOfCard(confirmed)).toContain(`${REVIEW_PAGE} confirmed, 0 removed, ${STAFF - REVIEW_PAGE} to go`);
    const again = await press(bot, MARIA, DIRECTORY_VERBS.reviewConfirmAll, confirmAllOf(pages[1]));
    expect(textOfCard(again)).toContain(`${REVIEW_PAGE} confirmed, 0 removed, ${STAFF - REVIEW_PAGE} to go`);
    // The card stays where Maria was: the people after those she confirmed (page 3's).
    expect(idsOn(confirmed)).toEqual(idsOn(pages[2]));
    for (const id of shown) expect((await findMember(ctx, id))?.value.confirmedAt).toBe('2027-02-26T06:00:00.000Z');

    // One leaver removed from the last page.
    const leaver = idsOn(pages.at(-1))[3]!;
    const removed = await press(bot, MARIA, DIRECTORY_VERBS.reviewRemove, { organisationId: 'stockport-homes', round: '2027-02', member: leaver, from: idsOn(pages.at(-1))[0] });
    expect(textOfCard(removed)).toContain(`${REVIEW_PAGE} confirmed, 1 removed, ${STAFF - REVIEW_PAGE - 1} to go`);
    expect(idsOn(removed)).not.toContain(leaver);
    expect(await findMember(ctx, leaver)).toBeUndefined();
    // Someone not in the round changes nothing.
    const stranger = await press(bot, MARIA, DIRECTORY_VERBS.reviewConfirm, { organisationId: 'stockport-homes', round: '2027-02', member: MARIA.aadObjectId });
    expect(textOfCard(stranger)).toContain(`${REVIEW_PAGE} confirmed, 1 removed, ${STAFF - REVIEW_PAGE - 1} to go`);

    // The deadline: the other 1,189 suspended, Dan (administrator) told once, with the count.
    since = bot.connector.sent.length;
    expect(await runTimer(bot, '2027-03-12T06:00:00Z')).toContain(`1 closed, ${STAFF - REVIEW_PAGE - 1} members suspended`);
    const told = cardsTo(bot, DAN, since).map(textOfCard);
    expect(told).toEqual([expect.stringMatching(new RegExp(`Access review: ${STAFF - REVIEW_PAGE - 1} suspended at Stockport Homes[\\s\\S]* and ${STAFF - REVIEW_PAGE - 1 - 30} more`))]);
    expect((await findMember(ctx, shown[0]!))?.value.status).toBe('active');
    expect((await findMember(ctx, idsOn(pages[0])[0]!))?.value.status).toBe('suspended');
    const round = (await latestReview(ctx, 'stockport-homes'))!.value;
    expect(round).toMatchObject({ round: '2027-02', closedAt: '2027-03-12T06:00:00.000Z' });
    expect(await readTally(ctx, round)).toMatchObject({ total: STAFF, confirmed: REVIEW_PAGE, removed: 1, suspended: STAFF - REVIEW_PAGE - 1 });
    // Every pending row is gone; entries say who was suspended.
    const closed = await largestReviewRow(bot);
    expect(closed.rows).toBe(1 + 1 + STAFF);
    expect(closed.bytes).toBeLessThanOrEqual(ROW_BOUND);
    // The next run does nothing more.
    since = bot.connector.sent.length;
    expect(await runTimer(bot, '2027-03-13T06:00:00Z')).toContain('0 rounds opened, 0 closed');
    expect(bot.connector.sent.length).toBe(since);
  }, 600_000);
});

describe('a round stored before entry rows (people inline in one row)', () => {
  let bot: BotHarness;
  let people: ReturnType<typeof person>[];
  beforeAll(async () => {
    bot = await harness();
    people = await onboard(bot, 'wigan-leigh-housing', 3, 0xb00000);
  }, 120_000);
  afterAll(async () => bot?.close());

  it('is converted the first time it is read, once (a conversion that stops part way is finished by the next read), and keeps working to its deadline', async () => {
    const ctx = bot.runtime.ctx;
    const [ana, ben, cat] = people as [ReturnType<typeof person>, ReturnType<typeof person>, ReturnType<typeof person>];
    bot.now.value = new Date('2026-12-02T09:00:00Z');
    await ctx.store.accessReviews.upsert({
      organisationId: 'wigan-leigh-housing',
      round: '2026-12',
      openedAt: '2026-12-01T06:00:00.000Z',
      deadline: '2026-12-15T06:00:00.000Z',
      members: [ana, ben, cat].map((p, i) => ({ aadObjectId: p.aadObjectId, displayName: p.displayName, outcome: i === 0 ? ('confirmed' as const) : ('pending' as const) })),
    });
    // The first read stops after writing the entries, before the row loses its list.
    const mutate = vi.spyOn(ctx.store.accessReviews, 'mutate').mockRejectedValueOnce(new Error('storage went away'));
    await expect(latestReview(ctx, 'wigan-leigh-housing')).rejects.toThrow('storage went away');
    mutate.mockRestore();
    const converted = (await latestReview(ctx, 'wigan-leigh-housing'))!;
    expect(converted.value.members).toBeUndefined();
    expect(converted.value.announcedAt).toBe('2026-12-01T06:00:00.000Z'); // its cards went out when it opened
    expect(await readTally(ctx, converted.value)).toMatchObject({ total: 3, confirmed: 1, removed: 0, suspended: 0 });
    // Read again: nothing written.
    expect((await latestReview(ctx, 'wigan-leigh-housing'))!.etag).toBe(converted.etag);

    // Dan (administrator: Wigan and Leigh has no approver of its own) confirms Ben from the card he already has.
    const card = await press(bot, DAN, DIRECTORY_VERBS.reviewConfirm, { organisationId: 'wigan-leigh-housing', round: '2026-12', member: ben.aadObjectId });
    expect(textOfCard(card)).toContain('2 confirmed, 0 removed, 1 to go');
    expect(idsOn(card)).toEqual([cat.aadObjectId]);

    // The daily run announces nothing again; at the deadline Cat is suspended and Dan told.
    let since = bot.connector.sent.length;
    expect(await runTimer(bot, '2026-12-14T06:00:00Z')).toContain('0 rounds opened, 0 closed');
    expect(bot.connector.sent.length).toBe(since);
    since = bot.connector.sent.length;
    expect(await runTimer(bot, '2026-12-15T06:00:00Z')).toContain('1 closed, 1 members suspended');
    expect(cardsTo(bot, DAN, since).map(textOfCard)).toEqual([expect.stringMatching(/Access review: 1 suspended at Wigan and Leigh Housing[\s\S]*Not confirmed by 15 December 2026, so suspended: [^.]*\./)]);
    expect((await findMember(ctx, cat.aadObjectId))?.value.status).toBe('suspended');
    expect((await findMember(ctx, ben.aadObjectId))?.value.status).toBe('active');
  }, 120_000);

  it("goes with its entry rows when retention drops the round (the last 8 are kept; here, to see it, the last 1)", async () => {
    const ctx = bot.runtime.ctx;
    expect(await runTimer(bot, '2027-03-15T06:00:00Z')).toContain('1 rounds opened');
    const entriesOf = async (round: string) => (await ctx.store.accessReviewEntries.listPartition(reviewEntriesPartition('wigan-leigh-housing', round))).length;
    expect(await entriesOf('2026-12')).toBe(1 + 3); // the tally and three entries (nobody pending)
    expect(await entriesOf('2027-03')).toBe(1 + 2 * 2);
    expect(await dropOldReviews(ctx, 'wigan-leigh-housing', 1)).toBe(1);
    expect(await entriesOf('2026-12')).toBe(0);
    expect(await entriesOf('2027-03')).toBe(5);
    expect((await ctx.store.accessReviews.listPartition('wigan-leigh-housing')).map((r) => r.value.round)).toEqual(['2027-03']);
  });
});

describe('a run that stops part way', () => {
  const STAFF = 150;
  let bot: BotHarness;
  let people: ReturnType<typeof person>[];
  beforeAll(async () => {
    bot = await harness();
    people = await onboard(bot, 'stockport-homes', STAFF, 0xc00000);
  }, 120_000);
  afterAll(async () => bot?.close());

  /** Fails the n-th transaction on the round's entry rows from now, once. */
  function failTransaction(n: number) {
    const table = bot.runtime.ctx.store.accessReviewEntries;
    const real = table.transact.bind(table);
    let calls = 0;
    return vi.spyOn(table, 'transact').mockImplementation(async (ops) => {
      if (++calls === n) throw new Error('storage went away');
      return real(ops);
    });
  }

  it('opening: the next run finishes writing the round and sends the approver one card', async () => {
    const ctx = bot.runtime.ctx;
    const since = bot.connector.sent.length;
    const spy = failTransaction(2);
    await expect(runTimer(bot, '2027-02-26T06:00:00Z')).rejects.toThrow('storage went away');
    spy.mockRestore();
    const half = (await latestReview(ctx, 'stockport-homes'))!.value;
    expect(half.announcedAt).toBeUndefined();
    expect(await readTally(ctx, half)).toBeUndefined();
    expect(cardsTo(bot, MARIA, since)).toEqual([]);
    // Nothing to act on until it is written: a click on a round being opened is told it has moved on.
    expect(textOfCard(await press(bot, MARIA, DIRECTORY_VERBS.reviewConfirm, { organisationId: 'stockport-homes', round: '2027-02', member: people[0]!.aadObjectId }))).toContain('This review has moved on');

    expect(await runTimer(bot, '2027-02-26T07:00:00Z')).toContain('1 rounds opened');
    expect(await readTally(ctx, half)).toMatchObject({ total: STAFF, confirmed: 0 });
    const cards = cardsTo(bot, MARIA, since);
    expect(cards).toHaveLength(1);
    expect(textOfCard(cards[0])).toContain(`0 confirmed, 0 removed, ${STAFF} to go`);
    expect((await latestReview(ctx, 'stockport-homes'))!.value.announcedAt).toBe('2027-02-26T07:00:00.000Z');
    await runTimer(bot, '2027-02-27T06:00:00Z');
    expect(cardsTo(bot, MARIA, since)).toHaveLength(1);
  }, 120_000);

  it('closing: the next run suspends the rest, each person once, tells the administrators once and closes the round', async () => {
    const ctx = bot.runtime.ctx;
    const since = bot.connector.sent.length;
    const spy = failTransaction(2); // the second step of 40
    await expect(runTimer(bot, '2027-03-12T06:00:00Z')).rejects.toThrow('storage went away');
    spy.mockRestore();
    const open = (await latestReview(ctx, 'stockport-homes'))!.value;
    expect(open.closedAt).toBeUndefined();
    expect((await readTally(ctx, open))?.suspended).toBe(40);
    expect(cardsTo(bot, DAN, since)).toEqual([]);

    expect(await runTimer(bot, '2027-03-12T07:00:00Z')).toContain(`1 closed, ${STAFF - 40} members suspended`);
    expect(await readTally(ctx, open)).toMatchObject({ total: STAFF, suspended: STAFF });
    expect(cardsTo(bot, DAN, since).map(textOfCard)).toEqual([expect.stringContaining(`Access review: ${STAFF} suspended at Stockport Homes`)]);
    for (const p of [people[0]!, people[75]!, people[STAFF - 1]!]) {
      expect((await findMember(ctx, p.aadObjectId))?.value.status).toBe('suspended');
      const audits = (await auditOf(ctx.store, `member:${p.aadObjectId}`)).filter((e) => (e.note ?? '').startsWith('suspended: not confirmed'));
      expect(audits).toHaveLength(1);
    }
    expect((await ctx.store.accessReviewEntries.listPartition(reviewEntriesPartition('stockport-homes', '2027-02'))).filter((r) => r.value.kind === 'pending')).toEqual([]);
  }, 120_000);
});

describe('opening a round a step at a time', () => {
  const STAFF = 250; // after Priya and Maria (their ids sort first): steps of 98, 100 and 52 people
  let bot: BotHarness;
  let people: ReturnType<typeof person>[];
  beforeAll(async () => {
    bot = await harness();
    people = await onboard(bot, 'stockport-homes', STAFF, 0xd00000);
  }, 120_000);
  afterAll(async () => bot?.close());

  it('a run stopped in its third step is finished by the next from there, with whoever left or was renamed meanwhile', async () => {
    const ctx = bot.runtime.ctx;
    const table = ctx.store.accessReviewEntries;
    const real = table.transact.bind(table);
    // The sixth transaction is the third step's second: the first 50 of that step are written, the last 2 not.
    let calls = 0;
    const failing = vi.spyOn(table, 'transact').mockImplementation(async (ops) => {
      if (++calls === 6) throw new Error('storage went away');
      return real(ops);
    });
    await expect(runTimer(bot, '2027-02-26T06:00:00Z')).rejects.toThrow('storage went away');
    failing.mockRestore();
    const half = (await latestReview(ctx, 'stockport-homes'))!.value;
    // Two steps recorded on the round: the ids up to the 198th staff member, and 198 people.
    // Maria, Stockport Homes' approver, met in the first step: her card needs no other read of the members.
    expect(half.opening).toEqual({ after: people[197]!.aadObjectId, people: 198, approvers: [MARIA.aadObjectId] });
    expect(half.announcedAt).toBeUndefined();
    expect(await readTally(ctx, half)).toBeUndefined();

    // Meanwhile one of the third step's people already written leaves, and another is renamed.
    const leaver = people[200]!;
    const renamed = people[210]!;
    await deleteMember(ctx, (await findMember(ctx, leaver.aadObjectId))!);
    const stored = (await findMember(ctx, renamed.aadObjectId))!;
    await putMember(ctx, { ...stored.value, displayName: 'Aaron Aardvark' }, stored);

    const since = bot.connector.sent.length;
    const writes = vi.spyOn(table, 'transact');
    const memberPages = vi.spyOn(ctx.store.members, 'page');
    try {
      expect(await runTimer(bot, '2027-02-26T07:00:00Z')).toContain('1 rounds opened');
      // Only the third step again: one page of members from where the round stood, its two stale rows deleted,
      // and its 51 people written (the first two steps are not read or written again).
      expect(memberPages.mock.calls.map(([filter]) => filter).filter((f) => f.includes("'stockport-homes'"))).toEqual([expect.stringContaining(`RowKey gt '${people[197]!.aadObjectId}'`)]);
      const written = writes.mock.calls.flatMap(([ops]) => ops).filter((op) => op.op === 'upsert').map((op) => (op as { value: { kind: string } }).value);
      expect(written.filter((v) => v.kind === 'entry')).toHaveLength(STAFF - 198 - 1);
      expect(writes.mock.calls.flatMap(([ops]) => ops).filter((op) => op.op === 'delete')).toHaveLength(3);
    } finally {
      writes.mockRestore();
      memberPages.mockRestore();
    }
    const round = (await latestReview(ctx, 'stockport-homes'))!.value;
    expect(await readTally(ctx, round)).toMatchObject({ total: STAFF - 1, confirmed: 0, removed: 0, suspended: 0 });
    const rows = (await table.listPartition(reviewEntriesPartition('stockport-homes', round.round))).map((r) => ({ key: r.keys.rowKey, ...r.value }));
    const entries = rows.filter((r) => r.kind === 'entry');
    const pending = rows.filter((r) => r.kind === 'pending');
    // Everyone still a member once, each with one pending row under their name as it is now; the leaver nowhere.
    expect(entries.map((e) => (e as { aadObjectId: string }).aadObjectId).sort()).toEqual(people.filter((p) => p !== leaver).map((p) => p.aadObjectId).sort());
    expect(pending).toHaveLength(STAFF - 1);
    expect(pending.map((p) => p.key)).toContain(reviewPendingRowKey({ displayName: 'Aaron Aardvark', aadObjectId: renamed.aadObjectId }));
    expect(pending.map((p) => p.key)).not.toContain(reviewPendingRowKey(renamed));
    expect(JSON.stringify(rows)).not.toContain(leaver.aadObjectId);
    // One card, to Maria, opening on the first names of the round: Aaron Aardvark first.
    const cards = cardsTo(bot, MARIA, since);
    expect(cards).toHaveLength(1);
    expect(textOfCard(cards[0])).toContain(`0 confirmed, 0 removed, ${STAFF - 1} to go`);
    expect(idsOn(cards[0])[0]).toBe(renamed.aadObjectId);
  }, 180_000);
});
