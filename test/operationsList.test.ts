import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JointOperation } from '../bot/operations/model';
import { createOperation, ensureOperationTimeline, loadOperation, operationChannelIds, saveOperation, upcomingPage } from '../bot/operations/repository';
import { scheduleOperation } from '../bot/operations/schedule';
import { cancelOperation } from '../bot/operations/change';
import { DEMO_MEMBERS } from './support/demoDirectory';
import type { BoroughId } from '../bot/common/borough';
import type { StorageProxy } from '../scripts/bench/support/storageProxy';
import { PRIYA, textOfCard, TOM, type BotHarness } from './support/botHarness';
import { alteredToken, checkedCard, pressButton, replyCard, startBotBehindProxy } from './support/botTurns';
import { scheduledOperation } from './support/operations';
import { freshStore } from './support/storage';
import { auditOf } from './support/audit';

const NOW = new Date('2026-11-25T10:00:00Z');
const HOUR = 3600_000;
const DAY = 24 * HOUR;

let bot: BotHarness;
let proxy: StorageProxy;

const operation = scheduledOperation;

const ids = (card: unknown) => textOfCard(card).match(/OP-[A-Z]{3}-[0-9A-Z]{6}/g) ?? [];
const moreOf = (card: any): string | undefined => card.actions?.find((a: any) => a.title === 'More')?.data.more;

const ask = async (user: typeof PRIYA, text: string): Promise<any> => checkedCard(await replyCard(bot, user, text));
const press = async (user: typeof PRIYA, data: Record<string, unknown>): Promise<any> => checkedCard(await pressButton(bot, user, 'operation.list', data));

/** Every operation the list should show, soonest first. */
let expected: string[] = [];

beforeAll(async () => {
  ({ bot, proxy } = await startBotBehindProxy({ start: NOW }));
  const ctx = bot.runtime.ctx;
  const boroughs: BoroughId[] = ['stockport', 'bury', 'salford'];
  const upcoming: JointOperation[] = [];
  // 22 upcoming, interleaved across three boroughs (two at the very same time, so the id breaks the tie).
  for (let i = 0; i < 22; i++) upcoming.push(operation(boroughs[i % 3]!, new Date(NOW.getTime() + (i + 1) * DAY + (i === 7 ? -DAY : 0))));
  // Started yesterday, ends tomorrow: still upcoming, and first.
  upcoming.push(operation('bury', new Date(NOW.getTime() - DAY), 48, 'Running now'));
  for (const op of upcoming) await createOperation(ctx, op);
  // Ended two days ago: not shown.
  await createOperation(ctx, operation('stockport', new Date(NOW.getTime() - 3 * DAY), 24, 'Over already'));
  // Cancelled: not shown.
  const cancelled = await createOperation(ctx, operation('salford', new Date(NOW.getTime() + 3 * DAY + HOUR), 6, 'Called off'));
  const stored = (await loadOperation(ctx, cancelled.id))!;
  await saveOperation(ctx, stored, { ...cancelled, status: 'cancelled', cancelledAt: NOW.toISOString(), cancelReason: 'Weather', version: 2 });
  // Moved from day 2 to day 40: shown once, at its new time.
  const moved = await createOperation(ctx, operation('stockport', new Date(NOW.getTime() + 2 * DAY + HOUR), 6, 'Moved later'));
  const movedRow = (await loadOperation(ctx, moved.id))!;
  const later = { ...moved, startsAt: new Date(NOW.getTime() + 40 * DAY).toISOString(), endsAt: new Date(NOW.getTime() + 40 * DAY + 6 * HOUR).toISOString(), version: 2 };
  await saveOperation(ctx, movedRow, later);
  upcoming.push(later);
  expected = [...upcoming].sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id)).map((o) => o.id);
}, 120_000);

afterAll(async () => bot?.close());

