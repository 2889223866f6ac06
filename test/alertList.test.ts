/**
 * The `alerts` list at scale: one page of rows per turn, newest first, with a
 * "More" button whose token only its owner can follow; alerts stored before
 * the newest-first timeline existed are still listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifyCaller } from '../bot/conversation/user';
import { ALERT_PAGE_SIZE, listRecentAlerts } from '../bot/alerts/list';
import { raiseAlert } from '../bot/alerts/raise';
import { runRetention } from '../bot/retention/run';
import type { AlertRecord } from '../bot/alerts/model';
import type { AppContext } from '../bot/kernel/context';
import { countingStore } from '../scripts/bench/digest';
import { auditOf } from './support/audit';
import { cardOf, personalChat, PRIYA, startBotHarness, TENANT, textOfCard, type BotHarness } from './support/botHarness';
import { alteredToken } from './support/botTurns';
import { validateAdaptiveCard } from './support/schemas';
import { freshStore } from './support/storage';
import { ALERTS_CHANNEL, execute, inChannel, installAndMapChannel } from './support/teamSetup';

const TOM = { id: '29:tom', aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley' }; // GMP: every borough

/** Stockport alerts Priya (Stockport Homes) sees: more than two pages. */
const STOCKPORT = 2 * ALERT_PAGE_SIZE + 5;
/** Wigan alerts, interleaved: not for Priya's organisation. */
const WIGAN = 6;
/** Alerts stored before the AlertTimeline table existed: Alerts rows only, no listing. */
const LEGACY = 3;

let bot: BotHarness;
let storage: { connectionString: string; prefix: string };
/** Headlines Priya should see, newest first. */
let expected: string[] = [];

const title = (n: number, borough: string) => `Alert no. ${String(n).padStart(2, '0')} for ${borough}`;
/** Headlines on a list card, in card order. */
const headlines = (card: any): string[] => textOfCard(card).match(/Alert no\. \d+ for \w+/g) ?? [];
const moreOf = (card: any): string | undefined => card.actions?.find((a: any) => a.title === 'More')?.data?.more;

beforeAll(async () => {
  const fresh = await freshStore();
  storage = { connectionString: fresh.connectionString, prefix: fresh.prefix };
  bot = await startBotHarness({ storage, start: new Date('2026-11-10T08:00:00Z') });
  await installAndMapChannel(bot);
  const ctx = bot.runtime.ctx;
  const raisedAt: { title: string; at: number }[] = [];

  // Stored the way alerts were before the timeline: an Alerts row and nothing else.
  for (let i = 1; i <= LEGACY; i++) {
    bot.now.value = new Date(bot.now.value.getTime() + 60_000);
    const at = bot.now.value.toISOString();
    const record: AlertRecord = {
      alert: {
        id: `legacy-alert-${i}`,
        severity: 'info',
        boroughs: ['stockport'],
        themeId: 'public-safety',
        title: title(i, 'Stockport'),
        body: 'Raised before the alerts list was paged.',
        raisedAt: at,
        expiresAt: new Date(bot.now.value.getTime() + 7 * 86_400_000).toISOString(),
        raisedBy: { organisationId: 'gmp', displayName: 'Tom Bradley' },
        marking: 'OFFICIAL',
      },
      source: 'api',
      batchId: `legacy-alert-${i}`,
      channels: 0,
      expectedOrganisations: ['stockport-homes'],
      acknowledgements: [],
    };
    await ctx.store.alerts.create(record);
    raisedAt.push({ title: record.alert.title, at: bot.now.value.getTime() });
  }
  // Then raised as today: Stockport and Wigan interleaved, a minute apart.
  for (let i = 1; i <= STOCKPORT + WIGAN; i++) {
    bot.now.value = new Date(bot.now.value.getTime() + 60_000);
    const borough = i % 5 === 0 && i / 5 <= WIGAN ? 'wigan' : 'stockport';
    const n = LEGACY + i;
    const res = await raiseAlert(ctx, {
      alertId: `alert-${n}`,
      source: 'card',
      organisationId: 'gmp',
      displayName: 'Tom Bradley',
      input: { severity: 'info', boroughs: [borough], themeId: 'public-safety', title: title(n, borough === 'wigan' ? 'Wigan' : 'Stockport'), body: 'Paging test.', expiresInDays: 7, marking: 'OFFICIAL' },
    });
    expect(res.ok).toBe(true);
    if (borough === 'stockport') raisedAt.push({ title: title(n, 'Stockport'), at: bot.now.value.getTime() });
  }
  expected = raisedAt.sort((a, b) => b.at - a.at).map((r) => r.title);
  expect(expected).toHaveLength(LEGACY + STOCKPORT);
  bot.now.value = new Date(bot.now.value.getTime() + 3_600_000);
}, 120_000);

