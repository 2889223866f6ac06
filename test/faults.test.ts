/**
 * Faults: storage down (Azurite stopped, then restarted with its data on
 * disk), Bot Connector 429 / 5xx / timeouts, and a process killed mid-work.
 * The bot runs as in the other integration tests (real handlers over HTTP,
 * fake Bot Connector), but on an Azurite of this file's own, so stopping it
 * disturbs nobody else.
 *
 * Prints one line, FAULT-SUMMARY {...}: requests the bot sent to the
 * connector, failures injected, items lost and duplicated (both must be 0).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { raiseAlert } from '../bot/alerts/raise';
import { loadConfig } from '../bot/kernel/config';
import { silentLogger } from '../bot/kernel/logger';
import { DEMO_MEMBERS } from './support/demoDirectory';
import { runDueReminders } from '../bot/operations/reminderEngine';
import { scheduleOperation } from '../bot/operations/schedule';
import { deliveryStatus } from '../bot/outbox/enqueue';
import { Pacer } from '../bot/outbox/pacer';
import { drainOutbox } from '../bot/outbox/sender';
import type { Transport } from '../bot/outbox/transport';
import { createRuntime } from '../bot/runtime';
import { safeKey } from '../bot/store/entityTable';
import { StoreUnavailableError } from '../bot/store/errors';
import { startAzurite, type AzuriteHandle } from '../scripts/azurite';
import { auditOf } from './support/audit';
import { activityFrom, cardOf, personalChat, PRIYA, startBotHarness, textOfCard, type BotHarness } from './support/botHarness';
import { validateAdaptiveCard } from './support/schemas';

const PREFIX = 'faults';
const TOM = { id: '29:tom', aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley' }; // GMP, coordinator

let dir: string;
let az: AzuriteHandle;
let bot: BotHarness;
const summary = { outages: 0, killedRuns: 0, lost: 0, duplicates: 0 };

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'concordat-faults-'));
  az = await startAzurite({ location: dir });
  bot = await startBotHarness({ storage: { connectionString: az.connectionString, prefix: PREFIX } });
});

afterAll(async () => {
  const line = {
    requestsSent: bot?.connector.stats.requests ?? 0,
    failuresInjected: (bot?.connector.stats.injected ?? 0) + summary.outages + summary.killedRuns,
    connectorFaults: bot?.connector.stats.injected ?? 0,
    connectorThrottled: bot?.connector.stats.throttled ?? 0,
    storageOutages: summary.outages,
    killedRuns: summary.killedRuns,
    lost: summary.lost,
    duplicates: summary.duplicates,
  };
  console.log(`FAULT-SUMMARY ${JSON.stringify(line)}`);
  await bot?.close();
  await az?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const store = () => bot.runtime.ctx.store;
const fast = () => new Pacer({ perSecond: 1000, perConversationPerSecond: 1000, perConversationPer30s: 10_000 });
const later = (ms: number) => (bot.now.value = new Date(bot.now.value.getTime() + ms));

/** Storage goes away; resolves once Azurite has stopped. */
async function outage(): Promise<void> {
  summary.outages++;
  await az.stop();
}

async function invoke(user: typeof PRIYA, verb: string, data: Record<string, unknown>) {
  const res = await bot.post(
    activityFrom(bot.connector.serviceUrl, user, personalChat(user), {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual' },
    }),
  );
  return res;
}

function goodForm(summaryText: string): Record<string, unknown> {
  return {
    category: 'asb-nuisance', hateCrimeStrand: '', borough: 'stockport', area: 'Brinnington estate', postcodeDistrict: 'SK5',
    fullAddress: '', occurredDate: '2026-11-24', occurredTime: '21:30', summary: summaryText, details: '',
    victims: '0', suspects: '4', witnesses: '2', vulnerablePerson: 'false', childrenPresent: 'false', policeReference: '',
    risk: 'standard', actions: 'reported-to-police', sharedWith: 'gmp,stockport-council', marking: 'OFFICIAL-SENSITIVE',
  };
}

const referenceOf = (card: unknown): string | undefined => /Recorded: ([A-Z]{3}-\d{4}-\d{6})/.exec(textOfCard(card))?.[1];

