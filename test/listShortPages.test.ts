/**
 * Lists under short pages. Azure Table Storage may answer a query with fewer
 * entities than `$top`, even none, and a continuation (after 5 seconds' work,
 * at a partition or server boundary); Azurite never does. The storage proxy
 * here cuts responses short the way Azure does (scripts/bench/support/
 * storageProxy.ts `shortPages`): the first k entities, and continuation
 * headers naming the next. Whatever the cuts, every list must page forward
 * with full pages, each row once, in order, in a bounded number of requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_PAGE_SIZE } from '../bot/alerts/list';
import { raiseAlert } from '../bot/alerts/raise';
import { ALERT_TIMELINE_READS } from '../bot/alerts/repository';
import { OPERATIONS_PAGE_SIZE } from '../bot/operations/commands';
import { Pacer } from '../bot/outbox/pacer';
import { drainOutbox } from '../bot/outbox/sender';
import { createOperation } from '../bot/operations/repository';
import type { BoroughId } from '../bot/common/borough';
import type { ShortPages, StorageProxy } from '../scripts/bench/support/storageProxy';
import { MARIA, PRIYA, TENANT, textOfCard, TOM, type BotHarness } from './support/botHarness';
import { checkedCard, pressButton, reportIncident, startBotBehindProxy } from './support/botTurns';
import { scheduledOperation } from './support/operations';
import { PAGE_SIZE as INCIDENTS_PAGE_SIZE } from '../bot/incidents/list';
import { installAndMapChannel } from './support/teamSetup';
import { applyDirectoryFile } from '../bot/directory/apply';
import { PEOPLE_PAGE, PEOPLE_READS } from '../bot/directory/people';
import { DIRECTORY_VERBS } from '../bot/directory/verbs';

const NOW = new Date('2026-11-25T10:00:00Z');
const HOUR = 3600_000;
const DAY = 24 * HOUR;

let bot: BotHarness;
let proxy: StorageProxy;

const operation = scheduledOperation;

const opIds = (card: unknown) => textOfCard(card).match(/OP-[A-Z]{3}-[0-9A-Z]{6}/g) ?? [];
const moreOf = (card: any): string | undefined => card.actions?.find((a: any) => a.title === 'More')?.data?.more;

/** Pages through a list with "More" until it ends: each page's ids and the storage requests its turn took. */
async function pageThrough(first: () => Promise<any>, next: (more: string) => Promise<any>, idsOf: (card: unknown) => string[]) {
  const pages: { ids: string[]; requests: number }[] = [];
  let before = proxy.snapshot().total;
  let card = await first();
  for (let turn = 0; turn < 40; turn++) {
    pages.push({ ids: idsOf(card), requests: proxy.snapshot().total - before });
    const more = moreOf(card);
    if (!more) return pages;
    before = proxy.snapshot().total;
    card = await next(more);
  }
  throw new Error(`the list did not end in 40 pages: ${JSON.stringify(pages.map((p) => p.ids.length))}`);
}

/** Cuts every response from a table whose name matches `table` (after the run's prefix) to the next count of `pattern`, in turn. */
const cut = (table: RegExp, pattern: number[]): ShortPages => {
  let i = 0;
  return (q) => (table.test(q.table) ? pattern[i++ % pattern.length] : undefined);
};

/** Every operation, soonest first. */
let expectedOps: string[] = [];
/** The alerts Priya (Stockport Homes: Stockport) sees, newest first. */
let expectedAlerts: string[] = [];
const headlines = (card: unknown): string[] => textOfCard(card).match(/Alert no\. \d+ for \w+/g) ?? [];
const flush = () => drainOutbox(bot.runtime.ctx, bot.runtime.transport, { pacer: new Pacer({ perSecond: 1000, perConversationPerSecond: 1000, perConversationPer30s: 10_000 }) });