afterAll(async () => bot?.close());

describe('the alerts list, a page at a time', () => {
  it('shows page 1, then each More shows the next page: every alert for her boroughs once, newest first, none missing, older ones included', async () => {
    const seen: string[] = [];
    // Typed, as people start it; the reply goes through the Bot Connector.
    const before = bot.connector.sent.length;
    await bot.say(PRIYA, 'alerts');
    let card = cardOf(await bot.connector.waitFor((a) => a.conversationId === personalChat(PRIYA).id && bot.connector.sent.indexOf(a) >= before && cardOf(a) !== undefined));
    let res;
    const pages: string[][] = [];
    for (;;) {
      expect(validateAdaptiveCard(card)).toEqual([]);
      const page = headlines(card);
      expect(page.length).toBeLessThanOrEqual(ALERT_PAGE_SIZE);
      pages.push(page);
      seen.push(...page);
      const more = moreOf(card);
      if (!more) break;
      expect(pages.length).toBeLessThan(10);
      res = await execute(bot, PRIYA, personalChat(PRIYA), 'alerts', { more });
      expect(res.status).toBe(200);
      card = res.body.value;
    }
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages[0]).toHaveLength(ALERT_PAGE_SIZE);
    expect(seen).toEqual(expected); // newest first, no duplicates, no gaps, no Wigan alerts
    expect(textOfCard(card)).toMatch(/^More: /m);
  });

  it('refuses a More button from someone else\'s list, saying so, and audits the refusal', async () => {
    const first = await execute(bot, PRIYA, personalChat(PRIYA), 'alerts', {});
    const more = moreOf(first.body.value)!;
    expect(more).toBeTruthy();
    const res = await execute(bot, TOM, personalChat(TOM), 'alerts', { more });
    const text = textOfCard(res.body.value);
    expect(text).toContain('That list cannot be continued');
    expect(text).toMatch(/belongs to someone else's list/);
    expect(headlines(res.body.value)).toEqual([]);
    const refusals = (await auditOf(bot.runtime.ctx.store, 'route:action:alerts')).filter((e) => e.actor.aadObjectId === TOM.aadObjectId);
    expect(refusals.map((e) => e.note)).toEqual([expect.stringContaining('page token belongs to someone else')]);
  });

  it('refuses a tampered More button with a clear message, and an expired one asks her to start again', async () => {
    const first = await execute(bot, PRIYA, personalChat(PRIYA), 'alerts', {});
    const more = moreOf(first.body.value)!;
    // Her own token, edited: the seal no longer matches.
    const edited = alteredToken(more);
    const tampered = textOfCard((await execute(bot, PRIYA, personalChat(PRIYA), 'alerts', { more: edited })).body.value);
    expect(tampered).toContain('That list cannot be continued');
    expect(tampered).toMatch(/has been altered/);
    expect(tampered).not.toMatch(/Alert no\./);

    const saved = bot.now.value;
    bot.now.value = new Date(saved.getTime() + 25 * 3_600_000);
    try {
      const expired = textOfCard((await execute(bot, PRIYA, personalChat(PRIYA), 'alerts', { more })).body.value);
      expect(expired).toMatch(/more than a day old/);
    } finally {
      bot.now.value = saved;
    }
    // The edited button is audited as a refusal; the expired one is her own, unaltered (the signature and the person
    // are checked before the time), so it is not (docs/authorisation.md, "Refusals in the audit log").
    const hers = (await auditOf(bot.runtime.ctx.store, 'route:action:alerts')).filter((e) => e.actor.aadObjectId === PRIYA.aadObjectId);
    expect(hers.map((e) => e.note?.split(';')[0])).toEqual(['alerts page refused: page token signature does not match']);
  });

  it('in a channel, shows organisations and times but not who pressed Acknowledge', async () => {
    const card = (await execute(bot, TOM, inChannel(ALERTS_CHANNEL.id), 'alerts', {})).body.value;
    expect(headlines(card)).toHaveLength(ALERT_PAGE_SIZE);
    expect(textOfCard(card)).toMatch(/Delivery: delivered 0\/1/);
  });

  it('reads a bounded number of rows and storage requests per turn, however many alerts are stored', async () => {
    const counting = countingStore(storage.connectionString, storage.prefix);
    const ctx: AppContext = { ...bot.runtime.ctx, store: counting.store };
    const caller = await identifyCaller(ctx, { aadObjectId: PRIYA.aadObjectId, name: PRIYA.name, tenantId: TENANT });
    // The first list in a process checks once that older alerts were listed; steady state is measured after it.
    await listRecentAlerts(ctx, caller);
    counting.reset();
    const first = await listRecentAlerts(ctx, caller);
    const firstTurn = { requests: counting.requests(), rows: counting.rows() };
    counting.reset();
    const second = await listRecentAlerts(ctx, caller, { more: first.ok ? first.more : undefined });
    const secondTurn = { requests: counting.requests(), rows: counting.rows() };
    expect(first.ok && second.ok && first.alerts.length + second.alerts.length).toBe(2 * ALERT_PAGE_SIZE);
    // One timeline page, then per alert one point read and its delivery (one outbox partition of one item here).
    const bound = 1 + 2 * ALERT_PAGE_SIZE;
    console.info(`alerts list per turn: page 1 ${JSON.stringify(firstTurn)}, page 2 ${JSON.stringify(secondTurn)}`);
    for (const turn of [firstTurn, secondTurn]) {
      expect(turn.requests).toBeLessThanOrEqual(bound);
      // Rows: at most a page of listings, a page of alerts and their outbox items: never the whole table
      // (LEGACY + STOCKPORT + WIGAN alerts are stored; reading them all was the old list).
      expect(turn.rows).toBeLessThanOrEqual(3 * ALERT_PAGE_SIZE);
    }
    const all = await bot.runtime.ctx.store.alerts.listPartition('alert');
    expect(all.length).toBeGreaterThan(3 * ALERT_PAGE_SIZE);
  });
});

