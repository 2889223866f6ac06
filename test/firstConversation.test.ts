import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityFrom, cardOf, DAN, personalChat, PRIYA, STRANGER, startBotHarness, textOfCard, type BotHarness } from './support/botHarness';

let bot: BotHarness;
beforeAll(async () => {
  bot = await startBotHarness();
});
afterAll(async () => bot?.close());

const lastCardTo = async (conversationId: string, after: number) => {
  const sent = await bot.connector.waitFor((a) => a.conversationId === conversationId && bot.connector.sent.indexOf(a) >= after);
  return cardOf(sent);
};

describe('the first conversation with Concordat', () => {
  it('answers "help" with a card listing what a registered member can do, in their words', async () => {
    const before = bot.connector.sent.length;
    const res = await bot.say(PRIYA, 'help');
    expect(res.status).toBe(200);
    const card = await lastCardTo(personalChat(PRIYA).id, before);
    expect(card.type).toBe('AdaptiveCard');
    const text = textOfCard(card);
    expect(text).toContain('Hello Priya Shah — Stockport Homes · Partner staff');
    expect(text).toContain('What Concordat can do for you');
  });

  it('tells someone who is not registered how to get access, rather than failing', async () => {
    const before = bot.connector.sent.length;
    await bot.say(STRANGER, 'HELP ');
    const text = textOfCard(await lastCardTo(personalChat(STRANGER).id, before));
    expect(text).toContain('not registered with the concordat');
    expect(text).toContain('Hello Sam Stranger');
  });

  it('answers text it does not understand helpfully, not with silence', async () => {
    const before = bot.connector.sent.length;
    await bot.say(DAN, 'what is going on in Stockport?');
    const card = await lastCardTo(personalChat(DAN).id, before);
    expect(textOfCard(card)).toMatch(/I didn't understand "what is going on in Stockport\?"[\s\S]*\*\*help\*\*/);
    expect(card.actions).toEqual([expect.objectContaining({ type: 'Action.Execute', verb: 'help' })]);
  });

  it('answers the "Show help" button (Action.Execute) with the help card in the invoke response', async () => {
    const res = await bot.post(
      activityFrom(bot.connector.serviceUrl, DAN, personalChat(DAN), {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb: 'help', data: { verb: 'help' } }, trigger: 'manual' },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(textOfCard(res.body.value)).toContain('Stockport Council · Partner staff, Administrator, Theme lead');
  });

  it('records a team and its channels when installed there, and welcomes it once even if Teams redelivers', async () => {
    bot.connector.channels = [
      { id: '19:general@thread.tacv2' },
      { id: '19:alerts@thread.tacv2', name: 'Stockport Priorities and Alerts' },
    ];
    const team = { id: '19:general@thread.tacv2', conversationType: 'channel' as const, teamId: '19:general@thread.tacv2', channelId: '19:general@thread.tacv2', teamName: 'Stockport Community Safety' };
    const install = activityFrom(bot.connector.serviceUrl, DAN, team, {
      type: 'conversationUpdate',
      membersAdded: [{ id: '28:concordat-bot' }],
      channelData: { tenant: { id: '00000000-0000-4000-8000-0000000c0dec' }, team: { id: team.teamId, name: team.teamName }, eventType: 'teamMemberAdded' },
    });
    await bot.post(install);
    await bot.post({ ...install, id: 'redelivered' });

    const welcomes = bot.connector.sent.filter((a) => a.conversationId === team.id && textOfCard(cardOf(a)).includes('Concordat is here'));
    expect(welcomes).toHaveLength(1);
    expect(textOfCard(cardOf(welcomes[0]!))).toContain('added to Stockport Community Safety');

    const channels = await bot.runtime.ctx.store.conversations.listPartition('channel');
    expect(channels.map((c) => c.value).filter((c) => c.kind === 'channel').map((c) => [c.channelId, c.channelName]).sort()).toEqual([
      ['19:alerts@thread.tacv2', 'Stockport Priorities and Alerts'],
      ['19:general@thread.tacv2', 'General'],
    ]);
  });

  it('records a personal installation with the user, so reminders can reach them later', async () => {
    await bot.post(
      activityFrom(bot.connector.serviceUrl, PRIYA, personalChat(PRIYA), { type: 'installationUpdate', action: 'add' }),
    );
    const personal = await bot.runtime.ctx.store.conversations.listPartition('personal');
    expect(personal.map((p) => p.value)).toContainEqual(
      expect.objectContaining({ kind: 'personal', userAadObjectId: PRIYA.aadObjectId, conversationId: personalChat(PRIYA).id }),
    );
  });
});