async function raise(n: number, borough: 'stockport' | 'wigan') {
  bot.now.value = new Date(bot.now.value.getTime() + 60_000);
  const title = `Alert no. ${String(n).padStart(2, '0')} for ${borough === 'wigan' ? 'Wigan' : 'Stockport'}`;
  const res = await raiseAlert(bot.runtime.ctx, {
    alertId: `alert-${n}`,
    source: 'card',
    organisationId: 'gmp',
    displayName: 'Tom Bradley',
    input: { severity: 'info', boroughs: [borough], themeId: 'public-safety', title, body: 'Paging test.', expiresInDays: 7, marking: 'OFFICIAL' },
  });
  expect(res.ok).toBe(true);
  return title;
}

/** The tables of the queries (not point reads, not writes) made while `run` runs. */
async function queriesDuring<T>(run: () => Promise<T>): Promise<{ result: T; tables: string[]; requests: number }> {
  const tables: string[] = [];
  const before = proxy.snapshot().total;
  proxy.setShortPages((q) => void tables.push(q.table));
  try {
    const result = await run();
    return { result, tables, requests: proxy.snapshot().total - before };
  } finally {
    proxy.setShortPages(undefined);
  }
}

beforeAll(async () => {
  ({ bot, proxy } = await startBotBehindProxy({ start: NOW }));
  const ctx = bot.runtime.ctx;
  // 34 upcoming operations over four boroughs, bunched in Stockport, so one borough's responses bound the page;
  // and ended ones in Stockport before them (a scan that skips rows).
  const plan: [BoroughId, number][] = [];
  for (let i = 0; i < 16; i++) plan.push(['stockport', 1 + i]);
  for (let i = 0; i < 8; i++) plan.push(['bury', 3 + 3 * i]);
  for (let i = 0; i < 6; i++) plan.push(['salford', 2 + 5 * i]);
  for (let i = 0; i < 4; i++) plan.push(['wigan', 20 + i]);
  const ops = plan.map(([b, d]) => operation(b, new Date(NOW.getTime() + d * DAY)));
  for (const op of ops) await createOperation(ctx, op);
  for (let i = 0; i < 5; i++) await createOperation(ctx, operation('stockport', new Date(NOW.getTime() - 2 * DAY + i * HOUR), 12));
  expectedOps = [...ops].sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id)).map((o) => o.id);
  // The first list writes nothing more (lines of operations stored before the timeline): done before counting.
  await pressButton(bot, TOM, 'operation.list');

  // 27 Stockport alerts (a channel each) with 5 Wigan ones (no channel) between them, a minute apart, all delivered.
  await installAndMapChannel(bot, 'stockport');
  const titles: string[] = [];
  for (let n = 1; n <= 32; n++) {
    const title = await raise(n, n % 6 === 0 ? 'wigan' : 'stockport');
    if (n % 6 !== 0) titles.push(title);
  }
  await flush();
  expectedAlerts = titles.reverse();
  bot.now.value = new Date(bot.now.value.getTime() + HOUR);
}, 180_000);

afterAll(async () => {
  proxy?.setShortPages(undefined);
  await bot?.close(); // and the proxy
});

