import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainOutbox } from '../bot/outbox/sender';
import { detectHotspots } from '../bot/warnings/detect';
import { activityFrom, cardOf, personalChat, PRIYA, startBotHarness, textOfCard, type BotHarness } from './support/botHarness';
import { newSubmissionId, pressButton, reportForm } from './support/botTurns';
import { ALERTS_CHANNEL, installAndMapChannel } from './support/teamSetup';

/**
 * A deployment configured for another time zone (TIME_ZONE=America/New_York). Incidents are kept in borough-week
 * partitions; the week must be worked out in the one configured zone everywhere (bot/incidents/tables.ts), or a
 * Sunday-evening incident is written to one week and looked for in another. Before the fix (cc84396) the store
 * keyed rows by the London week while hotspot detection read the weeks of the configured zone: on a Sunday evening
 * in New York (already Monday, the next ISO week, in London) that evening's reports were in a partition the
 * detector did not read, and no warning was raised.
 */
const ZONE = 'America/New_York';
// Sunday 29 November 2026, 22:30 in New York (03:30 UTC on Monday 30 November: ISO week 49 in London, 48 in New York).
const START = new Date('2026-11-30T03:30:00Z');

let bot: BotHarness;
beforeAll(async () => {
  bot = await startBotHarness({ start: START, env: { TIME_ZONE: ZONE } });
  await installAndMapChannel(bot, 'stockport');
  await bot.post(activityFrom(bot.connector.serviceUrl, PRIYA, personalChat(PRIYA), { type: 'installationUpdate', action: 'add' }));
});
afterAll(async () => bot?.close());

const invoke = (verb: string, data: Record<string, unknown>) => pressButton(bot, PRIYA, verb, data);

describe(`with TIME_ZONE=${ZONE}`, () => {
  it('Sunday-evening reports (Monday morning in London) raise a hotspot warning that evening, and its "Show incidents" lists every one', async () => {
    expect(bot.runtime.ctx.config.timeZone).toBe(ZONE);
    // Sunday 29 November, 20:00 to 22:00 in New York: 01:00 to 03:00 on Monday 30 November in UTC and London,
    // so the ISO week differs (2026-W48 in New York, 2026-W49 in London). The hotspot run follows at 22:30.
    const references: string[] = [];
    for (const time of ['20:00', '20:30', '21:00', '21:30', '22:00']) {
      const card = await invoke('incident.submit', {
        submissionId: newSubmissionId(),
        ...reportForm({ occurredDate: '2026-11-29', occurredTime: time, sharedWith: 'gmp' }),
      });
      const m = /Recorded: ([A-Z]{3}-\d{4}-\d{6})/.exec(textOfCard(card));
      expect(m, textOfCard(card).slice(0, 300)).not.toBeNull();
      references.push(m![1]!);
    }

    const before = bot.connector.sent.length;
    const { raised } = await detectHotspots(bot.runtime.ctx, { boroughs: ['stockport'] });
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ count: 5, area: 'Brinnington estate', postcodeDistrict: 'SK5' });
    await drainOutbox(bot.runtime.ctx, bot.runtime.transport, { sendTimeoutMs: 2000 });
    const channelCard = bot.connector.sent
      .slice(before)
      .filter((a) => a.conversationId === ALERTS_CHANNEL.id)
      .map(cardOf)
      .find((c) => textOfCard(c).includes('Brinnington estate'));
    expect(channelCard).toBeDefined();
    const show = (channelCard.actions as { verb: string; data: Record<string, unknown> }[]).find((a) => a.verb === 'hotspot.incidents')!;

    // "Show incidents", pressed by the reporter in her private chat: every one of the five is listed.
    const list = textOfCard(await invoke('hotspot.incidents', show.data));
    for (const reference of references) expect(list).toContain(reference);
  });
});
