import { activityFrom, DAN, type BotHarness } from './botHarness';

export const TEAM = { id: '19:stockport-team@thread.tacv2', name: 'Stockport Community Safety' };
export const ALERTS_CHANNEL = { id: '19:stockport-alerts@thread.tacv2', name: 'Stockport Priorities and Alerts' };

export function inChannel(channelId: string) {
  return { id: channelId, conversationType: 'channel' as const, teamId: TEAM.id, channelId, teamName: TEAM.name };
}

/** Installs the bot in the Stockport team and has the admin map a channel, as a Teams admin would. */
export async function installAndMapChannel(bot: BotHarness, boroughs = 'stockport', channel = ALERTS_CHANNEL): Promise<void> {
  bot.connector.channels = [{ id: TEAM.id }, { id: channel.id, name: channel.name }];
  await bot.post(
    activityFrom(bot.connector.serviceUrl, DAN, inChannel(TEAM.id), {
      type: 'conversationUpdate',
      membersAdded: [{ id: '28:concordat-bot' }],
    }),
  );
  const res = await bot.post(
    activityFrom(bot.connector.serviceUrl, DAN, inChannel(channel.id), {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'channel.save', data: { verb: 'channel.save', boroughs, themes: '' } } },
    }),
  );
  if (res.status !== 200) throw new Error(`mapping failed: ${res.status}`);
}

export function execute(bot: BotHarness, user: Parameters<BotHarness['say']>[0], conversation: Parameters<typeof activityFrom>[2], verb: string, data: Record<string, unknown>) {
  return bot.post(
    activityFrom(bot.connector.serviceUrl, user, conversation, {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual' },
    }),
  );
}