describe('the operations list when storage answers with short pages', () => {
  const list = () => pageThrough(
    async () => checkedCard(await pressButton(bot, TOM, 'operation.list')),
    async (more) => checkedCard(await pressButton(bot, TOM, 'operation.list', { more })),
    opIds,
  );

  it('with no cuts (Azurite as it is): full pages, every operation once, soonest first', async () => {
    const pages = await list();
    expect(pages.flatMap((p) => p.ids)).toEqual(expectedOps);
    expect(pages.map((p) => p.ids.length)).toEqual([10, 10, 10, 4]);
  });

  it.each([
    ['at most 2 entities a response', [2]],
    ['empty responses between short ones', [0, 1, 0, 3, 2]],
    ['a response of one, then full ones', [1, 10, 10]],
  ])('cut to %s: still full pages, every operation once, soonest first, in a bounded number of requests', async (_, pattern) => {
    proxy.setShortPages(cut(/Operations$/, pattern));
    try {
      const pages = await list();
      // Every page full but the last, and every operation once, soonest first.
      expect(pages.map((p) => p.ids.length)).toEqual([OPERATIONS_PAGE_SIZE, OPERATIONS_PAGE_SIZE, OPERATIONS_PAGE_SIZE, 4]);
      expect(pages.flatMap((p) => p.ids)).toEqual(expectedOps);
      // A turn: who is asking (their member row and the directory head: 2 requests; the organisation names come from
      // the directory version read for that), and at most two reads per borough.
      for (const p of pages) expect(p.requests).toBeLessThanOrEqual(2 + 2 * 10);
    } finally {
      proxy.setShortPages(undefined);
    }
  }, 120_000);
});

describe('the alerts list: delivery state and short pages', () => {
  const alertsPage = async (more?: string) => checkedCard(await pressButton(bot, PRIYA, 'alerts', more ? { more } : {}));

  it('reads an alert\'s posts only until its delivery has settled; then a page costs its timeline read and a point read per alert', async () => {
    // First list since delivery: each alert's posts are read once more (one query of its Outbox partition), and the
    // settled delivery kept on the alert (one write each).
    const first = await queriesDuring(() => alertsPage());
    expect(headlines(first.result)).toEqual(expectedAlerts.slice(0, ALERT_PAGE_SIZE));
    expect(textOfCard(first.result)).toContain('Delivery: delivered 1/1');
    expect(first.tables.filter((t) => t.endsWith('Outbox'))).toHaveLength(ALERT_PAGE_SIZE);
    // From then on: no Outbox read at all, and the same delivery shown.
    const again = await queriesDuring(() => alertsPage());
    expect(again.tables.filter((t) => t.endsWith('Outbox'))).toEqual([]);
    expect(textOfCard(again.result)).toContain('Delivery: delivered 1/1');
    expect(headlines(again.result)).toEqual(expectedAlerts.slice(0, ALERT_PAGE_SIZE));
    // The turn: who is asking (2 requests, with the organisation names), one timeline query, ten point reads of the alerts. It was ten Outbox
    // queries more on every list (each reading every post of its alert), and the first list after delivery still is.
    expect(again.requests).toBe(2 + 1 + ALERT_PAGE_SIZE);
    expect(first.requests).toBeGreaterThanOrEqual(again.requests + 2 * ALERT_PAGE_SIZE);

    // A new alert whose post is still waiting: its posts are read on every list until it has gone out.
    const title = await raise(40, 'stockport');
    const waiting = await queriesDuring(() => alertsPage());
    expect(textOfCard(waiting.result)).toMatch(/Delivery: delivered 0\/1, 1 waiting/);
    expect(waiting.tables.filter((t) => t.endsWith('Outbox'))).toHaveLength(1);
    await flush();
    await alertsPage(); // settles it
    const settled = await queriesDuring(() => alertsPage());
    expect(headlines(settled.result)[0]).toBe(title);
    expect(settled.tables.filter((t) => t.endsWith('Outbox'))).toEqual([]);
    expectedAlerts.unshift(title);
  }, 120_000);

  it('with timeline responses cut to at most 3 entities: full pages, every alert once, newest first, within the read budget', async () => {
    // Uncut first: every alert's delivery is now settled and kept, so the turns below read only the timeline and the alerts.
    expect((await pageThrough(() => alertsPage(), (more) => alertsPage(more), headlines)).flatMap((p) => p.ids)).toEqual(expectedAlerts);
    proxy.setShortPages(cut(/AlertTimeline$/, [3]));
    try {
      const pages = await pageThrough(() => alertsPage(), (more) => alertsPage(more), headlines);
      expect(pages.map((p) => p.ids.length)).toEqual([10, 10, 8]);
      expect(pages.flatMap((p) => p.ids)).toEqual(expectedAlerts);
      for (const p of pages) expect(p.requests).toBeLessThanOrEqual(2 + ALERT_TIMELINE_READS + ALERT_PAGE_SIZE);
    } finally {
      proxy.setShortPages(undefined);
    }
  }, 120_000);

  it('with empty timeline responses between short ones: no empty page while more follow, every alert once, newest first', async () => {
    proxy.setShortPages(cut(/AlertTimeline$/, [0, 2, 0, 1]));
    try {
      const pages = await pageThrough(() => alertsPage(), (more) => alertsPage(more), headlines);
      // Four reads a turn give three alerts here: short pages, since the turn's reads are bounded, but never empty ones.
      expect(pages.every((p) => p.ids.length > 0)).toBe(true);
      expect(pages.flatMap((p) => p.ids)).toEqual(expectedAlerts);
      for (const p of pages) expect(p.requests).toBeLessThanOrEqual(2 + ALERT_TIMELINE_READS + ALERT_PAGE_SIZE);
    } finally {
      proxy.setShortPages(undefined);
    }
  }, 120_000);
});