describe('retention', () => {
  it('deletes alerts raised past the incident retention with their listings and channel rows, keeping newer ones', async () => {
    const ctx = bot.runtime.ctx;
    const listings = async () => (await ctx.store.alertTimeline.listPartition('recent')).length;
    expect(await listings()).toBe(LEGACY + STOCKPORT + WIGAN);
    const saved = bot.now.value;
    // One more alert a month later: inside the retention when the run comes.
    bot.now.value = new Date(saved.getTime() + 30 * 86_400_000);
    await raiseAlert(ctx, { alertId: 'alert-later', source: 'card', organisationId: 'gmp', displayName: 'Tom Bradley', input: { severity: 'info', boroughs: ['stockport'], themeId: 'public-safety', title: 'Alert raised a month later', body: 'Kept.', expiresInDays: 7, marking: 'OFFICIAL' } });
    bot.now.value = new Date(saved.getTime() + 395 * 86_400_000); // 13 months on, less the month
    try {
      const report = await runRetention(ctx);
      expect(report.steps.find((s) => s.table === 'Alerts')).toMatchObject({ count: LEGACY + STOCKPORT + WIGAN });
      expect((await ctx.store.alerts.listPartition('alert')).map((a) => a.value.alert.id)).toEqual(['alert-later']);
      expect(await listings()).toBe(1);
      expect(await ctx.store.alertDeliveries.listPartition('alert-4')).toEqual([]);
      expect(await ctx.store.alertDeliveries.listPartition('alert-later')).toHaveLength(1);
    } finally {
      bot.now.value = saved;
    }
  });
});
