import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../bot/kernel/logger';
import { CITY_WEST_TENANT_ID, DEMO_PEOPLE, HOST_TENANT_ID, playgroundConfigFor } from '../scripts/playground/people';
import { startDevHost, type DevHost } from '../scripts/dev-host';
import { textOfCard } from './support/botHarness';
import { adaptiveCards, PlaygroundClient, type StreamMessageEvent } from './support/playgroundClient';
import { freshStore } from './support/storage';

/**
 * "Be anyone" in `npm start`: the dev host exactly as `npm start` runs it
 * (startDevHost, the demo seed, the real timers and outbox sender), with one
 * real Agents Playground per demo person, reached through the launcher page a
 * browser uses. Each person acts only in their own playground.
 */
let dev: DevHost;
const lines: string[] = [];
const clients: PlaygroundClient[] = [];
const consoleWarn = vi.spyOn(console, 'warn');

beforeAll(async () => {
  const { connectionString, prefix } = await freshStore();
  dev = await startDevHost({
    env: { CONCORDAT_MODE: 'local', STORAGE_CONNECTION: connectionString, TABLE_PREFIX: prefix, PORT: '0', PLAYGROUND_PORT: '0' },
    root: mkdtempSync(path.join(os.tmpdir(), 'devhost-')),
    print: (line) => lines.push(line),
    logger: silentLogger,
  });
}, 120_000);

afterAll(async () => {
  consoleWarn.mockRestore();
  await Promise.all(clients.map((c) => c.close()));
  await dev?.stop();
});

/** Opens `key`'s playground the way a browser does: the launcher link redirects to it. */
async function be(key: string): Promise<PlaygroundClient> {
  const res = await fetch(`${dev.launcherUrl}/be/${key}`, { redirect: 'manual', signal: AbortSignal.timeout(90_000) });
  expect(res.status).toBe(303);
  const client = await PlaygroundClient.connect(res.headers.get('location')!);
  clients.push(client);
  return client;
}

/** The data of the first Action.Execute in `card` whose verb is `verb`. */
function actionData(card: unknown, verb: string): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown): void => {
    if (found || node === null || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'Action.Execute' && n.verb === verb) found = (n.data ?? {}) as Record<string, unknown>;
    Object.values(n).forEach(walk);
  };
  walk(card);
  if (!found) throw new Error(`no "${verb}" button on: ${textOfCard(card).slice(0, 300)}`);
  return found;
}

const cardWith = (text: string) => (e: StreamMessageEvent) => adaptiveCards(e.message).some((c) => textOfCard(c).includes(text));
const firstCard = (e: StreamMessageEvent) => adaptiveCards(e.message)[0]!;
const LONG = { timeoutMs: 60_000 };

