import { describe, expect, it } from 'vitest';
import type { AppContext } from '../bot/kernel/context';
import { silentLogger } from '../bot/kernel/logger';
import { loadConfig } from '../bot/kernel/config';
import { deliveryStatus, describeDelivery, enqueue, type OutgoingMessage } from '../bot/outbox/enqueue';
import { Pacer, TEAMS_LIMITS } from '../bot/outbox/pacer';
import { drainOutbox } from '../bot/outbox/sender';
import { OUTBOX_HOOKS } from '../bot/outboxHooks';
import type { OutboxHooks } from '../bot/outbox/hooks';
import { TransportError, classifyFailure, retryDelayMs, type Transport } from '../bot/outbox/transport';
import { parseRetryAfter } from '../bot/teams/transport';
import { fakeTransport } from './support/fakeTransport';
import { freshStore } from './support/storage';
import { applyDemoPartnershipIfEmpty } from '../scripts/demoPartnership';

async function context(): Promise<AppContext & { now: { value: Date } }> {
  const { store } = await freshStore();
  const now = { value: new Date('2026-11-25T10:00:00Z') };
  return { config: loadConfig({ CONCORDAT_MODE: 'local' }), store, clock: () => now.value, log: silentLogger, outboxHooks: OUTBOX_HOOKS, now };
}

