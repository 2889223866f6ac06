/**
 * Teams' rate limits, kept by the outbox sender however many instances run
 * and however long building a request takes. The limits checked here are the
 * published ones as the local Bot Connector spells them
 * (TEAMS_CONNECTOR_LIMITS), not the pacer's own constants.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../bot/kernel/config';
import type { AppContext } from '../bot/kernel/context';
import { silentLogger } from '../bot/kernel/logger';
import { enqueue, type OutgoingMessage } from '../bot/outbox/enqueue';
import type { Target } from '../bot/outbox/model';
import { decodePacerState, encodePacerState, MAX_PACING_TEXT, Pacer, TEAMS_LIMITS, type PacerState } from '../bot/outbox/pacer';
import type { Transport } from '../bot/outbox/transport';
import { createAdapter } from '../bot/teams/adapter';
import { createTeamsTransport } from '../bot/teams/transport';
import { startFakeConnector } from './support/fakeConnector';
import { freshStore } from './support/storage';
import { busiestWindow, overLimits, sendersSideBySide } from './support/teamsLimits';

async function context(): Promise<AppContext> {
  const { store } = await freshStore();
  return { config: loadConfig({ CONCORDAT_MODE: 'local' }), store, clock: () => new Date(), log: silentLogger };
}

const channel = (n: number): Target => ({ conversationId: `19:pace-${n}@thread.tacv2`, serviceUrl: 'https://smba.example/uk/', tenantId: 't', kind: 'channel' });

/**
 * A transport that, like the Bot Connector client, spends a varying time building each request (the first of
 * each instance the longest, as when it fetches a token) before asking for its slot and sending it.
 */
function slowToBuild(arrivals: { conversationId: string; at: number; id: string }[]): Transport {
  let n = 0;
  return {
    async post(target, payload, dispatch) {
      const build = n++ === 0 ? 250 : (n * 37) % 60; // 0–59 ms, varying from request to request
      await new Promise((r) => setTimeout(r, build));
      await dispatch.ready();
      arrivals.push({ conversationId: target.conversationId, at: Date.now(), id: payload.text ?? '' });
      return { activityId: `act-${arrivals.length}` };
    },
    async update() {
      throw new Error('not used');
    },
  };
}

describe('Teams limits across sender instances', () => {
  it('two instances sharing a store, handing over every 300 ms, keep every Teams limit in every window and send each item once', async () => {
    const ctx = await context();
    // Two busy chats with 20 messages each (a person tapping "View details" again and again) among 40 channels
    // with one each: the per-conversation limits (7 a second, 8 in 2 seconds) come into play, and hand-overs
    // land in the middle of them.
    const messages: OutgoingMessage[] = Array.from({ length: 80 }, (_, i) => ({ id: `pace.${i}`, target: channel(i < 40 ? i % 2 : i), payload: { text: `pace.${i}` } }));
    await enqueue(ctx, 'pace', messages);
    const arrivals: { conversationId: string; at: number; id: string }[] = [];
    // A short budget: the holder lets go mid-fan-out and the other instance (or itself) takes over.
    const options = { budgetMs: 300, drain: { concurrency: 8 } };
    const sent = await sendersSideBySide(
      [
        { holder: 'instance-a', ctx, transport: slowToBuild(arrivals), options },
        { holder: 'instance-b', ctx, transport: slowToBuild(arrivals), options },
      ],
      () => arrivals.length >= messages.length,
      { pauseMs: 20, limitMs: 30_000 },
    );

    expect(arrivals.map((a) => a.id).sort()).toEqual(messages.map((m) => m.id).sort());
    expect(sent['instance-a']! + sent['instance-b']!).toBe(80);
    expect(sent['instance-a']).toBeGreaterThan(0); // both instances sent: the pace crossed hand-overs
    expect(sent['instance-b']).toBeGreaterThan(0);
    expect(overLimits(arrivals)).toEqual([]);
  }, 60_000);

  it('the Teams transport asks for its slot after the proactive turn is built, and the request leaves only once it is given', async () => {
    const connector = await startFakeConnector();
    try {
      const transport = createTeamsTransport(createAdapter(loadConfig({ CONCORDAT_MODE: 'local' })), '');
      const target: Target = { conversationId: '19:paced@thread.tacv2', serviceUrl: connector.serviceUrl, tenantId: 't', kind: 'channel' };
      let asked = 0;
      let givenAt = 0;
      const dispatch = {
        signal: new AbortController().signal,
        async ready() {
          asked++;
          expect(connector.stats.requests).toBe(0); // nothing on the wire before the slot
          await new Promise((r) => setTimeout(r, 300));
          givenAt = Date.now();
        },
      };
      const { activityId } = await transport.post(target, { text: 'paced' }, dispatch);
      expect(activityId).toMatch(/^activity-/);
      expect(asked).toBe(1);
      expect(connector.sent).toHaveLength(1);
      expect(connector.sent[0]!.at).toBeGreaterThanOrEqual(givenAt);
    } finally {
      await connector.close();
    }
  });
});