describe('npm start lets you be anyone, one playground per person', () => {
  it('gives every demo person a playground config of their own, in their own tenant', () => {
    for (const p of DEMO_PEOPLE) {
      const config = playgroundConfigFor(p.key) as { tenantId: string; currentUser: { aadObjectId: string }; users: { id: string }[] };
      expect(config.currentUser.aadObjectId).toBe(p.aadObjectId);
      expect(config.users).toHaveLength(5);
      expect(new Set([p.aadObjectId, ...config.users.map((u) => u.id)]).size).toBe(6);
    }
    expect((playgroundConfigFor('kwame') as { tenantId: string }).tenantId).toBe(CITY_WEST_TENANT_ID);
    expect((playgroundConfigFor('maria') as { tenantId: string }).tenantId).toBe(HOST_TENANT_ID);
    expect(DEMO_PEOPLE.map((p) => p.name)).toEqual(
      expect.arrayContaining(['Priya Shah', 'Tom Bradley', 'Helen Okafor', 'Dan Whitworth', 'Aisha Rahman', 'Kwame Mensah', 'Maria Lopez', 'Sam Newton']),
    );
  });

  it('prints who is where at start-up, and the playgrounds listen on loopback only', async () => {
    expect(lines.join('\n')).toMatch(/Be anyone {4}http:\/\/127\.0\.0\.1:\d+ /);
    for (const p of DEMO_PEOPLE) expect(lines.some((l) => l.includes(p.name) && l.includes(`/be/${p.key}`))).toBe(true);
    const priya = await dev.playground('priya');
    expect(priya.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const listening = execFileSync('ss', ['-ltnH', `sport = :${priya.port}`], { encoding: 'utf8' });
    expect(listening).toMatch(new RegExp(`127\\.0\\.0\\.1:${priya.port}\\b`));
    expect(listening).not.toMatch(/(\*|0\.0\.0\.0|\[::\]):\d+/);
  });

  it("Priya reports an incident in her playground; Tom (police) acknowledges, in his, an alert Stockport Homes also sees", async () => {
    // Priya Shah, housing officer at Stockport Homes, reports from her personal chat.
    const priya = await be('priya');
    expect(priya.currentUser.name).toBe('Priya Shah');
    await priya.sendMessage(priya.personalChatId, 'report');
    const form = await priya.waitForMessage((e) => adaptiveCards(e.message).some((c) => JSON.stringify(c).includes('incident.submit')), LONG);
    const recorded = await priya.execute({
      conversationId: priya.personalChatId,
      replyToId: form.message.messageId,
      verb: 'incident.submit',
      data: {
        ...actionData(firstCard(form), 'incident.submit'),
        category: 'asb-nuisance', hateCrimeStrand: '', borough: 'stockport', area: 'Brinnington estate', postcodeDistrict: 'SK5',
        fullAddress: '', occurredDate: '2026-11-24', occurredTime: '21:30',
        summary: 'Group of youths throwing stones at passing buses near the shops.', details: '',
        victims: '0', suspects: '4', witnesses: '2', vulnerablePerson: 'false', childrenPresent: 'false', policeReference: '',
        risk: 'standard', actions: 'reported-to-police', sharedWith: 'gmp', marking: 'OFFICIAL-SENSITIVE',
      },
    });
    expect(textOfCard(recorded.value)).toMatch(/Recorded: STO-\d{4}-\d{6}/);

    // Dan Whitworth, the administrator, maps the team's alerts channel to Stockport, in his own playground.
    const dan = await be('dan');
    expect(dan.currentUser.name).toBe('Dan Whitworth');
    const channel = dan.channelId('Stockport Priorities and Alerts');
    await dan.installBot(dan.teamId);
    await dan.sendMessage(channel, 'channel settings', { mentionBot: true });
    const settings = await dan.waitForMessage((e) => e.actionConversationId.startsWith(channel) && adaptiveCards(e.message).some((c) => JSON.stringify(c).includes('channel.save')), LONG);
    // A card button in a channel thread names the thread (channel;messageid=<first post>).
    const saved = await dan.execute({ conversationId: settings.actionConversationId, replyToId: settings.message.messageId, verb: 'channel.save', data: { verb: 'channel.save', boroughs: 'stockport', themes: '' } });
    expect(textOfCard(saved.value)).toContain('Stockport');

    // Tom Bradley, police sergeant, opens the team in his playground: channel posts now show there.
    const tom = await be('tom');
    expect(tom.currentUser.name).toBe('Tom Bradley');
    expect(tom.config.tenantId).toBe(HOST_TENANT_ID);
    await tom.installBot(tom.teamId);

    // Dan raises an alert for Stockport from his personal chat.
    await dan.sendMessage(dan.personalChatId, 'alert');
    const alertForm = await dan.waitForMessage((e) => e.actionConversationId === dan.personalChatId && adaptiveCards(e.message).some((c) => JSON.stringify(c).includes('alert.submit')), LONG);
    const title = 'Closure order granted: Hollyhedge Court';
    const raised = await dan.execute({
      conversationId: dan.personalChatId,
      replyToId: alertForm.message.messageId,
      verb: 'alert.submit',
      data: {
        ...actionData(firstCard(alertForm), 'alert.submit'),
        severity: 'high', boroughs: 'stockport', theme: 'public-safety', title, expiresInDays: '7', marking: 'OFFICIAL',
        body: 'A three-month closure order was granted this morning for a flat at Hollyhedge Court, Brinnington. Expect displacement to nearby blocks.',
      },
    });
    expect(textOfCard(raised.value)).toContain('It is going to 1 channel for Stockport');

    // The outbox sender (the dev host's timer) posts it to the channel, which shows in Tom's playground.
    const posted = await tom.waitForMessage((e) => e.actionConversationId.startsWith(channel) && cardWith('PARTNERSHIP ALERT')(e), LONG);
    expect(textOfCard(firstCard(posted))).toContain('Stockport Homes'); // one of the organisations asked to acknowledge
    const ack = await tom.execute({
      conversationId: posted.message.postConversationId ?? posted.actionConversationId, // a new post is its own thread
      replyToId: posted.message.messageId,
      verb: 'alert.ack',
      data: actionData(firstCard(posted), 'alert.ack'),
    });
    expect(textOfCard(ack.value)).toMatch(/Acknowledged by 1 of \d+ organisations[\s\S]*✔ Greater Manchester Police/);

    // Back in Priya's playground: Stockport Homes sees the alert and GMP's acknowledgement.
    await priya.sendMessage(priya.personalChatId, 'alerts');
    const list = await priya.waitForMessage(cardWith('Recent alerts'), LONG);
    // The alert's headline, then where and when and its delivery, then who has acknowledged: one line each.
    expect(textOfCard(firstCard(list))).toMatch(new RegExp(`${title}\\n(?:[^\\n]*\\n){0,2}1/\\d+ acknowledged`));
  }, 300_000);

  it('says nothing about a missing bot app id when the bot is added to a team', () => {
    // Installing in a team looked up its channels through a proactive turn, which warned on every local install.
    expect(consoleWarn.mock.calls.map((c) => c.join(' ')).filter((l) => l.includes('botAppId'))).toEqual([]);
  });
});
