import { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDirectoryFile } from '../bot/directory/apply';
import { findMember, latestReview } from '../bot/directory/repository';
import { drainOutbox } from '../bot/outbox/sender';
import { accessReview } from '../functions/accessReview';
import { activityFrom, DAN, MARIA, personalChat, startBotHarness, textOfCard, type BotHarness } from './support/botHarness';
import { pressButton } from './support/botTurns';
import { auditOf } from './support/audit';

/**
 * An attacker's look at the access review's decisions: buttons of a round that has passed its deadline, pressed
 * by an approver of another organisation, or naming people who are not in the round. A review decides who keeps
 * access to criminal-offence data, so a decision counts only from whom, when and for whom the round allows.
 */

const HOST = '00000000-0000-4000-8000-0000000c0dec';
const ANA = { id: '29:ana', aadObjectId: '00000000-0000-4000-8000-0000000000d1', name: 'Ana Costa' };
const BEN = { id: '29:ben', aadObjectId: '00000000-0000-4000-8000-0000000000d2', name: 'Ben Hughes' };
const CAL = { id: '29:cal', aadObjectId: '00000000-0000-4000-8000-0000000000d3', name: 'Cal Ortiz' }; // Salix Homes
/** Salix Homes' approver (orgLead). */
const ROSA = { id: '29:rosa', aadObjectId: '00000000-0000-4000-8000-0000000000ab', name: 'Rosa Vance' };

let bot: BotHarness;
const ctx = () => bot.runtime.ctx;
const ROUND = { organisationId: 'stockport-homes', round: '2027-02' };

beforeAll(async () => {
  bot = await startBotHarness({ start: new Date('2026-11-25T10:00:00Z') });
  const file = (organisation: string, people: (typeof ANA)[]) =>
    applyDirectoryFile(ctx(), { schema: 'concordat.people/v1', organisation, people: people.map((p) => ({ aadObjectId: p.aadObjectId, tenantId: HOST, displayName: p.name, roles: ['staff'] })) }, { aadObjectId: DAN.aadObjectId });
  expect((await file('stockport-homes', [ANA, BEN])).ok).toBe(true);
  expect((await file('salix-homes', [CAL])).ok).toBe(true);
  await ctx().store.members.upsert({ aadObjectId: ROSA.aadObjectId, displayName: ROSA.name, organisationId: 'salix-homes', roles: ['staff', 'orgLead'], tenantId: HOST });
  for (const user of [MARIA, DAN, ROSA]) await bot.post(activityFrom(bot.connector.serviceUrl, user, personalChat(user), { type: 'installationUpdate', action: 'add' }));
  // The round opens on 26 February 2027, due by 12 March 06:00.
  await runTimer('2027-02-26T06:00:00Z');
  expect((await latestReview(ctx(), 'stockport-homes'))?.value).toMatchObject({ round: '2027-02', deadline: '2027-03-12T06:00:00.000Z' });
}, 60_000);
afterAll(async () => bot?.close());

async function runTimer(at: string): Promise<void> {
  bot.now.value = new Date(at);
  await accessReview({ isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } }, new InvocationContext({ functionName: 'accessReview', logHandler: () => undefined }), bot.runtime);
  await drainOutbox(ctx(), bot.runtime.transport, { sendTimeoutMs: 2000 });
}
const statusOf = async (u: typeof ANA) => (await findMember(ctx(), u.aadObjectId))?.value.status ?? 'gone';

describe('access review decisions count only from the right approver, in time, for people of the round', () => {
  it("an approver of another organisation cannot confirm or remove this organisation's people, and is logged", async () => {
    bot.now.value = new Date('2027-02-27T09:00:00Z');
    const refused = await pressButton(bot, ROSA, 'review.remove', { ...ROUND, member: ANA.aadObjectId });
    expect(textOfCard(refused)).toContain('Not yours to review');
    expect(await statusOf(ANA)).toBe('active');
    const refusals = await auditOf(ctx().store, `directory:review:stockport-homes:2027-02`);
    expect(refusals.map((e) => [e.action, e.actor.aadObjectId])).toContainEqual(['refusal', ROSA.aadObjectId]);
  });

  it("naming someone of another organisation in this round's button removes nobody", async () => {
    const card = await pressButton(bot, MARIA, 'review.remove', { ...ROUND, member: CAL.aadObjectId });
    expect(textOfCard(card)).toContain('0 removed');
    expect(await statusOf(CAL)).toBe('active');
    const all = await pressButton(bot, MARIA, 'review.confirmAll', { ...ROUND, members: [CAL.aadObjectId, 'not-an-id', `${ANA.aadObjectId}`.repeat(3)].join(',') });
    expect(textOfCard(all)).toContain('0 confirmed');
  });

  it('a confirmation pressed after the deadline, before the daily run closes the round, does not keep someone the round suspends', async () => {
    bot.now.value = new Date('2027-03-12T06:00:01Z'); // past the deadline; the 06:00 run is late today
    const late = await pressButton(bot, MARIA, 'review.confirm', { ...ROUND, member: BEN.aadObjectId });
    expect(textOfCard(late)).toMatch(/closed at its deadline/);
    // Removing someone late still takes effect: it only ever takes access away.
    expect(textOfCard(await pressButton(bot, MARIA, 'review.remove', { ...ROUND, member: ANA.aadObjectId }))).toContain('1 removed');
    await runTimer('2027-03-12T06:05:00Z');
    expect(await statusOf(BEN)).toBe('suspended');
    expect(await statusOf(ANA)).toBe('gone');
  });
});
