import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../bot/kernel/config';
import { type AppContext } from '../bot/kernel/context';
import { silentLogger } from '../bot/kernel/logger';
import type { Caller } from '../bot/conversation/user';
import { DEMO_MEMBERS } from './support/demoDirectory';
import { applyDemoPartnershipIfEmpty } from '../scripts/demoPartnership';
import { cancelOperation, rescheduleOperation } from '../bot/operations/change';
import { runDueReminders } from '../bot/operations/reminderEngine';
import { scheduleOperation } from '../bot/operations/schedule';
import { Pacer } from '../bot/outbox/pacer';
import { drainOutbox } from '../bot/outbox/sender';
import type { JointOperation } from '../bot/operations/model';
import { fakeTransport } from './support/fakeTransport';
import { validateAdaptiveCard } from './support/schemas';
import { freshStore } from './support/storage';

const member = (name: string) => DEMO_MEMBERS.find((m) => m.displayName === name)!;
const TOM = member('Tom Bradley');
const PRIYA = member('Priya Shah');
const AISHA = member('Aisha Rahman');
const CHANNEL = '19:stockport-ops@thread.tacv2';
const SERVICE = 'https://smba.example/uk/';

type Ctx = AppContext & { now: { value: Date } };

async function context(start = '2026-11-29T10:00:00Z'): Promise<Ctx> {
  const { store } = await freshStore();
  await applyDemoPartnershipIfEmpty({ store, clock: () => new Date(), config: { auditChainKey: '' } });
  const now = { value: new Date(start) };
  const ctx: Ctx = { config: loadConfig({ CONCORDAT_MODE: 'local' }), store, clock: () => now.value, log: silentLogger, now };
  const at = now.value.toISOString();
  for (const m of [TOM, PRIYA]) {
    await store.conversations.create({ kind: 'personal', conversationId: `a:${m.displayName}`, serviceUrl: SERVICE, tenantId: 't', userAadObjectId: m.aadObjectId, installedAt: at });
  }
  await store.conversations.create({ kind: 'channel', conversationId: CHANNEL, serviceUrl: SERVICE, tenantId: 't', teamId: 'team', channelId: CHANNEL, installedAt: at });
  await store.channelMappings.create({ conversationId: CHANNEL, teamId: 'team', boroughs: ['stockport'], themes: [], mappedBy: TOM.aadObjectId, mappedAt: at });
  return ctx;
}

const coordinator: Caller = { aadObjectId: TOM.aadObjectId, displayName: TOM.displayName, member: TOM };

/** Schedules Sat 5 December 2026 09:00–15:00 (GMT) with the default reminders. */
async function schedule(ctx: Ctx, extra: Record<string, string> = {}): Promise<JointOperation> {
  const result = await scheduleOperation(ctx, coordinator, {
    submissionId: randomUUID(),
    name: 'Brinnington day of action', type: 'day-of-action', borough: 'stockport', area: 'Brinnington',
    startDate: '2026-12-05', startTime: '09:00', endDate: '2026-12-05', endTime: '15:00',
    lead: 'gmp', partners: 'stockport-homes', participants: [PRIYA.aadObjectId, AISHA.aadObjectId].join(','),
    briefing: 'Meet at Brinnington police office; two warrants at the flats on the north side.', incidents: '',
    reminders: '10080,1440,120', outcomesAfter: '1440',
    ...extra,
  });
  if (result.kind !== 'scheduled') throw new Error(`not scheduled: ${JSON.stringify(result)}`);
  return result.op;
}

const fastPacer = () => new Pacer({ perSecond: 10_000, perConversationPerSecond: 1000, perConversationPer30s: 10_000 });
const at = (ctx: Ctx, iso: string) => (ctx.now.value = new Date(iso));
const text = (card: unknown) => JSON.stringify(card);

async function drain(ctx: Ctx) {
  const t = fakeTransport();
  await drainOutbox(ctx, t.transport, { pacer: fastPacer() });
  for (const p of t.posts) expect(validateAdaptiveCard(p.payload.card)).toEqual([]);
  return t;
}
const reminderPosts = (posts: ReturnType<typeof fakeTransport>['posts']) => posts.filter((p) => /Reminder|Outcomes/.test(text(p.payload.card)));

