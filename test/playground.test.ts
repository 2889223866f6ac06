import path from 'node:path';
import os from 'node:os';
import { mkdtempSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../bot/kernel/config';
import { silentLogger } from '../bot/kernel/logger';
import { createRuntime } from '../bot/runtime';
import { applyDemoPartnershipIfEmpty } from '../scripts/demoPartnership';
import { startLocalHost, type LocalHost } from '../scripts/localFunctionsHost';
import { startPlayground, type RunningPlayground } from '../scripts/playground/start';
import { textOfCard } from './support/botHarness';
import { adaptiveCards, PlaygroundClient } from './support/playgroundClient';
import { freshStore } from './support/storage';

/**
 * The product as a newcomer meets it: the real Microsoft 365 Agents
 * Playground in front of the real bot handlers, driven over the same HTTP
 * and WebSocket calls its web page makes.
 */
let host: LocalHost;
let playground: RunningPlayground;
let client: PlaygroundClient;

beforeAll(async () => {
  const { connectionString, prefix } = await freshStore();
  const runtime = createRuntime(loadConfig({ CONCORDAT_MODE: 'local', STORAGE_CONNECTION: connectionString, TABLE_PREFIX: prefix }), silentLogger);
  await applyDemoPartnershipIfEmpty(runtime.ctx);
  await runtime.teams(); // loaded in set-up, as a warm host has it (bot/runtime.ts loads it on the first bot call)
  host = await startLocalHost(runtime, { host: '127.0.0.1', port: 0 });
  playground = await startPlayground({ botEndpoint: `${host.url}/api/messages`, port: 0, logDir: mkdtempSync(path.join(os.tmpdir(), 'playground-')) });
  client = await PlaygroundClient.connect(playground.url);
}, 60_000);

afterAll(async () => {
  await client?.close();
  await playground?.stop();
  await host?.close();
});

describe('Concordat in the Agents Playground', () => {
  it('installing the bot in the personal chat posts the welcome card', async () => {
    await client.installBot(client.personalChatId);
    const welcome = await client.waitForMessage((e) => adaptiveCards(e.message).some((c) => textOfCard(c).includes('Concordat is here')), { timeoutMs: 15_000 });
    expect(welcome.actionConversationId).toBe(client.personalChatId);
  });

  it('answers "help" with the help card for Priya Shah of Stockport Homes', async () => {
    await client.sendMessage(client.personalChatId, 'help');
    const reply = await client.waitForMessage((e) => adaptiveCards(e.message).length > 0 && textOfCard(adaptiveCards(e.message)[0]).includes('You can:'), { timeoutMs: 15_000 });
    const text = textOfCard(adaptiveCards(reply.message)[0]);
    expect(text).toContain('Hello Priya Shah — Stockport Homes · Partner staff');
    expect(text).toContain('priorities');
  });

  it('answers an @mention in a channel, and a card button (Action.Execute) with a card', async () => {
    const channel = client.channelId('Stockport Priorities and Alerts');
    await client.sendMessage(channel, 'what is this?', { mentionBot: true });
    const reply = await client.waitForActivity((a) => adaptiveCards(a.activity).some((c) => textOfCard(c).includes("I didn't understand")), { timeoutMs: 15_000 });
    expect(reply.conversationId.startsWith(channel)).toBe(true);
    await client.sendMessage(client.personalChatId, 'help');
    const card = await client.waitForMessage((e) => adaptiveCards(e.message).some((c) => textOfCard(c).includes('You can:')), { timeoutMs: 15_000 });
    const res = await client.execute({ conversationId: client.personalChatId, replyToId: card.message.messageId, verb: 'help', data: { verb: 'help' } });
    expect(res.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(textOfCard(res.value)).toContain('Hello Priya Shah');
  });
});