const channel = (n: number) => ({ conversationId: `19:channel-${n}@thread.tacv2`, serviceUrl: 'https://smba.example/uk/', tenantId: 't', kind: 'channel' as const });
const messages = (count: number, prefix = 'alert-1'): OutgoingMessage[] =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}.${i}`, target: channel(i), payload: { text: `message ${i}` } }));
const fastPacer = () => new Pacer({ perSecond: 10_000, perConversationPerSecond: 1000, perConversationPer30s: 10_000 });

describe('the durable outbox', () => {
  it('stores each message once however often it is enqueued', async () => {
    const ctx = await context();
    expect(await enqueue(ctx, 'alert-1', messages(3))).toEqual({ added: 3 });
    expect(await enqueue(ctx, 'alert-1', messages(3))).toEqual({ added: 0 });
    const { transport, posts } = fakeTransport();
    await drainOutbox(ctx, transport, { pacer: fastPacer() });
    expect(posts).toHaveLength(3);
    expect(describeDelivery(await deliveryStatus(ctx, 'alert-1'))).toBe('delivered 3/3');
  });

  it('sends each item once when two senders run at the same time', async () => {
    const ctx = await context();
    await enqueue(ctx, 'alert-2', messages(40, 'alert-2'));
    const { transport, posts } = fakeTransport();
    const [a, b] = await Promise.all([
      drainOutbox(ctx, transport, { pacer: fastPacer() }),
      drainOutbox(ctx, transport, { pacer: fastPacer() }),
    ]);
    expect(posts).toHaveLength(40);
    expect(new Set(posts.map((p) => p.target.conversationId)).size).toBe(40);
    expect(a.sent + b.sent).toBe(40);
  });

  it('sends a retry that came due during the pass in that same pass, not after a hand-over to the next', async () => {
    const ctx = await context();
    await enqueue(ctx, 'alert-due', messages(3, 'alert-due'));
    // Retry-After 0 (and no jitter): the throttled item is due again at once, while the pass is still running.
    const failures = new Map<string, TransportError[]>([[channel(1).conversationId, [new TransportError(429, 'throttled', 0)]]]);
    const { transport, posts } = fakeTransport((t) => {
      ctx.now.value = new Date(ctx.now.value.getTime() + 1000); // each send takes a second of the pass
      return failures.get(t.conversationId)?.shift();
    });
    const pass = await drainOutbox(ctx, transport, { pacer: fastPacer(), random: () => 0, concurrency: 1 });
    expect(pass).toMatchObject({ sent: 3, retried: 1 });
    expect(posts.map((p) => p.target.conversationId).sort()).toEqual([channel(0), channel(1), channel(2)].map((c) => c.conversationId));
    expect(describeDelivery(await deliveryStatus(ctx, 'alert-due'))).toBe('delivered 3/3');
    // A retry due later is left to the next pass (the wake carries its delay): the pass does not wait for it.
    await enqueue(ctx, 'alert-later', messages(1, 'alert-later'));
    const later = fakeTransport(() => new TransportError(429, 'throttled', 30_000));
    expect(await drainOutbox(ctx, later.transport, { pacer: fastPacer(), random: () => 0 })).toMatchObject({ sent: 0, retried: 1 });
  });

  it('obeys Retry-After on 429, backs off on 5xx, and delivers once the service recovers', async () => {
    const ctx = await context();
    await enqueue(ctx, 'alert-3', messages(2, 'alert-3'));
    const failures = new Map<string, TransportError[]>([
      [channel(0).conversationId, [new TransportError(429, 'throttled', 30_000)]],
      [channel(1).conversationId, [new TransportError(503, 'unavailable'), new TransportError(502, 'bad gateway')]],
    ]);
    const { transport, posts } = fakeTransport((t) => failures.get(t.conversationId)?.shift());

    const first = await drainOutbox(ctx, transport, { pacer: fastPacer(), random: () => 0 });
    expect(first).toMatchObject({ sent: 0, retried: 2 });
    const throttled = (await ctx.store.outbox.get({ partitionKey: 'alert-3', rowKey: 'alert-3.0' }))!.value;
    expect(Date.parse(throttled.nextAttemptAt) - ctx.now.value.getTime()).toBe(30_000);
    expect(describeDelivery(await deliveryStatus(ctx, 'alert-3'))).toBe('delivered 0/2, 2 retrying');

    ctx.now.value = new Date(ctx.now.value.getTime() + 1_000);
    expect((await drainOutbox(ctx, transport, { pacer: fastPacer(), random: () => 0 })).retried).toBe(1); // the 5xx one, again
    ctx.now.value = new Date(ctx.now.value.getTime() + 30_000);
    await drainOutbox(ctx, transport, { pacer: fastPacer(), random: () => 0 });
    expect(posts.map((p) => p.target.conversationId).sort()).toEqual([channel(0).conversationId, channel(1).conversationId]);
    expect(describeDelivery(await deliveryStatus(ctx, 'alert-3'))).toBe('delivered 2/2');
  });

  it('dead-letters after a bounded number of tries and tells the admins in their personal chat', async () => {
    const ctx = await context();
    // Dan, an administrator as the partnership file makes one: named in its administrators (whom notices go to).
    await applyDemoPartnershipIfEmpty(ctx);
    await ctx.store.conversations.create({ kind: 'personal', conversationId: 'a:dan', serviceUrl: 'https://smba.example/uk/', tenantId: 't', userAadObjectId: '00000000-0000-4000-8000-000000000004', installedAt: ctx.now.value.toISOString() });
    await enqueue(ctx, 'alert-4', messages(1, 'alert-4'));
    const { transport, posts } = fakeTransport((t) => (t.conversationId === channel(0).conversationId ? new TransportError(500, 'boom') : undefined));
    for (let i = 0; i < 3; i++) {
      await drainOutbox(ctx, transport, { pacer: fastPacer(), maxAttempts: 3 });
      ctx.now.value = new Date(ctx.now.value.getTime() + 60 * 60_000);
    }
    expect(await deliveryStatus(ctx, 'alert-4')).toMatchObject({ failed: 1, delivered: 0 });
    await drainOutbox(ctx, transport, { pacer: fastPacer() });
    expect(posts).toHaveLength(1);
    expect(posts[0]!.target.conversationId).toBe('a:dan');
    expect(JSON.stringify(posts[0]!.payload.card)).toContain('could not be delivered');
  });

  const mappedChannel = async (ctx: AppContext & { now: { value: Date } }) => {
    const ref = { ...channel(0), kind: 'channel' as const, teamId: 'team', channelId: channel(0).conversationId, channelName: 'ASB Stockport', installedAt: ctx.now.value.toISOString() };
    await ctx.store.conversations.create(ref);
    await ctx.store.channelMappings.create({ conversationId: ref.conversationId, teamId: 'team', channelName: 'ASB Stockport', boroughs: ['stockport'], themes: [], mappedBy: '00000000-0000-4000-8000-000000000004', mappedAt: ctx.now.value.toISOString() });
    // Dan, an administrator as the partnership file makes one: named in its administrators (whom notices go to).
    await applyDemoPartnershipIfEmpty(ctx);
    await ctx.store.conversations.create({ kind: 'personal', conversationId: 'a:dan', serviceUrl: 'https://smba.example/uk/', tenantId: 't', userAadObjectId: '00000000-0000-4000-8000-000000000004', installedAt: ctx.now.value.toISOString() });
  };
  const stillMapped = async (ctx: AppContext) => ({
    conversations: (await ctx.store.conversations.listPartition('channel')).length,
    mappings: (await ctx.store.channelMappings.listPartition('map')).length,
  });

  it('a refused update of an old card (403/404) is that message\'s failure: the channel stays mapped and the next alert reaches it', async () => {
    const ctx = await context();
    await mappedChannel(ctx);
    await enqueue(ctx, 'prio-v1', [{ id: 'prio-v1.c0', target: channel(0), payload: { text: 'v1' } }]);
    const ok = fakeTransport();
    await drainOutbox(ctx, ok.transport, { pacer: fastPacer() });
    await enqueue(ctx, 'prio-v2', [{ id: 'prio-v2.c0', target: channel(0), payload: { text: 'v2' }, updateOf: { batchId: 'prio-v1', id: 'prio-v1.c0' } }]);
    // Posts work; only the old card cannot be updated (deleted, or too old for Teams to edit).
    const refusing = { post: ok.transport.post, update: async () => Promise.reject(new TransportError(404, 'ActivityNotFound')) };
    expect(await drainOutbox(ctx, refusing, { pacer: fastPacer() })).toMatchObject({ dead: 1, gone: 0 });
    expect(await stillMapped(ctx)).toEqual({ conversations: 1, mappings: 1 });

    await enqueue(ctx, 'alert-next', [{ id: 'alert-next.c0', target: channel(0), payload: { text: 'next alert' } }]);
    await drainOutbox(ctx, ok.transport, { pacer: fastPacer() });
    expect(ok.posts.map((p) => p.payload.text)).toEqual(['v1', 'next alert']);
    expect(ok.posts.some((p) => p.target.conversationId === 'a:dan')).toBe(false);
  });

  it('one refused post is not proof: the message is retried minutes later and delivered, and nothing is forgotten', async () => {
    const ctx = await context();
    await mappedChannel(ctx);
    await enqueue(ctx, 'alert-7', messages(1, 'alert-7'));
    let refusals = 1;
    const { transport, posts } = fakeTransport(() => (refusals-- > 0 ? new TransportError(403, 'Forbidden') : undefined));
    expect(await drainOutbox(ctx, transport, { pacer: fastPacer() })).toMatchObject({ retried: 1, gone: 0 });
    expect(await stillMapped(ctx)).toEqual({ conversations: 1, mappings: 1 });
    ctx.now.value = new Date(ctx.now.value.getTime() + 6 * 60_000);
    expect(await drainOutbox(ctx, transport, { pacer: fastPacer() })).toMatchObject({ sent: 1 });
    expect(posts.map((p) => p.target.conversationId)).toEqual([channel(0).conversationId]);
  });

  it('forgets a conversation only after repeated refusals of posts to it, minutes apart, and tells the administrators which', async () => {
    const ctx = await context();
    await mappedChannel(ctx);
    await enqueue(ctx, 'alert-5', messages(1, 'alert-5'));
    const { transport, posts } = fakeTransport((t) => (t.conversationId === channel(0).conversationId ? new TransportError(403, 'BotNotInConversationRoster') : undefined));
    expect(await drainOutbox(ctx, transport, { pacer: fastPacer() })).toMatchObject({ retried: 1, gone: 0 });
    // Too soon: the retry waits minutes, so a burst of refusals is one piece of evidence, not three.
    expect(await drainOutbox(ctx, transport, { pacer: fastPacer() })).toMatchObject({ retried: 0, gone: 0 });
    ctx.now.value = new Date(ctx.now.value.getTime() + 6 * 60_000);
    expect(await drainOutbox(ctx, transport, { pacer: fastPacer() })).toMatchObject({ retried: 1, gone: 0 });
    expect(await stillMapped(ctx)).toEqual({ conversations: 1, mappings: 1 });
    ctx.now.value = new Date(ctx.now.value.getTime() + 6 * 60_000);
    expect(await drainOutbox(ctx, transport, { pacer: fastPacer() })).toMatchObject({ gone: 1 });
    expect(await stillMapped(ctx)).toEqual({ conversations: 0, mappings: 0 });

    await drainOutbox(ctx, transport, { pacer: fastPacer() });
    const notice = posts.find((p) => p.target.conversationId === 'a:dan');
    expect(JSON.stringify(notice?.payload.card)).toMatch(/stopped posting[\s\S]*ASB Stockport/);
  });

  it('knows no feature: a gone conversation and a dead letter go to the hooks the runtime wired, and the outbox touches nothing else', async () => {
    const events: { hook: string; itemId: string; conversationId: string; strikes?: number }[] = [];
    const hooks: OutboxHooks<AppContext> = {
      onConversationGone: async (_ctx, gone) => void events.push({ hook: 'gone', itemId: gone.itemId, conversationId: gone.target.conversationId, strikes: gone.strikes }),
      onDeadLetter: async (_ctx, dead) => void events.push({ hook: 'dead', itemId: dead.itemId, conversationId: dead.target.conversationId }),
    };
    const ctx = { ...(await context()), outboxHooks: hooks };
    await mappedChannel(ctx);
    await enqueue(ctx, 'alert-8', messages(2, 'alert-8'));
    const { transport } = fakeTransport((t) => (t.conversationId === channel(0).conversationId ? new TransportError(403, 'BotNotInConversationRoster') : new TransportError(500, 'boom')));
    for (let i = 0; i < 4; i++) {
      await drainOutbox(ctx, transport, { pacer: fastPacer(), maxAttempts: 3 });
      ctx.now.value = new Date(ctx.now.value.getTime() + 60 * 60_000);
    }
    // Each reported once, with what the owning slice needs (which item, which conversation; how many refusals).
    expect(events).toHaveLength(2);
    expect(events).toEqual(expect.arrayContaining([
      { hook: 'dead', itemId: 'alert-8.1', conversationId: channel(1).conversationId },
      { hook: 'gone', itemId: 'alert-8.0', conversationId: channel(0).conversationId, strikes: 3 },
    ]));
    // The reactions are the slices': with recording hooks, the channel is still known and mapped, and nobody was told.
    expect(await stillMapped(ctx)).toEqual({ conversations: 1, mappings: 1 });
    expect(await ctx.store.outbox.listPartition('admin-notices')).toEqual([]);
  });

  it('after a crash mid-fan-out, the next run sends what was left and nothing twice', async () => {
    const ctx = await context();
    await enqueue(ctx, 'alert-6', messages(10, 'alert-6'));
    // The first run "dies" while sending the 4th message: its promise never settles.
    const first = fakeTransport((_t, n) => (n === 4 ? 'hang' : undefined));
    void drainOutbox(ctx, first.transport, { pacer: fastPacer(), concurrency: 1 });
    // Until it is stuck on the 4th (however slow the machine), then a little longer: nothing more goes out.
    for (let waited = 0; first.calls() < 4 && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect(first.posts).toHaveLength(3);

    // A restarted process: the stuck item's lease runs out, everything else is still due.
    ctx.now.value = new Date(ctx.now.value.getTime() + 2 * 60_000);
    const second = fakeTransport();
    await drainOutbox(ctx, second.transport, { pacer: fastPacer() });
    const all = [...first.posts, ...second.posts].map((p) => p.target.conversationId);
    expect(all).toHaveLength(10);
    expect(new Set(all).size).toBe(10);
  });

  it('starts sending as soon as its first items are claimed: the first post of a 100-channel fan-out leaves with a handful claimed, not one item per worker', async () => {
    const ctx = await context();
    await enqueue(ctx, 'alert-ramp', messages(100, 'alert-ramp'));
    const inner = fakeTransport();
    // What storage holds as the first post leaves: items claimed (leased) and not yet sent.
    let claimedAtFirstPost: number | undefined;
    const transport: Transport = {
      ...inner.transport,
      async post(target, payload, dispatch) {
        if (claimedAtFirstPost === undefined) {
          claimedAtFirstPost = -1;
          await dispatch.ready();
          const items = (await ctx.store.outbox.listPartition('alert-ramp')).map((row) => row.value);
          claimedAtFirstPost = items.filter((i) => i.status === 'pending' && i.leaseUntil !== undefined).length;
        }
        return inner.transport.post(target, payload, dispatch);
      },
    };
    // The sender's own concurrency (64 in hand once ramped up) and a real pace: 50 a second.
    const pass = await drainOutbox(ctx, transport, { pacer: new Pacer(TEAMS_LIMITS) });
    expect(claimedAtFirstPost).toBeGreaterThanOrEqual(1);
    expect(claimedAtFirstPost).toBeLessThanOrEqual(12);
    // Nothing lost to the ramp: every item sent, once.
    expect(pass.sent).toBe(100);
    expect(new Set(inner.posts.map((p) => p.target.conversationId)).size).toBe(100);
  }, 30_000);

  it('updates a posted card in place once the original has gone out', async () => {
    const ctx = await context();
    await enqueue(ctx, 'prio-v1', [{ id: 'prio-v1.c0', target: channel(0), payload: { text: 'v1' } }]);
    await enqueue(ctx, 'prio-v2', [{ id: 'prio-v2.c0', target: channel(0), payload: { text: 'v2' }, updateOf: { batchId: 'prio-v1', id: 'prio-v1.c0' } }]);
    const { transport, posts, updates } = fakeTransport();
    await drainOutbox(ctx, transport, { pacer: fastPacer(), concurrency: 1 });
    ctx.now.value = new Date(ctx.now.value.getTime() + 10_000);
    await drainOutbox(ctx, transport, { pacer: fastPacer() });
    expect(posts).toHaveLength(1);
    expect(updates).toEqual([expect.objectContaining({ activityId: posts[0]!.activityId, payload: { text: 'v2' } })]);
  });
});

describe('sending rules', () => {
  it('classifies failures as Teams documents them', () => {
    expect([429, 412, 502, 504, 500, undefined].map(classifyFailure)).toEqual(['retry', 'retry', 'retry', 'retry', 'retry', 'retry']);
    expect([403, 404].map(classifyFailure)).toEqual(['gone', 'gone']);
    expect([400, 413].map(classifyFailure)).toEqual(['fatal', 'fatal']);
  });

  it('backs off exponentially with jitter, capped, and honours Retry-After', () => {
    expect(retryDelayMs(1, undefined, () => 0)).toBe(500);
    expect(retryDelayMs(4, undefined, () => 0.999)).toBeLessThanOrEqual(8000);
    expect(retryDelayMs(30, undefined, () => 1)).toBe(15 * 60_000);
    expect(retryDelayMs(1, 7000, () => 0)).toBe(7000);
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 10:00:10 GMT', Date.parse('2026-11-25T10:00:00Z'))).toBe(10_000);
  });

  it('paces a fan-out evenly to the per-app rate: 120 sends at 50/s take at least 2.4 s', async () => {
    const pacer = new Pacer({ perSecond: 50, perConversationPerSecond: 7, perConversationPer30s: 60 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 120 }, async (_, i) => (await pacer.take(`c${i}`)).done()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(2400);
    expect(Date.now() - started).toBeLessThan(3200);
  });

  it('paces one conversation to 7 per second', async () => {
    const pacer = new Pacer({ perSecond: 50, perConversationPerSecond: 7, perConversationPer30s: 60 });
    const started = Date.now();
    for (let i = 0; i < 15; i++) (await pacer.take('same')).done();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });
});