describe('the incidents list when storage answers with short pages', () => {
  const references = (card: unknown): string[] => [...new Set(textOfCard(card).match(/\b[A-Z]{3}-\d{4}-\d{6}\b/g) ?? [])];
  const incidentsPage = async (more?: string) => checkedCard(await pressButton(bot, PRIYA, 'incidents.list', more ? { more } : { days: '30' }));
  let reported: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 19; i++) {
      bot.now.value = new Date(bot.now.value.getTime() + 60_000);
      reported.push(await reportIncident(bot, PRIYA));
    }
    reported = reported.reverse(); // newest first
  }, 180_000);

  it('uncut: full pages of its organisation\'s reports, newest first', async () => {
    const pages = await pageThrough(() => incidentsPage(), (more) => incidentsPage(more), references);
    expect(pages.map((p) => p.ids.length)).toEqual([8, 8, 3]);
    expect(pages.flatMap((p) => p.ids)).toEqual(reported);
  }, 120_000);

  it('with responses cut to 3: still full pages, each report once, newest first', async () => {
    proxy.setShortPages(cut(/IncidentFinder\d*$/, [3]));
    try {
      const pages = await pageThrough(() => incidentsPage(), (more) => incidentsPage(more), references);
      expect(pages.map((p) => p.ids.length)).toEqual([INCIDENTS_PAGE_SIZE, INCIDENTS_PAGE_SIZE, 3]);
      expect(pages.flatMap((p) => p.ids)).toEqual(reported);
    } finally {
      proxy.setShortPages(undefined);
    }
  }, 120_000);

  it('with empty responses between short ones: never an empty page while more follow, each report once, reads bounded', async () => {
    proxy.setShortPages(cut(/IncidentFinder\d*$/, [0, 2, 0, 3]));
    try {
      const pages = await pageThrough(() => incidentsPage(), (more) => incidentsPage(more), references);
      // Four reads a turn give five reports here: short pages, since a turn's reads are bounded, but never empty ones.
      expect(pages.map((p) => p.ids.length)).toEqual([5, 5, 5, 4]);
      expect(pages.flatMap((p) => p.ids)).toEqual(reported);
    } finally {
      proxy.setShortPages(undefined);
    }
  }, 120_000);
});

