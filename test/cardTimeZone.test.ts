import { describe, expect, it } from 'vitest';
import { Pacer } from '../bot/outbox/pacer';
import type { Directory as OperationsDirectory } from '../bot/operations/repository';
import { scheduleFormCard } from '../bot/operations/views';
import { DEMO_MEMBERS, DEMO_ORGANISATIONS } from './support/demoDirectory';
import { validateAdaptiveCard } from './support/schemas';
import { drainOutbox } from '../bot/outbox/sender';
import { activityFrom, cardOf, personalChat, PRIYA, textOfCard, type BotHarness } from './support/botHarness';
import { twoDeployments } from './support/deployments';
import { ALERTS_CHANNEL, execute, inChannel, installAndMapChannel } from './support/teamSetup';

/**
 * Cards show times as people in the deployment's configured zone (TIME_ZONE) read them, never London's by default:
 * the views format with ctx.config.timeZone (bot/common/dates.ts) and the cards take the words. The same alert,
 * raised at the same instant, read in a London deployment and in a New York one.
 */
const TOM = { id: '29:tom', aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley' }; // may raise alerts
const HELEN = { id: '29:helen', aadObjectId: '00000000-0000-4000-8000-000000000003', name: 'Helen Okafor' }; // a theme lead
// Monday 30 November 2026, 15:00 UTC: 15:00 in London, 10:00 in New York.
const RAISED = new Date('2026-11-30T15:00:00Z');
// Tuesday 1 December, 02:00 UTC: the next day in London, still Monday evening (21:00) in New York.
const ACKNOWLEDGED = new Date('2026-12-01T02:00:00Z');

const fast = () => new Pacer({ perSecond: 1000, perConversationPerSecond: 1000, perConversationPer30s: 10_000 });
const form = {
  severity: 'warning',
  boroughs: 'stockport',
  theme: 'public-safety',
  title: 'Closure order granted: Hollyhedge Court',
  body: 'A three-month closure order was granted this morning for a flat at Hollyhedge Court, Brinnington.',
  expiresInDays: '7',
  marking: 'OFFICIAL',
};

async function prepare(bot: BotHarness): Promise<void> {
  await installAndMapChannel(bot);
  for (const user of [TOM, HELEN]) {
    await bot.post(activityFrom(bot.connector.serviceUrl, user, personalChat(user), { type: 'installationUpdate', action: 'add' }));
  }
}

/** Raises the alert at RAISED, has Stockport Homes acknowledge it at ACKNOWLEDGED: the channel's card, as it stands. */
async function alertCardIn(bot: BotHarness): Promise<string> {
  const opened = await execute(bot, TOM, personalChat(TOM), 'alert', {});
  await execute(bot, TOM, personalChat(TOM), 'alert.submit', { submissionId: opened.body.value.actions[0].data.submissionId, ...form });
  await drainOutbox(bot.runtime.ctx, bot.runtime.transport, { pacer: fast() });
  const posted = bot.connector.sent.find((a) => a.conversationId === ALERTS_CHANNEL.id && textOfCard(cardOf(a)).includes(form.title))!;
  bot.now.value = ACKNOWLEDGED;
  const ack = await execute(bot, PRIYA, inChannel(ALERTS_CHANNEL.id), 'alert.ack', { alertId: cardOf(posted).actions[0].data.alertId });
  expect(ack.status).toBe(200);
  return textOfCard(ack.body.value);
}

async function digestFootnoteIn(bot: BotHarness): Promise<string> {
  const before = bot.connector.sent.length;
  await bot.say(HELEN, 'digest now');
  const sent = await bot.connector.waitFor((a) => a.conversationId === personalChat(HELEN).id && bot.connector.sent.indexOf(a) >= before && cardOf(a) !== undefined);
  return textOfCard(cardOf(sent));
}

describe('times on cards, in the configured zone', () => {
  const zones = twoDeployments(RAISED, prepare);

  it('an alert card says when it was raised, when it expires and when each organisation acknowledged, in the zone', async () => {
    const [inLondon, inNewYork] = await Promise.all([alertCardIn(zones.london), alertCardIn(zones.newYork)]);
    expect(inLondon).toMatch(/Raised\nMon 30 Nov 15:00 by /);
    expect(inLondon).toMatch(/Expires\nMon 7 Dec 15:00/);
    // Acknowledged the next day in London: the day is named.
    expect(inLondon).toContain('✔ Stockport Homes (02:00)');
    expect(inLondon).toContain('Your organisation acknowledged at Tue 1 Dec 02:00.');

    expect(inNewYork).toMatch(/Raised\nMon 30 Nov 10:00 by /);
    expect(inNewYork).toMatch(/Expires\nMon 7 Dec 10:00/);
    // The same evening in New York: the time alone.
    expect(inNewYork).toContain('✔ Stockport Homes (21:00)');
    expect(inNewYork).toContain('Your organisation acknowledged at 21:00.');
  }, 60_000);

  it("a digest says which zone its weeks run in: UK time in London, the zone's name elsewhere", async () => {
    const [inLondon, inNewYork] = await Promise.all([digestFootnoteIn(zones.london), digestFootnoteIn(zones.newYork)]);
    expect(inLondon).toContain('Weeks run Monday to Sunday, UK time.');
    expect(inNewYork).toContain('Weeks run Monday to Sunday, America/New_York.');
    expect(inNewYork).not.toContain('UK time');
  }, 60_000);
});

describe("the operation form's note on the clock change, in the zone's words", () => {
  const dir: OperationsDirectory = { organisations: new Map(DEMO_ORGANISATIONS.map((o) => [o.id, o])), members: new Map(DEMO_MEMBERS.map((m) => [m.aadObjectId, m])) };
  const noteIn = (timeZone: string) => {
    const card = scheduleFormCard(dir, timeZone, RAISED);
    expect(validateAdaptiveCard(card)).toEqual([]);
    return textOfCard(card);
  };

  it('names the hour read twice when the clocks go back, and the time taken, as the zone calls it; nothing where clocks never change', () => {
    expect(noteIn('Europe/London')).toContain('Times are UK time. When the clocks go back, 01:00–01:59 happens twice: the first (BST) is taken.');
    const newYork = noteIn('America/New_York');
    expect(newYork).toContain('Times are America/New_York. When the clocks go back, 01:00–01:59 happens twice: the first (EDT) is taken.');
    expect(newYork).not.toContain('BST');
    // Sydney goes back in April, from 03:00 daylight time to 02:00: the hour from 02:00 is read twice.
    expect(noteIn('Australia/Sydney')).toMatch(/When the clocks go back, 02:00–02:59 happens twice: the first \((AEDT|summer time, GMT\+11)\) is taken\./);
    const tokyo = noteIn('Asia/Tokyo');
    expect(tokyo).toContain('Times are Asia/Tokyo. OFFICIAL-SENSITIVE');
    expect(tokyo).not.toContain('clocks go back');
  });
});
