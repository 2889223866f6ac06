/**
 * What one daily access review run reads at the region's size: ~5,000 partner staff across the partnership's
 * organisations (and 1,200, a large organisation's worth). The run used to read the Members table whole (both its
 * partitions) and the people index whole on every run, whatever was due; now it reads, per organisation, what that
 * organisation's decision needs, within a budget, and goes on where it stopped (bot/directory/review.ts).
 *
 * Reads are counted twice: rows returned, by table, at the store (every query, page and point read), and requests on
 * the wire by the storage proxy the benches use (scripts/bench/support/storageProxy.ts), which also names any query
 * that reads a whole table.
 */
import { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '../bot/common/member';
import { loadDirectory, readRunCursor } from '../bot/directory/repository';
import { INDEX_CHECK_ROWS, runAccessReview } from '../bot/directory/review';
import { peopleIndexKeys } from '../bot/directory/tables';
import type { AppContext } from '../bot/kernel/context';
import { accessReview } from '../functions/accessReview';
import type { StorageProxy } from '../scripts/bench/support/storageProxy';
import { startBotHarness, type BotHarness } from './support/botHarness';
import { startBotBehindProxy } from './support/botTurns';

const START = new Date('2026-11-25T10:00:00Z');
/** Everyone joined a few weeks before: no organisation's first round is due for months. */
const JOINED = '2026-11-01T09:00:00.000Z';

const oid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** Staff spread over the directory's organisations, written as bulk onboarding leaves them (a row and its index copy). */
async function populate(ctx: AppContext, total: number, base: number): Promise<Member[]> {
  const orgs = (await loadDirectory(ctx)).organisations.filter((o) => !o.retiredAt).map((o) => o.id);
  const members: Member[] = Array.from({ length: total }, (_, i) => ({
    aadObjectId: oid(base + i),
    displayName: `Officer ${String(i).padStart(5, '0')}`,
    organisationId: orgs[i % orgs.length]!,
    roles: ['staff'],
    leadsThemes: [],
    source: 'bulk',
    joinedAt: JOINED,
  }));
  for (let i = 0; i < members.length; i += 100) await ctx.store.members.transact(members.slice(i, i + 100).map((value) => ({ op: 'upsert' as const, value })));
  for (const org of orgs) {
    const mine = members.filter((m) => m.organisationId === org);
    for (let i = 0; i < mine.length; i += 100) await ctx.store.peopleIndex.transact(mine.slice(i, i + 100).map((value) => ({ op: 'upsert' as const, value })));
  }
  return members;
}

interface Reads {
  /** Rows returned, by table. */
  rows: Record<string, number>;
  /** The filters of every query of the Members table. */
  memberQueries: string[];
}

/** Counts the rows every read of every table returns, until `stop`. */
function countRows(ctx: AppContext): { reads: Reads; stop(): void } {
  const reads: Reads = { rows: {}, memberQueries: [] };
  const undo: (() => void)[] = [];
  for (const [name, table] of Object.entries(ctx.store) as [string, Record<string, unknown>][]) {
    if (typeof table?.queryEach !== 'function' || typeof table.page !== 'function' || typeof table.get !== 'function') continue;
    const add = (n: number) => void (reads.rows[name] = (reads.rows[name] ?? 0) + n);
    const t = table as { queryEach(f: string): Promise<unknown[]>; page(f: string, o: unknown): Promise<{ rows: unknown[] }>; get(k: unknown): Promise<unknown> };
    const { queryEach, page, get } = t;
    t.queryEach = async (filter) => {
      if (name === 'members') reads.memberQueries.push(filter);
      const rows = await queryEach.call(table, filter);
      add(rows.length);
      return rows;
    };
    t.page = async (filter, opts) => {
      if (name === 'members') reads.memberQueries.push(filter);
      const out = await page.call(table, filter, opts);
      add(out.rows.length);
      return out;
    };
    t.get = async (keys) => {
      const row = await get.call(table, keys);
      add(row ? 1 : 0);
      return row;
    };
    undo.push(() => Object.assign(t, { queryEach, page, get }));
  }
  return { reads, stop: () => undo.forEach((u) => u()) };
}

const total = (r: Reads) => Object.values(r.rows).reduce((a, b) => a + b, 0);

/** One daily run through the timer, as Azure runs it: the rows it read, and its requests on the wire. */
async function dailyRun(bot: BotHarness, proxy: StorageProxy, at: string) {
  bot.now.value = new Date(at);
  const counting = countRows(bot.runtime.ctx);
  const logs: string[] = [];
  proxy.reset();
  try {
    await accessReview({ isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } }, new InvocationContext({ functionName: 'accessReview', logHandler: (_l, ...a) => logs.push(a.join(' ')) }), bot.runtime);
  } finally {
    counting.stop();
  }
  const wire = proxy.snapshot();
  return { rows: total(counting.reads), byTable: counting.reads.rows, memberQueries: counting.reads.memberQueries, requests: wire.total, scans: wire.scans, log: logs.join('\n') };
}

/** A query of the Members table that is not limited to one organisation lists a whole partition: every member. */
const wholeMemberPartition = (filter: string) => !/organisationId eq '/.test(filter) && !/RowKey eq '/.test(filter);