describe('the operations list, a page per turn', () => {
  it('shows 10 at a time, soonest first; "More" continues where the page ended, with no repeat and no gap, until the last page', async () => {
    expect(expected).toHaveLength(24);
    const first = await ask(TOM, 'operations');
    expect(textOfCard(first)).toContain('Upcoming joint operations: all boroughs');
    expect(ids(first)).toEqual(expected.slice(0, 10));
    expect(textOfCard(first)).toContain('Running now');
    expect(textOfCard(first)).not.toContain('Over already');
    expect(textOfCard(first)).toContain('10 operations, soonest first, and more to come');

    const second = await press(TOM, { more: moreOf(first) });
    expect(ids(second)).toEqual(expected.slice(10, 20));
    expect(textOfCard(second)).toContain('More: 10 operations');
    const third = await press(TOM, { more: moreOf(second) });
    const seen = [...ids(first), ...ids(second), ...ids(third)];
    // The last page may be followed by an empty one when the service cannot tell that nothing follows; either way it ends.
    const fourth = moreOf(third) ? await press(TOM, { more: moreOf(third) }) : undefined;
    if (fourth) {
      expect(ids(fourth)).toEqual([]);
      expect(moreOf(fourth)).toBeUndefined();
    }
    expect(seen).toEqual(expected);
    expect(textOfCard(third)).not.toMatch(/Called off|Over already/);
    expect(seen.filter((id) => id === expected.at(-1))).toHaveLength(1); // the moved one, once
  });

  it('lists one borough when asked, and only its operations', async () => {
    const stockport = expected.filter((id) => id.startsWith('OP-STO-'));
    expect(stockport).toHaveLength(9);
    const first = await ask(TOM, 'operations stockport');
    expect(textOfCard(first)).toContain('Upcoming joint operations: Stockport');
    expect(ids(first)).toEqual(stockport);
    expect(moreOf(first)).toBeUndefined(); // nine: one page
  });

  it('refuses another person\'s "More" token and an edited one, clearly, with the first page of the caller\'s own list', async () => {
    const first = await ask(TOM, 'operations');
    const token = moreOf(first)!;
    // Priya (Stockport Homes: Stockport only) presses Tom's button: her own first page, never Tom's second.
    const hers = await press(PRIYA, { more: token });
    expect(textOfCard(hers)).toContain('could not be used (it was made for someone else, or it was changed)');
    expect(textOfCard(hers)).toContain('Upcoming joint operations: Stockport');
    expect(ids(hers)).toEqual(expected.filter((id) => id.startsWith('OP-STO-')).slice(0, 10));
    // An edited token is refused the same way.
    const forged = alteredToken(token);
    const edited = await press(TOM, { more: forged });
    expect(textOfCard(edited)).toContain('could not be used');
    expect(ids(edited)).toEqual(expected.slice(0, 10));

    // Both are buttons their presser was not given: audited as refusals of the list's route, with the reason.
    const refusals = await auditOf(bot.runtime.ctx.store, 'route:action:operation.list');
    expect(refusals.map((e) => [e.action, e.actor.aadObjectId, e.note?.split(';')[0]])).toEqual([
      ['refusal', PRIYA.aadObjectId, 'operations page refused: page token belongs to someone else'],
      ['refusal', TOM.aadObjectId, 'operations page refused: page token signature does not match'],
    ]);
    // Tom's own button a day later has expired: the first page again, said so, and not a refusal to audit.
    const saved = bot.now.value;
    bot.now.value = new Date(saved.getTime() + 25 * HOUR);
    try {
      const expired = await press(TOM, { more: token });
      expect(textOfCard(expired)).toContain('That list was out of date, so here is its first page again.');
    } finally {
      bot.now.value = saved;
    }
    expect(await auditOf(bot.runtime.ctx.store, 'route:action:operation.list')).toHaveLength(2);
  });

  it('reads one page per borough that holds operations, however many operations are stored', async () => {
    const first = await ask(TOM, 'operations');
    const before = proxy.snapshot().total;
    await press(TOM, { more: moreOf(first) });
    const perTurn = proxy.snapshot().total - before;
    // Identify the caller and their organisation, the organisation names, the gate's audit-free path, and one page read
    // per borough that still holds operations past the first page (Stockport, Bury, Salford): the first page found
    // the other seven had none, and "More" does not read them again.
    expect(perTurn).toBeLessThanOrEqual(20);

    // Sixty more operations, months ahead: the first pages, and the cost of a turn, do not change.
    for (let i = 0; i < 60; i++) await createOperation(bot.runtime.ctx, operation((['wigan', 'bolton', 'stockport'] as const)[i % 3]!, new Date(NOW.getTime() + (100 + i) * DAY)));
    const again = await ask(TOM, 'operations');
    expect(ids(again)).toEqual(expected.slice(0, 10));
    const start = proxy.snapshot().total;
    const next = await press(TOM, { more: moreOf(again) });
    expect(ids(next)).toEqual(expected.slice(10, 20));
    // Wigan and Bolton now hold operations too: one read more each, however many operations each holds.
    expect(proxy.snapshot().total - start).toBe(perTurn + 2);

    // A borough's later pages stay in that borough (29 in Stockport now), and cost less: one page read.
    const sto = await ask(TOM, 'operations stockport');
    const stoStart = proxy.snapshot().total;
    const stoNext = await press(TOM, { more: moreOf(sto) });
    expect(proxy.snapshot().total - stoStart).toBeLessThan(perTurn);
    expect(textOfCard(stoNext)).toContain('Upcoming joint operations: Stockport');
    const both = [...ids(sto), ...ids(stoNext)];
    expect(both).toHaveLength(20);
    expect(new Set(both).size).toBe(20);
    expect(both.every((id) => id.startsWith('OP-STO-'))).toBe(true);
    expect(both.slice(0, 9)).toEqual(expected.filter((id) => id.startsWith('OP-STO-')));
  }, 120_000);
});