async function incidentRows() {
  const all = async (t: { query(f: string): Promise<unknown[]> }) => (await t.query("PartitionKey ne ''")).length;
  const incidents = (await store().incidents.query("kind eq 'incident'")).flatMap((r) => (r.value.kind === 'incident' ? [r.value.reference] : [])).sort();
  const counter = (await store().counters.get({ partitionKey: 'ref', rowKey: 'STO-2026' }))?.value.last ?? 0;
  return { incidents, history: (await store().incidents.query("kind eq 'history'")).length, index: await all(store().incidentIndex), submissions: await all(store().incidentSubmissions), counter };
}

/** Expects the "not saved" card as the invoke response (a card, not a 5xx) and returns its "Try again" action. */
function expectNotSavedCard(res: { status: number; body: any }) {
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
  const card = res.body.value;
  expect(validateAdaptiveCard(card)).toEqual([]);
  expect(textOfCard(card)).toMatch(/Not saved — please try again[\s\S]*nothing was saved/);
  const retry = card.actions?.find((a: any) => a.title === 'Try again');
  expect(retry).toMatchObject({ type: 'Action.Execute' });
  return retry as { verb: string; data: Record<string, unknown> };
}

describe('storage down during an incident submission', () => {
  it('storage already down: the user gets a "not saved, try again" card, nothing is written, and Try again stores it once', async () => {
    const form = await invoke(PRIYA, 'incident.report', {});
    const submissionId = form.body.value.actions[0].data.submissionId as string;
    await outage();
    const started = Date.now();
    const res = await invoke(PRIYA, 'incident.submit', { submissionId, ...goodForm('Youths throwing stones at passing buses near the shops.') });
    const waited = Date.now() - started;
    const retry = expectNotSavedCard(res);
    expect(retry.verb).toBe('incident.submit');
    expect(retry.data.submissionId).toBe(submissionId); // the same card instance: the same idempotency key
    console.log(`storage down: the "not saved" card came back after ${waited} ms (storage client retries included)`);
    expect(bot.connector.sent.filter((a) => a.conversationId === personalChat(PRIYA).id)).toHaveLength(0); // the answer is the invoke response only

    await az.restart();
    expect(await incidentRows()).toEqual({ incidents: [], history: 0, index: 0, submissions: 0, counter: 0 });

    const again = await invoke(PRIYA, retry.verb, retry.data);
    expect(referenceOf(again.body.value)).toBe('STO-2026-000001');
    expect(await incidentRows()).toMatchObject({ incidents: ['STO-2026-000001'], history: 1, index: 1, submissions: 1, counter: 1 });
  }, 60_000);

  it.each([
    ['the reference number was taken', 'counters', 'create|update'],
    ['the incident and its history were written', 'incidents', 'transact'],
  ] as const)('storage lost after %s: Try again converges on one incident with that number, no gap, no duplicate, audited once', async (_what, table, methods) => {
    const before = await incidentRows();
    const form = await invoke(PRIYA, 'incident.report', {});
    const submissionId = form.body.value.actions[0].data.submissionId as string;

    // The step completes, then storage goes away before the next one.
    const t = store()[table] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const originals = new Map<string, (...a: unknown[]) => Promise<unknown>>();
    for (const m of methods.split('|')) {
      const original = t[m]!.bind(t);
      originals.set(m, original);
      t[m] = async (...args: unknown[]) => {
        const result = await original(...args);
        for (const [name, fn] of originals) t[name] = fn; // once
        await outage();
        return result;
      };
    }
    const res = await invoke(PRIYA, 'incident.submit', { submissionId, ...goodForm('Abandoned car set alight on the car park overnight again.') });
    for (const [name, fn] of originals) t[name] = fn;
    const retry = expectNotSavedCard(res);
    await az.restart();

    const expected = `STO-2026-${String(before.counter + 1).padStart(6, '0')}`;
    const half = await incidentRows();
    expect(half.counter).toBe(before.counter + 1); // the number is taken...
    expect(half.submissions).toBe(before.submissions); // ...but no submission is recorded as done
    if (table === 'counters') expect(half.incidents).toEqual(before.incidents); // and no incident is visible yet

    const again = await invoke(PRIYA, retry.verb, retry.data);
    expect(referenceOf(again.body.value)).toBe(expected); // its own number back: no gap
    const next = await invoke(PRIYA, 'incident.submit', { submissionId: randomUUID().replace(/-/g, ''), ...goodForm('Another report made after storage came back, for the gap check.') });
    const nextRef = referenceOf(next.body.value)!;

    const after = await incidentRows();
    const numbers = after.incidents.map((r) => Number(r.slice(-6)));
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1)); // 1..n, no gap, no duplicate
    expect(after.incidents).toContain(expected);
    expect(after.incidents).toContain(nextRef);
    expect(after).toMatchObject({ history: after.incidents.length, index: after.incidents.length, submissions: after.incidents.length, counter: after.incidents.length });
    const audit = (await auditOf(store(), `incident:${expected}`)).map((a) => a.action).sort();
    expect(audit).toEqual(['collection', 'disclosure']);
  }, 90_000);
  it('storage lost right after the submission was recorded: "Try again" completes the audit, the repeat-complaint record and the channel announcement', async () => {
    // A channel for Stockport, so a medium risk report is announced.
    const at = bot.now.value.toISOString();
    const channel = '19:stockport-after-record@thread.tacv2';
    await store().conversations.upsert({ kind: 'channel', conversationId: channel, serviceUrl: bot.connector.serviceUrl, tenantId: 't', teamId: 'team-sto', channelId: channel, channelName: channel, installedAt: at });
    await store().channelMappings.upsert({ conversationId: channel, teamId: 'team-sto', boroughs: ['stockport'], themes: [], mappedBy: '00000000-0000-4000-8000-000000000004', mappedAt: at });

    const before = await incidentRows();
    const form = await invoke(PRIYA, 'incident.report', {});
    const submissionId = form.body.value.actions[0].data.submissionId as string;
    const t = store().incidentSubmissions as unknown as { create: (...a: unknown[]) => Promise<unknown> };
    const create = t.create.bind(t);
    t.create = async (...args) => {
      const r = await create(...args);
      t.create = create;
      await outage(); // the submission is recorded as done, then storage goes away
      return r;
    };
    const res = await invoke(PRIYA, 'incident.submit', {
      submissionId,
      ...goodForm('Repeated door knocking and shouting at the flats late at night.'),
      risk: 'medium',
      householdReference: 'STO/TEN 777001',
    });
    t.create = create;
    const retry = expectNotSavedCard(res);
    await az.restart();

    const expected = `STO-2026-${String(before.counter + 1).padStart(6, '0')}`;
    expect((await incidentRows()).submissions).toBe(before.submissions + 1); // the first write completed...
    const actions = async () => (await auditOf(store(), `incident:${expected}`)).map((a) => a.action).sort();
    expect(await actions()).toEqual([]); // ...and nothing after it

    const again = await invoke(PRIYA, retry.verb, retry.data);
    expect(referenceOf(again.body.value)).toBe(expected);
    expect(await actions()).toEqual(['collection', 'disclosure']);
    const indexed = (await store().complaintIndex.query("PartitionKey ne ''")).filter((r) => r.value.reference === expected);
    expect(indexed).toHaveLength(1);
    const announced = (await store().outbox.listPartition(`incident-${expected}`)).map((i) => i.value.target.conversationId);
    expect(announced).toEqual([channel]);

    // Once more: nothing is logged, indexed or announced twice.
    await invoke(PRIYA, retry.verb, retry.data);
    expect(await actions()).toEqual(['collection', 'disclosure']);
    expect((await store().outbox.listPartition(`incident-${expected}`))).toHaveLength(1);
    await unmap([channel]);
  }, 90_000);
});

