/**
 * The Bot Framework adapter (bot/teams/adapter.ts) makes one ConnectorClient per service URL and shares it: botbuilder
 * would build a new one, HTTP pipeline and all, for every activity and every send, which measured about a tenth of a
 * search turn's CPU. Credentials inside a client get and refresh their token per request, so sharing it is safe.
 */
import { describe, expect, it } from 'vitest';
import type { TurnContext } from 'botbuilder';
import { createAdapter } from '../bot/teams/adapter';
import { loadConfig } from '../bot/kernel/config';

const activity = (serviceUrl: string) => ({
  type: 'message',
  id: 'a1',
  channelId: 'msteams',
  serviceUrl,
  from: { id: '29:someone' },
  recipient: { id: '28:bot' },
  conversation: { id: 'a:chat' },
  text: 'hi',
});

describe('the connector client a turn is given', () => {
  it('is one per service URL (and audience), shared by every turn, and one shared by every send', async () => {
    const adapter = createAdapter(loadConfig({ CONCORDAT_MODE: 'local' }));
    const clientOf = async (run: (logic: (c: TurnContext) => Promise<void>) => Promise<void>) => {
      let client: unknown;
      await run(async (c) => void (client = c.turnState.get(adapter.ConnectorClientKey)));
      expect(client).toBeDefined();
      return client;
    };
    const emea = 'https://smba.trafficmanager.net/emea/';
    const first = await clientOf((logic) => adapter.processActivityDirect('', activity(emea) as never, logic));
    const second = await clientOf((logic) => adapter.processActivityDirect('', activity(emea) as never, logic));
    const sendTo = (serviceUrl: string) => clientOf((logic) => adapter.continueConversationAsync('', { ...activity(serviceUrl), bot: { id: '28:bot' } } as never, logic));
    const send = await sendTo(emea);
    const sendAgain = await sendTo(emea);
    const elsewhere = await clientOf((logic) => adapter.processActivityDirect('', activity('https://smba.trafficmanager.net/amer/') as never, logic));
    expect(second).toBe(first);
    // A send is made for the channel's audience, so it has a client of its own, shared by every send.
    expect(sendAgain).toBe(send);
    expect(elsewhere).not.toBe(first);
    expect((elsewhere as { baseUri?: string }).baseUri).toBe('https://smba.trafficmanager.net/amer/');
  });
});