describe('the channels an operation card went to', () => {
  it('are rows of their own: 300 channels leave the operation row as small as one, and every channel is updated', async () => {
    const ctx = bot.runtime.ctx;
    // Realistic long ids (a channel thread id with a message id): 300 of them would be ~36,000 characters in one property.
    const channelId = (i: number) => `19:${String(i).padStart(4, '0')}${'a1b2c3d4e5f6a7b8c9d0'.repeat(4)}@thread.tacv2;messageid=17329${String(i).padStart(8, '0')}`;
    for (let i = 0; i < 300; i++) {
      const conversationId = channelId(i);
      await ctx.store.conversations.upsert({ kind: 'channel', conversationId, serviceUrl: bot.connector.serviceUrl, tenantId: 'tenant', teamId: `team-${i}`, channelId: conversationId, installedAt: NOW.toISOString() });
      await ctx.store.channelMappings.upsert({ conversationId, teamId: `team-${i}`, boroughs: ['tameside'], themes: [], mappedBy: TOM.aadObjectId, mappedAt: NOW.toISOString() });
    }
    const tom = DEMO_MEMBERS.find((m) => m.aadObjectId === TOM.aadObjectId)!;
    const result = await scheduleOperation(ctx, { aadObjectId: tom.aadObjectId, displayName: tom.displayName, member: tom }, {
      submissionId: randomUUID(), name: 'Hyde town centre day of action', type: 'day-of-action', borough: 'tameside', area: 'Hyde',
      startDate: '2026-12-10', startTime: '10:00', endDate: '2026-12-10', endTime: '16:00',
      lead: 'gmp', partners: '', participants: tom.aadObjectId, briefing: 'b'.repeat(4000), incidents: '', reminders: '', outcomesAfter: '1440',
    });
    expect(result.kind).toBe('scheduled');
    if (result.kind !== 'scheduled') return;
    expect(result.channels).toBe(300);
    const stored = (await loadOperation(ctx, result.op.id))!.value;
    expect(stored.channelConversationIds).toEqual([]);
    // The row holds a 4,000-character briefing and no channel ids: far from the 32,768-character (64 KiB) property limit.
    expect(JSON.stringify(stored).length).toBeLessThan(6_000);
    expect((await operationChannelIds(ctx, stored)).sort()).toEqual(Array.from({ length: 300 }, (_, i) => channelId(i)).sort());
    // One post per channel, and a cancellation updates each of them.
    expect(await ctx.store.outbox.listPartition(`op.${stored.id}`)).toHaveLength(300);
    const cancelled = await cancelOperation(ctx, { aadObjectId: tom.aadObjectId, displayName: tom.displayName, member: tom }, { operationId: stored.id, version: stored.version, reason: 'Rain' });
    expect(cancelled.kind).toBe('cancelled');
    expect(await ctx.store.outbox.listPartition(`op.${stored.id}.cancelled`)).toHaveLength(300);
  }, 180_000);
});

describe('operations stored before the upcoming list had timeline rows', () => {
  it('are listed after the first list writes their lines; cancelled and ended ones are not, and the check runs once per process', async () => {
    const { store } = await freshStore();
    const ctx = { store };
    // Stored the old way: the operation row alone, with no line on the timeline.
    const legacy = operation('wigan', new Date(NOW.getTime() + 2 * DAY), 6, 'Stored before');
    const legacyCancelled = { ...operation('wigan', new Date(NOW.getTime() + 3 * DAY)), status: 'cancelled' as const, cancelledAt: NOW.toISOString(), cancelReason: 'Weather' };
    const legacyEnded = operation('wigan', new Date(NOW.getTime() - 3 * DAY), 6, 'Over already');
    for (const op of [legacy, legacyCancelled, legacyEnded]) await store.operations.upsert(JointOperation.parse(op));
    const current = await createOperation(ctx, operation('wigan', new Date(NOW.getTime() + 1 * DAY), 6, 'Stored now'));

    expect((await upcomingPage(ctx, ['wigan'], { now: NOW, size: 10 })).rows.map((r) => r.id)).toEqual([current.id]);
    expect(await ensureOperationTimeline(ctx, NOW)).toBe(1);
    expect((await upcomingPage(ctx, ['wigan'], { now: NOW, size: 10 })).rows.map((r) => r.id)).toEqual([current.id, legacy.id]);
    // The operation row itself is unchanged, and the next list in this process reads nothing more.
    expect((await loadOperation(ctx, legacy.id))?.value).toEqual(JointOperation.parse(legacy));
    expect(await ensureOperationTimeline(ctx, NOW)).toBe(0);
  }, 60_000);
});