describe('the reminder engine', () => {
  it('stores reminders keyed by due time and sends each at its time, privately or in the channel for those it cannot reach', async () => {
    const ctx = await context();
    const op = await schedule(ctx);
    const rows = (await ctx.store.reminders.query(`subjectId eq '${op.id}'`)).map((r) => [r.keys.partitionKey, r.keys.rowKey.split('|')[0]]);
    expect(rows.sort()).toEqual([
      ['due-2026-12-04', '2026-12-04T09:00:00.000Z'],
      ['due-2026-12-05', '2026-12-05T07:00:00.000Z'],
      ['due-2026-12-06', '2026-12-06T15:00:00.000Z'],
    ]); // 7 days before was already past when it was scheduled
    await drain(ctx); // the channel card and Priya's "you are taking part"

    at(ctx, '2026-12-04T09:00:20Z');
    expect(await runDueReminders(ctx)).toMatchObject({ sent: 1, late: 0 });
    const { posts } = await drain(ctx);
    const to = posts.map((p) => p.target.conversationId).sort();
    // Tom and Priya privately; Aisha has no private chat, so the channel gets it, saying why.
    expect(to).toEqual([CHANNEL, 'a:Priya Shah', 'a:Tom Bradley']);
    expect(text(posts.find((p) => p.target.conversationId === CHANNEL)!.payload.card)).toContain('no private chat with Concordat');
    const personal = text(posts.find((p) => p.target.conversationId === 'a:Priya Shah')!.payload.card);
    expect(personal).toContain('Reminder: starts in 24 hours');
    expect(personal).not.toContain('warrants'); // the briefing stays behind "Open details"
    expect(await runDueReminders(ctx)).toMatchObject({ sent: 0 });
  });

  it('two timer runs at once send each reminder once', async () => {
    const ctx = await context();
    const ops = [await schedule(ctx), await schedule(ctx, { name: 'Offerton joint visits', area: 'Offerton' })];
    await drain(ctx);
    at(ctx, '2026-12-05T07:00:10Z'); // the 1-day reminders (a minute late is not "late") and the 2-hour ones are due
    const [a, b] = await Promise.all([runDueReminders(ctx), runDueReminders(ctx)]);
    expect(a.sent + b.sent).toBe(4);
    const { posts } = await drain(ctx);
    const reminders = reminderPosts(posts);
    expect(reminders).toHaveLength(4 * 3); // 2 operations x 2 reminders x (Tom, Priya, channel)
    for (const where of ['a:Tom Bradley', 'a:Priya Shah', CHANNEL]) {
      const mine = reminders.filter((p) => p.target.conversationId === where).map((p) => text(p.payload.card));
      for (const op of ops) expect(mine.filter((c) => c.includes(op.name))).toHaveLength(2);
    }
    expect(await ctx.store.reminders.query(`status eq 'sent'`)).toHaveLength(4);
  });

  it('a crash after the outbox write but before "sent" does not send twice', async () => {
    const ctx = await context();
    await schedule(ctx);
    await drain(ctx);
    at(ctx, '2026-12-04T09:00:30Z');
    await runDueReminders(ctx);
    // Make it look as if that run died after enqueueing: the row is still claimed, its lease long gone.
    const [row] = await ctx.store.reminders.query(`status eq 'sent'`);
    await ctx.store.reminders.update({ ...row!.value, status: 'claimed', sentAt: undefined, leaseUntil: '2026-12-04T09:01:00.000Z' }, row!.etag);
    at(ctx, '2026-12-04T09:10:00Z');
    expect(await runDueReminders(ctx)).toMatchObject({ sent: 1 });
    const { posts } = await drain(ctx);
    expect(reminderPosts(posts)).toHaveLength(3);
  });

  it('cancelling before the reminders are due sends none of them', async () => {
    const ctx = await context();
    const op = await schedule(ctx);
    at(ctx, '2026-11-30T12:00:00Z');
    const cancelled = await cancelOperation(ctx, coordinator, { operationId: op.id, version: '1', reason: 'Rearranging with the council' });
    expect(cancelled.kind).toBe('cancelled');
    await drain(ctx);
    for (const t of ['2026-12-04T09:00:00Z', '2026-12-05T07:00:00Z', '2026-12-06T15:00:00Z', '2026-12-08T00:00:00Z']) {
      at(ctx, t);
      await runDueReminders(ctx);
    }
    const { posts } = await drain(ctx);
    expect(reminderPosts(posts)).toEqual([]);
    const statuses = (await ctx.store.reminders.query(`subjectId eq '${op.id}'`)).map((r) => r.value.status);
    expect(statuses).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  it('after a 2-hour outage the missed reminders go once, marked late', async () => {
    const ctx = await context();
    await schedule(ctx, { startTime: '11:00', reminders: '240,120' }); // due 07:00 and 09:00 UTC
    await drain(ctx);
    at(ctx, '2026-12-05T06:59:00Z');
    expect(await runDueReminders(ctx)).toMatchObject({ sent: 0 });
    // Down from 07:00 to 09:10: both fell due meanwhile.
    at(ctx, '2026-12-05T09:10:00Z');
    expect(await runDueReminders(ctx)).toEqual({ sent: 2, late: 2, dropped: 0, busy: 0 });
    at(ctx, '2026-12-05T09:11:00Z');
    expect(await runDueReminders(ctx)).toMatchObject({ sent: 0 });
    const reminders = reminderPosts((await drain(ctx)).posts);
    expect(reminders).toHaveLength(2 * 3);
    for (const p of reminders) expect(text(p.payload.card)).toContain('This reminder is late: Concordat was unavailable');
  });

  it('after an outage past the end, only the outcomes request goes, to the lead', async () => {
    const ctx = await context();
    const op = await schedule(ctx);
    await drain(ctx);
    at(ctx, '2026-12-07T12:00:00Z'); // down from before the 1-day reminder until after the outcomes were due
    expect(await runDueReminders(ctx)).toEqual({ sent: 1, late: 1, dropped: 2, busy: 0 });
    const { posts } = await drain(ctx);
    // The lead is GMP: Tom (the coordinator, GMP) privately; no GMP participant lacks a chat, so no channel post.
    expect(posts.map((p) => p.target.conversationId)).toEqual(['a:Tom Bradley']);
    const card = text(posts[0]!.payload.card);
    expect(card).toContain(`Outcomes: ${op.name}`);
    expect(card).toContain('This reminder is late');
    const skipped = (await ctx.store.reminders.query(`subjectId eq '${op.id}' and status eq 'skipped'`)).map((r) => r.value.reason);
    expect(skipped).toEqual(['the operation had already ended', 'the operation had already ended']);
  });

  it('moving an operation moves its pending reminders; the old times send nothing', async () => {
    const ctx = await context();
    const op = await schedule(ctx);
    at(ctx, '2026-12-01T09:00:00Z');
    const moved = await rescheduleOperation(ctx, coordinator, {
      operationId: op.id, version: 1, startDate: '2026-12-12', startTime: '09:00', endDate: '2026-12-12', endTime: '15:00',
    });
    expect(moved.kind).toBe('rescheduled');
    await drain(ctx);
    at(ctx, '2026-12-05T09:00:30Z'); // past the old 1-day and 2-hour times; the new 7-day reminder is due
    expect(await runDueReminders(ctx)).toMatchObject({ sent: 1, dropped: 0 });
    const { posts } = await drain(ctx);
    expect(reminderPosts(posts).map((p) => text(p.payload.card).match(/starts in \d+ \w+/)![0])).toEqual(['starts in 7 days', 'starts in 7 days', 'starts in 7 days']);
    const pending = (await ctx.store.reminders.query(`subjectId eq '${op.id}' and status eq 'pending'`)).map((r) => r.value.id).sort();
    expect(pending).toEqual([`${op.id}-v2-b120`, `${op.id}-v2-b1440`, `${op.id}-v2-out`]);
  });
});