describe('the people list when storage answers with short pages', () => {
  const STAFF = 60; // with Priya and Maria: 62 people in Stockport Homes, three full pages and one of 2
  /** The people on a page, in the order shown (each row's buttons name the person). */
  const memberIds = (card: unknown): string[] => [...new Set([...JSON.stringify((card as { body: unknown }).body).matchAll(/"member":"([^"]+)"/g)].map((m) => m[1]!))];
  const peoplePage = async (more?: string) => checkedCard(await pressButton(bot, MARIA, DIRECTORY_VERBS.people, more ? { more } : {}));
  /** Stockport Homes' people in name order: the people index's own order, read whole. */
  let expected: string[] = [];

  beforeAll(async () => {
    const people = Array.from({ length: STAFF }, (_, i) => ({
      aadObjectId: `00000000-0000-4000-8000-${String(0xe00000 + i).padStart(12, '0')}`,
      tenantId: TENANT,
      displayName: `${['Zoë', 'adam', 'Beth', 'Émile', 'Kasia', 'Mo'][i % 6]} ${['Adams', "O'Neill", 'Kovács', 'Smith', 'Ng'][Math.floor(i / 6) % 5]} ${i}`,
      roles: ['staff'],
    }));
    const done = await applyDirectoryFile(bot.runtime.ctx, { schema: 'concordat.people/v1', organisation: 'stockport-homes', people }, 'system');
    expect(done.ok).toBe(true);
    expected = (await bot.runtime.ctx.store.peopleIndex.listPartition('stockport-homes')).map((r) => r.value.aadObjectId);
    expect(expected).toHaveLength(STAFF + 2);
  }, 120_000);

  /** Pages through Maria's list with responses of the people index cut by `pattern`: each page's people, its index reads and all its requests. */
  async function pagesCut(pattern: number[]) {
    let index = 0;
    const cutIndex = cut(/PeopleIndex$/, pattern);
    proxy.setShortPages((q) => {
      if (/PeopleIndex$/.test(q.table)) index++;
      return cutIndex(q);
    });
    try {
      const pages: { ids: string[]; reads: number; requests: number }[] = [];
      let more: string | undefined;
      do {
        index = 0;
        const before = proxy.snapshot().total;
        const card = await peoplePage(more);
        pages.push({ ids: memberIds(card), reads: index, requests: proxy.snapshot().total - before });
        more = moreOf(card);
        if (pages.length > 30) throw new Error(`the list did not end in 30 pages: ${JSON.stringify(pages.map((p) => p.ids.length))}`);
      } while (more);
      return pages;
    } finally {
      proxy.setShortPages(undefined);
    }
  }

  it('uncut: full pages in name order, one read of the index a page', async () => {
    const pages = await pagesCut([1000]);
    expect(pages.map((p) => p.ids.length)).toEqual([PEOPLE_PAGE, PEOPLE_PAGE, PEOPLE_PAGE, 2]);
    expect(pages.flatMap((p) => p.ids)).toEqual(expected);
    for (const p of pages) expect(p.reads).toBe(1);
  }, 120_000);

  it('cut to at most 3 people a response: still full pages, each person once, in name order, within the read budget', async () => {
    const pages = await pagesCut([3]);
    expect(pages.map((p) => p.ids.length)).toEqual([PEOPLE_PAGE, PEOPLE_PAGE, PEOPLE_PAGE, 2]);
    expect(pages.flatMap((p) => p.ids)).toEqual(expected);
    for (const p of pages) expect(p.reads).toBeLessThanOrEqual(PEOPLE_READS.members);
  }, 120_000);

  it('with empty responses, two in a row, between ones of 1 or 2: every "More" moves on, each person once, in name order, reads bounded', async () => {
    const pages = await pagesCut([0, 0, 2, 1, 0, 2]);
    // A turn's reads are bounded, so these pages are short (ten reads give about eight people here), but never empty.
    expect(pages.every((p) => p.ids.length > 0)).toBe(true);
    expect(pages.flatMap((p) => p.ids)).toEqual(expected);
    for (const p of pages) {
      expect(p.reads).toBeLessThanOrEqual(PEOPLE_READS.members);
      // Who is asking and the directory (a few point reads), open requests (their own budget), then the index.
      expect(p.requests).toBeLessThanOrEqual(6 + PEOPLE_READS.requests + PEOPLE_READS.members);
    }
  }, 120_000);
});
