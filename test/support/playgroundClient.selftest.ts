import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { playgroundConfigFor } from '../../scripts/playground/people';
import { startPlayground, type RunningPlayground } from '../../scripts/playground/start';
import { PlaygroundClient, adaptiveCards } from './playgroundClient';

/**
 * Self-test of the playground tooling (start.ts, playgroundClient.ts and
 * people.ts) against the real Agents Playground, with a fake bot endpoint
 * defined here: it records what it receives and answers through the mock
 * connector the way a Bot Framework bot does. No Concordat code involved.
 *
 * Not matched by vitest.config.ts (`*.test.ts`), so `npm test` skips it. Run it with
 *   printf "export default { test: { include: ['test/support/*.selftest.ts'], testTimeout: 30000, hookTimeout: 60000 } };" > /tmp/selftest.config.mjs
 *   npx vitest run --config /tmp/selftest.config.mjs --root .
 * (about 5 s; needs no Azurite and no Concordat code).
 */

const card = (text: string) => ({
  type: 'AdaptiveCard',
  version: '1.5',
  body: [{ type: 'TextBlock', text }],
  actions: [
    { type: 'Action.Execute', title: 'Go', verb: 'go', data: { n: 1 } },
    { type: 'Action.Submit', title: 'Send', data: { kind: 'sent' } },
  ],
});

const received: Partial<Activity>[] = [];

async function reply(to: Partial<Activity>, body: Record<string, unknown>): Promise<void> {
  const conv = encodeURIComponent(to.conversation?.id ?? '');
  const res = await fetch(`${to.serviceUrl}/v3/conversations/${conv}/activities/${encodeURIComponent(to.id ?? '')}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', from: to.recipient, recipient: to.from, conversation: to.conversation, replyToId: to.id, ...body }),
  });
  if (!res.ok) throw new Error(`reply failed ${res.status} ${await res.text()}`);
}

// Fake bot: "card" -> card reply, other text -> "echo: <text> from <name>", Execute -> new card.
const fakeBot = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (c: Buffer) => (raw += c.toString()));
  req.on('end', () => {
    void (async () => {
      const a = (raw ? JSON.parse(raw) : {}) as Partial<Activity>;
      received.push(a);
      if (a.type === 'invoke' && a.name === 'adaptiveCard/action') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card(`done by ${a.from?.name}`) }));
        return;
      }
      if (a.type === 'message') {
        const text = (a.text ?? '').replace(/<at>.*?<\/at>/g, '').trim();
        if (a.value) await reply(a, { text: `submitted ${JSON.stringify(a.value)} by ${a.from?.name}` });
        else if (text === 'card') await reply(a, { attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card('a card') }] });
        else await reply(a, { text: `echo: ${text} from ${a.from?.name}` });
      }
      res.writeHead(200);
      res.end();
    })().catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
});

let tmp: string;
let pg: RunningPlayground;
let client: PlaygroundClient;

beforeAll(async () => {
  await new Promise<void>((r) => fakeBot.listen(0, '127.0.0.1', r));
  const { port } = fakeBot.address() as AddressInfo;
  tmp = mkdtempSync(path.join(os.tmpdir(), 'playground-selftest-'));
  pg = await startPlayground({ botEndpoint: `http://127.0.0.1:${port}/api/messages`, logDir: tmp, port: 0 });
  client = await PlaygroundClient.connect(pg.url);
});