/**
 * How long the sender waits for the fake connector before treating a send as
 * lost. The production default is 20 s; 1 s made a dropped request cheap to
 * test but, on a loaded machine (load average 20+), an answered request could
 * take longer than that, so the sender retried a send the connector had
 * already taken: duplicates caused by the test's clock, not by the sender.
 */
const SEND_TIMEOUT_MS = 5000;

/** Channels mapped to Salford, each able to receive from the fake connector. */
async function salfordChannels(n: number, tag: string): Promise<string[]> {
  const at = bot.now.value.toISOString();
  const ids = Array.from({ length: n }, (_, i) => `19:${tag}-${i}@thread.tacv2`);
  for (const id of ids) {
    await store().conversations.upsert({ kind: 'channel', conversationId: id, serviceUrl: bot.connector.serviceUrl, tenantId: 't', teamId: `team-${tag}`, channelId: id, channelName: id, installedAt: at });
    await store().channelMappings.upsert({ conversationId: id, teamId: `team-${tag}`, boroughs: ['salford'], themes: [], mappedBy: '00000000-0000-4000-8000-000000000004', mappedAt: at });
  }
  return ids;
}

async function unmap(ids: string[]) {
  for (const id of ids) await store().channelMappings.delete({ partitionKey: 'map', rowKey: safeKey(id) });
}