describe('sends count from when they can have reached Teams', () => {
  it('requests slow on their way out (new connections) are counted from when they arrived, so Teams never sees more than its limit in a second', async () => {
    // 5 a second, to keep the test short. The first three requests take 300 ms to arrive (TCP and TLS on new
    // connections), the rest 5 ms; every answer comes 10 ms after arrival. Counted from when they were let go,
    // the slow three and the next quick ones would land in one of Teams' seconds together.
    const pacer = new Pacer({ perSecond: 5, perConversationPerSecond: 100, perConversationPer30s: 1000 });
    const arrivals: number[] = [];
    await Promise.all(
      Array.from({ length: 14 }, async (_, i) => {
        const sent = await pacer.take(`19:c${i}`);
        await new Promise((r) => setTimeout(r, i < 3 ? 300 : 5));
        arrivals.push(Date.now());
        await new Promise((r) => setTimeout(r, 10));
        sent.done();
      }),
    );
    expect(busiestWindow(arrivals, 1000)).toBeLessThanOrEqual(5);
  });
});

describe('the pace a lease holder hands to the next', () => {
  it('fits the lease row at the full per-app rate for 31 s, and reads back no looser than it was written', () => {
    const at = Date.parse('2026-11-30T05:00:00Z');
    // 50 sends a second for 31 s, each to a different conversation, one of them paused by a Retry-After.
    const state: PacerState = {
      at,
      nextSlotAt: at + 21,
      sentAgo: Array.from({ length: 50 }, (_, i) => i * 20.6),
      conversations: Array.from({ length: 1550 }, (_, i) => ({ key: i.toString(16).padStart(10, '0'), sentAgo: [i * 20.001], ...(i === 7 ? { pausedFor: 1234.5 } : {}) })),
    };
    const text = encodePacerState(state);
    expect(text.length).toBeLessThanOrEqual(MAX_PACING_TEXT);
    const back = decodePacerState(text, state.nextSlotAt)!;
    expect(back.conversations).toHaveLength(1550);
    // Rounded towards stricter: sends seem no older than they were, pauses no shorter.
    back.conversations.forEach((c, i) => expect(c.sentAgo[0]!).toBeLessThanOrEqual(state.conversations[i]!.sentAgo[0]!));
    expect(back.conversations[7]!.pausedFor).toBeGreaterThanOrEqual(1234.5);
    expect(back.sentAgo.every((x, i) => x <= state.sentAgo[i]!)).toBe(true);
    expect(decodePacerState('not a pace', 5)).toBeUndefined();
  });

  it('a new holder waits for a conversation the last one filled: 8 sends in 2 s, then the 9th only after the window', async () => {
    const first = new Pacer(TEAMS_LIMITS);
    const started = Date.now();
    for (let i = 0; i < 8; i++) (await first.take('19:busy@thread.tacv2')).done();
    const next = new Pacer(TEAMS_LIMITS, Date.now, decodePacerState(encodePacerState(first.snapshot()), 0));
    (await next.take('19:busy@thread.tacv2')).done();
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    // Another conversation is not held back by it.
    const before = Date.now();
    (await next.take('19:quiet@thread.tacv2')).done();
    expect(Date.now() - before).toBeLessThan(500);
  });
});