afterAll(async () => {
  await client?.close();
  await pg?.stop();
  await new Promise((r) => fakeBot.close(r));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('Agents Playground tooling', () => {
  test('loads the Concordat demo tenant', () => {
    expect(client.currentUser).toMatchObject({ name: 'Priya Shah', aadObjectId: '00000000-0000-4000-8000-000000000001' });
    expect(client.config.users.map((u) => u.name)).toEqual(['Tom Bradley', 'Helen Okafor', 'Dan Whitworth', 'Aisha Rahman', 'Gareth Lowe']);
    expect(client.config.tenantId).toBe('00000000-0000-4000-8000-0000000c0dec');
    expect(client.config.groupChats[0]?.name).toBe('Brinnington joint visit');
    expect(client.config.teams[0]?.name).toBe('Stockport Community Safety');
    expect(client.channelId('General')).toBe(client.teamId);
    expect(client.channelId('Stockport Priorities and Alerts')).not.toBe(client.teamId);
  });

  test('installBot sends installationUpdate then conversationUpdate', async () => {
    await client.installBot(client.personalChatId);
    const update = await client.waitForTurn((t) => t.activity.type === 'conversationUpdate');
    expect(update.activity.membersAdded?.map((m) => m.id)).toEqual([client.currentUser.id, client.bot.id]);
    expect(client.turns().some((t) => t.activity.type === 'installationUpdate')).toBe(true);
  });

  test('personal chat message carries aadObjectId and the reply streams back', async () => {
    await client.sendMessage(client.personalChatId, 'hello');
    const turn = await client.waitForTurn((t) => t.activity.text === 'hello');
    expect(turn.statusCode).toBe(200);
    expect(turn.activity.from).toEqual({ id: client.currentUser.id, name: 'Priya Shah', aadObjectId: client.currentUser.aadObjectId });
    expect(turn.activity.conversation).toMatchObject({ id: client.personalChatId, conversationType: 'personal' });
    const m = await client.waitForMessage((e) => e.message.text === 'echo: hello from Priya Shah');
    expect(m.actionConversationId).toBe(client.personalChatId);
    expect(m.message.from.id).toBe(client.bot.id);
  });

  test('Action.Execute returns the card; Action.Submit posts the value', async () => {
    await client.sendMessage(client.personalChatId, 'card');
    const cardMsg = await client.waitForMessage((e) => adaptiveCards(e.message).length > 0);
    const res = await client.execute({ conversationId: client.personalChatId, replyToId: cardMsg.message.messageId, verb: 'go', data: { n: 1 } });
    expect(res.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(res.value)).toContain('done by Priya Shah');
    const invoke = await client.waitForTurn((t) => t.activity.type === 'invoke');
    expect(invoke.activity.value).toEqual({ action: { type: 'Action.Execute', title: 'go', verb: 'go', data: { n: 1 } } });
    expect(invoke.activity.replyToId).toBe(cardMsg.message.messageId);

    await client.submit({ conversationId: client.personalChatId, replyToId: cardMsg.message.messageId, value: { kind: 'sent' } });
    await client.waitForMessage((e) => e.message.text === 'submitted {"kind":"sent"} by Priya Shah');
  });

  test('other users: group chat, channel thread and their own 1:1 chat', async () => {
    await client.sendMessage(client.groupChatId, 'hi', { as: 'Tom', mentionBot: true });
    const g = await client.waitForMessage((e) => e.actionConversationId === client.groupChatId);
    expect(g.message.text).toBe('echo: hi from Tom Bradley');
    const gTurn = await client.waitForTurn((t) => t.activity.conversation?.id === client.groupChatId);
    expect(gTurn.activity.from?.aadObjectId).toBe('00000000-0000-4000-8000-000000000002');

    const sent = await client.sendMessage(client.channelId('Stockport Priorities and Alerts'), 'alert', { as: 'Helen', mentionBot: true });
    expect(sent.conversationId).toMatch(/^19:stockport-priorities-and-alerts@thread\.tacv2;messageid=\d+$/);
    const c = await client.waitForMessage((e) => e.actionConversationId === sent.conversationId);
    expect(c.message.text).toBe('echo: alert from Helen Okafor');

    const danChat = await client.openPersonalChat('Dan');
    await client.sendMessage(danChat, 'card', { as: 'Dan' });
    const a = await client.waitForActivity((x) => x.conversationId === danChat && adaptiveCards(x.activity).length > 0);
    const res = await client.execute({ conversationId: danChat, replyToId: a.id ?? '', verb: 'go', as: 'Dan' });
    expect(JSON.stringify(res.value)).toContain('done by Dan Whitworth');
  });

  test('a bad config fails start-up with the log tail', async () => {
    const bad = path.join(tmp, 'bad.yml');
    const { team: _dropped, ...withoutTeam } = playgroundConfigFor('priya');
    writeFileSync(bad, JSON.stringify(withoutTeam));
    await expect(
      startPlayground({ botEndpoint: 'http://127.0.0.1:9/api/messages', logDir: path.join(tmp, 'bad'), port: 0, configPath: bad }),
    ).rejects.toThrow(/must have required property 'team'/);
  });
});