async function alertTo(alertId: string, title: string) {
  const r = await raiseAlert(bot.runtime.ctx, {
    alertId, source: 'api', organisationId: 'gmp', displayName: 'Salford district',
    input: { severity: 'info', boroughs: ['salford'], themeId: 'public-safety', title, body: 'Partners report rising community tension around the precinct.', expiresInDays: 3, marking: 'OFFICIAL' },
  });
  if (!r.ok) throw new Error('alert not raised');
  return r;
}

/** Delivered exactly once to each channel? Adds what was lost and doubled to the summary. */
function tally(channels: string[], title: string) {
  const received = bot.connector.sent.filter((a) => a.method === 'POST' && textOfCard(cardOf(a)).includes(title)).map((a) => a.conversationId);
  const unique = new Set(received);
  const lost = channels.filter((c) => !unique.has(c)).length;
  const duplicates = received.length - unique.size;
  summary.lost += lost;
  summary.duplicates += duplicates;
  return { lost, duplicates, received: received.length };
}

async function drainUntilDone(batchId: string, total: number, transport: Transport = bot.runtime.transport, rounds = 15) {
  for (let i = 0; i < rounds; i++) {
    await drainOutbox(bot.runtime.ctx, transport, { pacer: fast(), sendTimeoutMs: SEND_TIMEOUT_MS });
    const s = await deliveryStatus(bot.runtime.ctx, batchId);
    if (s.delivered + s.failed + s.removed >= total) return s;
    later(61_000); // backed-off retries and expired leases come due
  }
  return deliveryStatus(bot.runtime.ctx, batchId);
}

