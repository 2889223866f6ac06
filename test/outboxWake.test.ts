import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../bot/kernel/config';
import { type AppContext } from '../bot/kernel/context';
import { silentLogger } from '../bot/kernel/logger';
import { createRuntime } from '../bot/runtime';
import { enqueue, type OutgoingMessage } from '../bot/outbox/enqueue';
import { runSender } from '../bot/outbox/run';
import { Pacer } from '../bot/outbox/pacer';
import type { OutboxWaker } from '../bot/outbox/wake';
import { QUEUE_FUNCTIONS, TIMER_FUNCTIONS } from '../functions/registry';
import { runsPerDay } from '../scripts/ncrontab';
import { startLocalHost, type LocalHost } from '../scripts/localFunctionsHost';
import { startFakeConnector } from './support/fakeConnector';
import { fakeTransport } from './support/fakeTransport';
import { freshStore } from './support/storage';

const channel = (n: number) => ({ conversationId: `19:wake-${n}@thread.tacv2`, serviceUrl: 'https://smba.example/uk/', tenantId: 't', kind: 'channel' as const });
const messages = (count: number, prefix: string): OutgoingMessage[] =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}.${i}`, target: channel(i), payload: { text: `message ${i}` } }));

async function context(wake?: OutboxWaker): Promise<AppContext> {
  const { store } = await freshStore();
  return { config: loadConfig({ CONCORDAT_MODE: 'local' }), store, clock: () => new Date(), log: silentLogger, wake };
}

/** Executions per day of every timer, counted second by second from the registry's NCRONTAB schedules (UTC). */
function timerExecutionsPerDay(): Record<string, number> {
  return Object.fromEntries(TIMER_FUNCTIONS.map((t) => [t.name, runsPerDay(t.schedule)]));
}

describe('delivery on time, scale to zero', () => {
  it('an idle deployment runs at most 4,500 timer executions a day (was about 20,300, the 5-second outbox alone 17,280)', () => {
    const counts = timerExecutionsPerDay();
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(4500);
    // The outbox timer is only a safety net now: at most once a minute.
    expect(counts.outbox).toBeLessThanOrEqual(1440);
    // What replaced it: a queue-triggered sender, woken by every enqueue.
    expect(QUEUE_FUNCTIONS.map((f) => f.name)).toContain('outboxWake');
  });

  it('enqueueing wakes the sender once per call, after the items are stored, and asks for a later run for a not-before time', async () => {
    const wakes: number[] = [];
    let storedAtWake = -1;
    const ctx: AppContext = await context({ wake: async (delayMs = 0) => void wakes.push(delayMs) });
    const spy: OutboxWaker = {
      async wake(delayMs = 0) {
        storedAtWake = (await ctx.store.outbox.listPartition('batch-a')).length;
        wakes.push(delayMs);
      },
    };
    ctx.wake = spy;
    await enqueue(ctx, 'batch-a', messages(3, 'a'));
    expect(wakes).toEqual([0]);
    expect(storedAtWake).toBe(3);
    await enqueue(ctx, 'batch-b', [{ id: 'b.0', target: channel(0), payload: { text: 'later' }, notBefore: new Date(ctx.clock().getTime() + 60_000) }]);
    expect(wakes[1]).toBeGreaterThan(55_000);
    expect(wakes[1]).toBeLessThanOrEqual(60_000);
  });

  it('two sender instances side by side send each item once, together within the per-app rate', async () => {
    const ctx = await context();
    await enqueue(ctx, 'fan', messages(30, 'fan'));
    const sentAt: number[] = [];
    const { transport, posts } = fakeTransport(() => void sentAt.push(Date.now()));
    const limits = { perSecond: 20, perConversationPerSecond: 7, perConversationPer30s: 60 };
    const [a, b] = await Promise.all([
      runSender(ctx, transport, { holder: 'instance-a', limits }),
      runSender(ctx, transport, { holder: 'instance-b', limits }),
    ]);
    expect(posts).toHaveLength(30);
    expect(new Set(posts.map((p) => p.target.conversationId)).size).toBe(30);
    expect(a.sent + b.sent).toBe(30);
    // One of them sent; the other asked it to run again rather than sending beside it.
    expect([a.ran, b.ran].sort()).toEqual([false, true]);
    // Together no faster than the per-app limit: 30 sends at 20/s span at least 29 intervals of 50 ms. Two senders
    // pacing separately would each take half and finish in about 0.73 s. (A late timer only ever slows a sender.)
    expect(Math.max(...sentAt) - Math.min(...sentAt)).toBeGreaterThanOrEqual((29 * 1000) / limits.perSecond);
  });

  it('keeps to the per-app rate even when timers fire late on a busy machine', async () => {
    const pacer = new Pacer({ perSecond: 5, perConversationPerSecond: 100, perConversationPer30s: 1000 });
    const at: number[] = [];
    const sends = Array.from({ length: 10 }, (_, i) => pacer.take(`19:c${i}`).then((sent) => {
      at.push(Date.now());
      sent.done();
    }));
    await new Promise((r) => setImmediate(r)); // the first send goes out now
    // Then the event loop is stuck for 1.2 s: every send booked for the next 1.2 s is late, and would go out at once.
    const until = Date.now() + 1200;
    while (Date.now() < until) {
      // busy
    }
    await Promise.all(sends);
    at.sort((a, b) => a - b);
    const busiest = Math.max(...at.map((t0) => at.filter((t) => t >= t0 && t < t0 + 1000).length));
    expect(busiest).toBeLessThanOrEqual(5);
  });

  it('a wake that arrives while another instance is sending is not lost: the holder runs another pass before letting go', async () => {
    const ctx = await context();
    await enqueue(ctx, 'first', messages(1, 'first'));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const posted: string[] = [];
    const transport = {
      async post(target: { conversationId: string }, _payload: unknown, dispatch: { ready(): Promise<void> }) {
        await dispatch.ready();
        posted.push(target.conversationId);
        if (posted.length === 1) await gate; // the holder is mid-send
        return { activityId: `act-${posted.length}` };
      },
      async update() {},
    };
    const holder = runSender(ctx, transport, { holder: 'a' });
    while (posted.length === 0) await new Promise((r) => setTimeout(r, 5));
    // A second message is enqueued and its wake reaches another instance, which finds the lease held.
    await enqueue(ctx, 'second', [{ id: 'second.0', target: channel(99), payload: { text: 'now' } }]);
    const other = await runSender(ctx, transport, { holder: 'b' });
    expect(other.ran).toBe(false);
    release();
    const result = await holder;
    expect(result.passes).toBeGreaterThanOrEqual(2);
    expect(posted).toEqual([channel(0).conversationId, channel(99).conversationId]);
    expect((await ctx.store.outboxLease.get({ partitionKey: 'lease', rowKey: 'outbox' }))?.value.holder).toBe('');
  });

  it('takes over from a sender that died holding the lease, once its lease has run out', async () => {
    const ctx = await context();
    const deadUntil = new Date(Date.now() + 300).toISOString();
    await ctx.store.outboxLease.create({ name: 'outbox', holder: 'crashed', until: deadUntil, wakes: 0, nextSlotAt: 0 });
    await enqueue(ctx, 'orphan', messages(2, 'orphan'));
    const { transport, posts } = fakeTransport();
    expect((await runSender(ctx, transport, { holder: 'b' })).ran).toBe(false);
    expect(posts).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 350));
    expect(await runSender(ctx, transport, { holder: 'b' })).toMatchObject({ ran: true, sent: 2 });
  });
});

describe('the local Functions host runs the queue-triggered sender', () => {
  let host: LocalHost | undefined;
  let connector: Awaited<ReturnType<typeof startFakeConnector>> | undefined;
  afterEach(async () => {
    await host?.close();
    await connector?.close();
  });

  it('posts an enqueued card within a second, with no timer running', async () => {
    const { connectionString, prefix } = await freshStore();
    connector = await startFakeConnector();
    const runtime = createRuntime(loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: connectionString, TABLE_PREFIX: prefix, PORT: '0' }), silentLogger);
    host = await startLocalHost(runtime, { host: '127.0.0.1', port: 0, timers: false, queues: true });
    const target = { conversationId: 'a:private-chat', serviceUrl: connector.serviceUrl, tenantId: 't', kind: 'personal' as const };
    const arrived = async (conversationId: string, since: number) => {
      while (!connector!.sent.some((a) => a.conversationId === conversationId) && Date.now() - since < 10_000) {
        await new Promise((r) => setTimeout(r, 10));
      }
      return Date.now() - since;
    };
    // The instance's first send loads the Bot Connector (bot/runtime.ts: nothing loads it before there is
    // something to send; `npm run bench -- coldImport` measures that). This test is about the wake.
    await enqueue(runtime.ctx, 'details-0', [{ id: 'details-0.p', target: { ...target, conversationId: 'a:first-chat' }, payload: { text: 'First' } }]);
    await arrived('a:first-chat', Date.now());
    const started = Date.now();
    await enqueue(runtime.ctx, 'details-1', [{ id: 'details-1.p', target, payload: { text: 'Private details' } }]);
    const elapsed = await arrived('a:private-chat', started);
    expect(connector.sent.filter((a) => a.conversationId === 'a:private-chat')).toHaveLength(1);
    // The timer would have taken up to two minutes; the wake takes one queue poll.
    expect(elapsed).toBeLessThan(1500);
  });
});
