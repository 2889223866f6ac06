/**
 * The directory's cards say when things happened as people in the deployment's configured zone (TIME_ZONE) read
 * them, as every other card does (test/cardTimeZone.test.ts): a request to join, its approval, the people list,
 * the access review's joined dates and deadline, its closing. The same story, at the same instants, in a London
 * deployment and in a New York one.
 */
import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { DIRECTORY_VERBS } from '../bot/directory/verbs';
import { drainOutbox } from '../bot/outbox/sender';
import { accessReview } from '../functions/accessReview';
import { activityFrom, cardOf, DAN, MARIA, personalChat, SAM, textOfCard, type BotHarness } from './support/botHarness';
import { twoDeployments } from './support/deployments';
import { validateAdaptiveCard } from './support/schemas';
import { execute } from './support/teamSetup';

// Tuesday 1 December 2026, 02:00 UTC: 02:00 that Tuesday in London, still Monday 30 November (21:00) in New York.
const ASKED = new Date('2026-12-01T02:00:00Z');
// The review opens three months after Sam joined; its deadline, 14 days on, is 03:00 UTC on Monday 15 March 2027:
// in New York (daylight time from 14 March) still Sunday the 14th, 23:00.
const REVIEW_OPENS = '2027-03-01T03:00:00Z';
const DEADLINE = '2027-03-15T03:00:00Z';

async function prepare(bot: BotHarness): Promise<void> {
  for (const user of [MARIA, DAN]) await bot.post(activityFrom(bot.connector.serviceUrl, user, personalChat(user), { type: 'installationUpdate', action: 'add' }));
  bot.connector.members[SAM.id] = { id: SAM.id, name: SAM.name, aadObjectId: SAM.aadObjectId, email: 'sam.newton@stockporthomes.org.uk', userPrincipalName: 'sam.newton@stockporthomes.org.uk' };
}

async function press(bot: BotHarness, user: typeof SAM, verb: string, data: Record<string, unknown>): Promise<any> {
  const res = await execute(bot, user, personalChat(user), verb, data);
  expect(res.status).toBe(200);
  const card = res.body.value;
  expect(validateAdaptiveCard(card)).toEqual([]);
  return card;
}
async function say(bot: BotHarness, user: typeof SAM, text: string): Promise<string> {
  const before = bot.connector.sent.length;
  await bot.post(activityFrom(bot.connector.serviceUrl, user, personalChat(user), { type: 'message', text }));
  const reply = await bot.connector.waitFor((a) => a.conversationId === personalChat(user).id && bot.connector.sent.indexOf(a) >= before && cardOf(a) !== undefined);
  expect(validateAdaptiveCard(cardOf(reply))).toEqual([]);
  return textOfCard(cardOf(reply));
}
async function drain(bot: BotHarness) {
  await drainOutbox(bot.runtime.ctx, bot.runtime.transport, { sendTimeoutMs: 2000 });
}
async function runReview(bot: BotHarness, at: string) {
  bot.now.value = new Date(at);
  await accessReview({ isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } }, new InvocationContext({ functionName: 'accessReview' }), bot.runtime);
  await drain(bot);
}
const cardsTo = (bot: BotHarness, user: typeof SAM, since: number) =>
  bot.connector.sent.slice(since).filter((a) => a.conversationId === personalChat(user).id).map((a) => {
    expect(validateAdaptiveCard(cardOf(a))).toEqual([]);
    return textOfCard(cardOf(a));
  });

/** Everything the story shows with a time in it, in order. */
async function story(bot: BotHarness) {
  // Sam asks to join Stockport Homes; while it waits, that is all he sees.
  await press(bot, SAM, DIRECTORY_VERBS.request, { organisationId: 'stockport-homes', role: 'staff', jobTitle: 'Housing officer', reason: 'I work ASB cases on the Brinnington estate' });
  const waiting = await say(bot, SAM, 'help');
  let since = bot.connector.sent.length;
  await drain(bot);
  const [decision] = cardsTo(bot, MARIA, since).filter((t) => t.includes('Sam Newton asks to join'));
  const people = await say(bot, MARIA, 'people');
  const approved = textOfCard(await press(bot, MARIA, DIRECTORY_VERBS.approve, { requester: SAM.aadObjectId, roles: 'staff', themes: '' }));

  since = bot.connector.sent.length;
  await runReview(bot, REVIEW_OPENS);
  const [review] = cardsTo(bot, MARIA, since).filter((t) => t.includes('Access review: Stockport Homes'));
  since = bot.connector.sent.length;
  await runReview(bot, DEADLINE);
  const [told] = cardsTo(bot, DAN, since).filter((t) => t.includes('suspended at Stockport Homes'));
  const closed = textOfCard(await press(bot, MARIA, DIRECTORY_VERBS.reviewConfirm, { organisationId: 'stockport-homes', round: '2027-03', member: SAM.aadObjectId }));
  return { waiting, decision: decision!, people, approved, review: review!, told: told!, closed };
}

describe("the directory's cards, in the configured zone", () => {
  const zones = twoDeployments(ASKED, prepare);

  it('a request to join, its approval, the people list and the access review say the day (and time) as the zone reads them', async () => {
    const [inLondon, inNewYork] = await Promise.all([story(zones.london), story(zones.newYork)]);

    expect(inLondon.waiting).toContain('You asked on 1 December 2026 to join');
    expect(inNewYork.waiting).toContain('You asked on 30 November 2026 to join');

    expect(inLondon.decision).toContain('**Asked on:** Tue 1 Dec 02:00');
    expect(inNewYork.decision).toContain('**Asked on:** Mon 30 Nov 21:00');

    expect(inLondon.people).toContain('asked 1 December 2026');
    expect(inNewYork.people).toContain('asked 30 November 2026');

    expect(inLondon.approved).toContain('Approved on 1 December 2026: Sam Newton is now Partner staff');
    expect(inNewYork.approved).toContain('Approved on 30 November 2026: Sam Newton is now Partner staff');

    expect(inLondon.review).toContain('Sam Newton\nPartner staff · Housing officer · joined 1 December 2026');
    expect(inLondon.review).toContain('Anyone not confirmed by 15 March 2027 is suspended');
    expect(inNewYork.review).toContain('Sam Newton\nPartner staff · Housing officer · joined 30 November 2026');
    expect(inNewYork.review).toContain('Anyone not confirmed by 14 March 2027 is suspended');

    expect(inLondon.told).toContain('Not confirmed by 15 March 2027, so suspended: Sam Newton.');
    expect(inNewYork.told).toContain('Not confirmed by 14 March 2027, so suspended: Sam Newton.');

    expect(inLondon.closed).toContain('Closed 15 March 2027.');
    expect(inNewYork.closed).toContain('Closed 14 March 2027.');
  }, 120_000);
});