describe('storage down during fan-out and reminders', () => {
  it('fan-out: storage lost mid-run for longer than the storage client retries; the run stops, and when storage returns every channel gets the alert once', async () => {
    const channels = await salfordChannels(30, 'outage');
    onTestFinished(() => unmap(channels));
    await alertTo('alert-fault-outage', 'Storage outage fan-out check');
    let posts = 0;
    let down: Promise<void> | undefined;
    const transport: Transport = {
      post: async (target, payload, dispatch) => {
        const res = await bot.runtime.transport.post(target, payload, dispatch);
        // After the 10th post reached Teams, storage goes away for 10 s.
        if (++posts === 10) {
          await outage();
          down = new Promise((r) => setTimeout(r, 10_000)).then(() => az.restart());
        }
        return res;
      },
      update: (...a) => bot.runtime.transport.update(...a),
    };
    const run = await drainOutbox(bot.runtime.ctx, transport, { pacer: new Pacer({ perSecond: 20, perConversationPerSecond: 7, perConversationPer30s: 60 }), sendTimeoutMs: 2000 }).then(
      (r) => ({ ok: true as const, r }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    await down;
    if (!run.ok) expect(run.e).toBeInstanceOf(StoreUnavailableError);
    const s = await drainUntilDone('alert-fault-outage', channels.length);
    expect(s).toMatchObject({ delivered: channels.length, failed: 0 });
    expect(tally(channels, 'Storage outage fan-out check')).toEqual({ lost: 0, duplicates: 0, received: channels.length });
  }, 90_000);

  it('reminders: storage lost after a reminder was claimed and its first message queued; the next run after storage returns sends each message once', async () => {
    const member = (name: string) => DEMO_MEMBERS.find((m) => m.displayName === name)!;
    const [tom, priya] = [member('Tom Bradley'), member('Priya Shah')];
    const at = bot.now.value.toISOString();
    for (const m of [tom, priya]) {
      await store().conversations.upsert({ kind: 'personal', conversationId: `a:rem-${m.displayName}`, serviceUrl: bot.connector.serviceUrl, tenantId: 't', userAadObjectId: m.aadObjectId, installedAt: at });
    }
    const result = await scheduleOperation(bot.runtime.ctx, { aadObjectId: tom.aadObjectId, displayName: tom.displayName, member: tom }, {
      submissionId: randomUUID(), name: 'Eccles day of action', type: 'day-of-action', borough: 'salford', area: 'Eccles',
      startDate: '2026-12-05', startTime: '09:00', endDate: '2026-12-05', endTime: '15:00',
      lead: 'gmp', partners: '', participants: priya.aadObjectId, briefing: 'Meet at the station.', incidents: '', reminders: '1440', outcomesAfter: '1440',
    });
    expect(result.kind).toBe('scheduled');
    await drainUntilDone('nothing', 0, bot.runtime.transport, 1); // what scheduling posted
    const sentBefore = bot.connector.sent.length;

    bot.now.value = new Date('2026-12-04T09:00:30Z');
    const outbox = store().outbox as unknown as { create: (...a: unknown[]) => Promise<unknown> };
    const create = outbox.create.bind(outbox);
    outbox.create = async (...args) => {
      const r = await create(...args);
      outbox.create = create;
      await outage(); // the first message is queued, then storage goes away
      return r;
    };
    await expect(runDueReminders(bot.runtime.ctx)).rejects.toBeInstanceOf(StoreUnavailableError);
    outbox.create = create;
    await az.restart();
    const claimed = await store().reminders.query("status eq 'claimed'");
    expect(claimed).toHaveLength(1); // the claim outlives the failed run...
    expect(await runDueReminders(bot.runtime.ctx)).toMatchObject({ sent: 0, busy: 1 }); // ...and holds until its lease ends
    later(3 * 60_000);
    expect(await runDueReminders(bot.runtime.ctx)).toMatchObject({ sent: 1 });
    await drainOutbox(bot.runtime.ctx, bot.runtime.transport, { pacer: fast() });
    later(60_000);
    await drainOutbox(bot.runtime.ctx, bot.runtime.transport, { pacer: fast() });
    const reminders = bot.connector.sent.slice(sentBefore).filter((a) => textOfCard(cardOf(a)).includes('Reminder: starts in 24 hours'));
    const to = reminders.map((a) => a.conversationId).sort();
    expect(to).toEqual(['a:rem-Priya Shah', 'a:rem-Tom Bradley']);
    const unique = new Set(to);
    summary.duplicates += to.length - unique.size;
    summary.lost += 2 - unique.size;
  }, 90_000);
});

describe('storage down after a joint operation is stored', () => {
  it('the card submitted again logs its collection (once), which the failed attempt never reached', async () => {
    const member = (name: string) => DEMO_MEMBERS.find((m) => m.displayName === name)!;
    const tom = member('Tom Bradley');
    const caller = { aadObjectId: tom.aadObjectId, displayName: tom.displayName, member: tom };
    const form = {
      submissionId: randomUUID(), name: 'Swinton estate walkabout', type: 'joint-visit', borough: 'salford', area: 'Swinton',
      startDate: '2026-12-10', startTime: '10:00', endDate: '2026-12-10', endTime: '12:00',
      lead: 'gmp', partners: '', participants: tom.aadObjectId, briefing: 'Meet at the library.', incidents: '', reminders: '', outcomesAfter: '1440',
    };
    // The operation row is written, then storage goes away before anything else.
    // (an operation and its timeline row are written in one transaction)
    const ops = store().operations as unknown as { transact: (...a: unknown[]) => Promise<unknown> };
    const transact = ops.transact.bind(ops);
    ops.transact = async (...args) => {
      const r = await transact(...args);
      ops.transact = transact;
      await outage();
      return r;
    };
    const first = await scheduleOperation(bot.runtime.ctx, caller, form).catch((e: unknown) => e);
    expect(first, JSON.stringify(first)).toBeInstanceOf(StoreUnavailableError);
    ops.transact = transact;
    await az.restart();
    const again = await scheduleOperation(bot.runtime.ctx, caller, form);
    expect(again.kind).toBe('already-scheduled');
    const opId = (again as { op: { id: string } }).op.id;
    await scheduleOperation(bot.runtime.ctx, caller, form); // once more: nothing twice
    expect((await auditOf(store(), `operation:${opId}`)).map((e) => e.action)).toEqual(['collection']);
    // Deliver what scheduling queued now, so the connector counts of the tests below see only their own sends.
    await drainUntilDone(`op.${opId}`, 0, bot.runtime.transport, 1);
    later(60_000);
    await drainOutbox(bot.runtime.ctx, bot.runtime.transport, { pacer: fast() });
  }, 90_000);
});

describe('Bot Connector faults', () => {
  it('429 with Retry-After, 5xx and dropped requests are retried within limits: every channel once, under Teams-like limits', async () => {
    const channels = await salfordChannels(25, 'conn');
    onTestFinished(() => unmap(channels));
    await alertTo('alert-fault-connector', 'Connector fault fan-out check');
    const injectedBefore = bot.connector.stats.injected;
    const requestsBefore = bot.connector.stats.requests;
    bot.connector.enforceLimits();
    bot.connector.failNext({ status: 429, retryAfter: 1 }, { status: 500 }, { status: 502 }, { status: 503 }, { status: 504 }, { status: 0 }, { status: 412 }, { status: 429 });
    const s = await drainUntilDone('alert-fault-connector', channels.length);
    expect(s).toMatchObject({ delivered: channels.length, failed: 0 });
    expect(bot.connector.stats.injected - injectedBefore).toBe(8);
    expect(tally(channels, 'Connector fault fan-out check')).toEqual({ lost: 0, duplicates: 0, received: channels.length });
    // Each failure costs one more request, no more.
    expect(bot.connector.stats.requests - requestsBefore).toBe(channels.length + 8 + bot.connector.stats.throttled);
    const items = (await store().outbox.listPartition('alert-fault-connector')).map((i) => i.value);
    expect(Math.max(...items.map((i) => i.attempts))).toBeLessThan(8); // the sender's limit
    bot.connector.enforceLimits(false);
  }, 60_000);

  it('a send that keeps failing is tried maxAttempts times, then dead-lettered and the admins told', async () => {
    const [channel] = await salfordChannels(1, 'dead');
    onTestFinished(() => unmap([channel!]));
    const dan = '00000000-0000-4000-8000-000000000004'; // the administrator
    await store().conversations.upsert({ kind: 'personal', conversationId: 'a:dead-dan', serviceUrl: bot.connector.serviceUrl, tenantId: 't', userAadObjectId: dan, installedAt: bot.now.value.toISOString() });
    await alertTo('alert-fault-dead', 'Dead letter check');
    const requestsBefore = bot.connector.stats.requests;
    bot.connector.failNext(...Array.from({ length: 4 }, () => ({ status: 503 })));
    for (let i = 0; i < 4; i++) {
      await drainOutbox(bot.runtime.ctx, bot.runtime.transport, { pacer: fast(), maxAttempts: 4, sendTimeoutMs: SEND_TIMEOUT_MS });
      later(60 * 60_000);
    }
    expect(await deliveryStatus(bot.runtime.ctx, 'alert-fault-dead')).toMatchObject({ failed: 1, delivered: 0 });
    expect(bot.connector.stats.requests - requestsBefore).toBe(4);
    await drainOutbox(bot.runtime.ctx, bot.runtime.transport, { pacer: fast() });
    const told = bot.connector.sent.filter((a) => a.conversationId === 'a:dead-dan' && textOfCard(cardOf(a)).includes('could not be delivered'));
    expect(told).toHaveLength(1);
  }, 30_000);
});

describe('a process killed mid-work', () => {
  it('a fan-out whose process died mid-run (sends hanging, storage restarted) is completed by a fresh runtime: each channel once', async () => {
    const channels = await salfordChannels(20, 'kill');
    onTestFinished(() => unmap(channels));
    await alertTo('alert-fault-kill', 'Killed process fan-out check');
    // The first process: after 6 posts everything it does hangs, as if it had been killed.
    let posts = 0;
    const dying: Transport = {
      post: (target, payload, dispatch) => (++posts > 6 ? new Promise(() => {}) : bot.runtime.transport.post(target, payload, dispatch)),
      update: () => new Promise(() => {}),
    };
    void drainOutbox(bot.runtime.ctx, dying, { pacer: fast(), concurrency: 4, sendTimeoutMs: 10 * 60_000 }).catch(() => {});
    summary.killedRuns++;
    for (let i = 0; i < 50 && posts <= 6; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    expect(bot.connector.sent.filter((a) => textOfCard(cardOf(a)).includes('Killed process fan-out check'))).toHaveLength(6);

    // The machine restarts: storage too (its data is on disk), then a new process with a new runtime.
    await az.restart();
    const config = loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: az.connectionString, TABLE_PREFIX: PREFIX, PORT: '0' });
    const now = { value: new Date(bot.now.value.getTime() + 2 * 60_000) }; // the dead run's leases have run out
    const fresh = createRuntime(config, silentLogger, () => now.value);
    for (let i = 0; i < 5; i++) {
      await drainOutbox(fresh.ctx, fresh.transport, { pacer: fast(), sendTimeoutMs: SEND_TIMEOUT_MS });
      const s = await deliveryStatus(fresh.ctx, 'alert-fault-kill');
      if (s.delivered === channels.length) break;
      now.value = new Date(now.value.getTime() + 61_000);
    }
    expect(await deliveryStatus(fresh.ctx, 'alert-fault-kill')).toMatchObject({ delivered: channels.length });
    expect(tally(channels, 'Killed process fan-out check')).toEqual({ lost: 0, duplicates: 0, received: channels.length });
  }, 60_000);
});