for (const STAFF of [1_200, 5_000]) {
  describe(`the daily access review run with ${STAFF.toLocaleString('en-GB')} staff`, () => {
    let bot: BotHarness;
    let proxy: StorageProxy;
    let largest = 0;
    beforeAll(async () => {
      ({ bot, proxy } = await startBotBehindProxy({ start: START }));
      const members = await populate(bot.runtime.ctx, STAFF, 0x100000);
      const per = new Map<string, number>();
      for (const m of members) per.set(m.organisationId, (per.get(m.organisationId) ?? 0) + 1);
      largest = Math.max(...per.values()) + 3; // and the file's named people
    }, 300_000);
    afterAll(async () => bot?.close());

    it('never lists the Members table whole nor scans the people index; after its first day it reads a bounded slice, not everyone', async () => {
      // The first run after go-live reads each organisation's members once, to learn when its first round is due.
      const first = await dailyRun(bot, proxy, '2026-11-26T06:00:00Z');
      // The next day nobody is due and nothing is read again but the index check's share.
      const second = await dailyRun(bot, proxy, '2026-11-27T06:00:00Z');
      console.log(
        `[accessReviewRun] ${STAFF} staff: day 1 ${first.rows} rows in ${first.requests} requests, day 2 ${second.rows} rows in ${second.requests} requests; ` +
          `day 2 by table ${JSON.stringify(second.byTable)}; scans ${JSON.stringify([...first.scans, ...second.scans])}`,
      );
      for (const run of [first, second]) {
        expect(run.scans).toEqual([]);
        expect(run.memberQueries.filter(wholeMemberPartition)).toEqual([]);
        // The budget holds (checked before each step, so at most one organisation's index check over it).
        expect(run.rows).toBeLessThanOrEqual(6_000 + 2 * largest);
      }
      expect(first.log).toContain('0 rounds opened, 0 closed');
      // Day 2: the index check's share, whole organisations (both sides of each), and a few rows an organisation.
      expect(second.rows).toBeLessThanOrEqual(INDEX_CHECK_ROWS + 2 * largest + 200);
      expect(second.rows).toBeLessThan(STAFF);
      expect(second.byTable.members ?? 0).toBeLessThanOrEqual(INDEX_CHECK_ROWS / 2 + largest);
    }, 300_000);
  });
}

describe('a run whose budget runs out', () => {
  const STAFF = 600;
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBotHarness({ start: START });
    await populate(bot.runtime.ctx, STAFF, 0x200000);
  }, 120_000);
  afterAll(async () => bot?.close());

  it('stops at an organisation, and the next run starts from that organisation; the index check goes round the partnership, putting copies right', async () => {
    const ctx = bot.runtime.ctx;
    const orgs = (await loadDirectory(ctx)).organisations.filter((o) => !o.retiredAt).map((o) => o.id);
    bot.now.value = new Date('2026-11-26T06:00:00Z');
    const cut = await runAccessReview(ctx, { rows: 150, requests: 1_000 });
    expect(cut.stoppedAt).toBeDefined();
    expect(cut.reads.rows).toBeLessThan(150 + 100);
    expect(cut.indexed.organisations).toEqual([]); // nothing left for it
    expect((await readRunCursor(ctx))?.resumeAt).toBe(cut.stoppedAt);

    // Meanwhile copies go wrong: one missing, one stale, one whose member has gone.
    const damaged = orgs.at(-1)!;
    const [gone, stale, missing] = (await ctx.store.peopleIndex.listPartition(damaged)).filter((r) => r.value.source === 'bulk').map((r) => r.value);
    await ctx.store.members.delete({ partitionKey: 'member', rowKey: gone!.aadObjectId });
    await ctx.store.peopleIndex.upsert({ ...stale!, jobTitle: 'Out of date' });
    await ctx.store.peopleIndex.delete(peopleIndexKeys(missing!));

    // The next run begins with the organisation the last one stopped at, and finishes the round of them.
    const counting = countRows(ctx);
    bot.now.value = new Date('2026-11-26T07:00:00Z');
    let next;
    try {
      next = await runAccessReview(ctx);
    } finally {
      counting.stop();
    }
    expect(counting.reads.memberQueries[0]).toContain(`organisationId eq '${cut.stoppedAt}'`);
    expect(next.stoppedAt).toBeUndefined();
    expect((await readRunCursor(ctx))?.resumeAt).toBeUndefined();
    // Every organisation was looked at once across the two runs: each now known not due until February.
    const memo = (await readRunCursor(ctx))?.notDueBefore ?? {};
    expect(Object.keys(memo).sort()).toEqual([...orgs].sort());
    expect(new Set(Object.values(memo).map((m) => m.at))).toEqual(new Set(['2027-02-01T09:00:00.000Z']));

    // Day by day the index check reaches every organisation, within its share each run, and puts the copies right.
    const checked = new Set(next.indexed.organisations);
    for (let day = 27; checked.size < orgs.length && day < 60; day++) {
      bot.now.value = new Date(Date.UTC(2026, 10, day, 6));
      const run = await runAccessReview(ctx);
      expect(run.reads.rows).toBeLessThanOrEqual(INDEX_CHECK_ROWS + 2 * (STAFF / orgs.length + 3) + 200);
      for (const o of run.indexed.organisations) checked.add(o);
    }
    expect([...checked].sort()).toEqual(expect.arrayContaining([...orgs].sort()));
    expect(checked).toContain(damaged);
    const copies = new Map((await ctx.store.peopleIndex.listPartition(damaged)).map((r) => [r.value.aadObjectId, r.value]));
    expect(copies.has(gone!.aadObjectId)).toBe(false);
    expect(copies.get(stale!.aadObjectId)).toEqual(stale);
    expect(copies.get(missing!.aadObjectId)).toEqual(missing);
  }, 180_000);
});
