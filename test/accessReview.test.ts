/**
 * The access review, on its timer, with the clock injected.
 *
 * Every quarter (the demo file's setting) each organisation's approvers get a
 * card listing the members admitted in Teams or in bulk, to confirm or
 * remove. Whoever is still unconfirmed 14 days later is suspended, and the
 * concordat administrators are told.
 */
import { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDirectoryFile } from '../bot/directory/apply';
import { findMember, latestReview } from '../bot/directory/repository';
import { reviewEntriesPartition } from '../bot/directory/tables';
import { drainOutbox } from '../bot/outbox/sender';
import { accessReview } from '../functions/accessReview';
import { TIMER_FUNCTIONS } from '../functions/registry';
import { activityFrom, cardOf, DAN, MARIA, personalChat, startBotHarness, textOfCard, type BotHarness } from './support/botHarness';
import { execute } from './support/teamSetup';
import { validateAdaptiveCard } from './support/schemas';
import { auditOf } from './support/audit';

const HOST = '00000000-0000-4000-8000-0000000c0dec';
const ANA = { id: '29:ana', aadObjectId: '00000000-0000-4000-8000-0000000000d1', name: 'Ana Costa' };
const BEN = { id: '29:ben', aadObjectId: '00000000-0000-4000-8000-0000000000d2', name: 'Ben Hughes' };

let bot: BotHarness;
beforeAll(async () => {
  bot = await startBotHarness({ start: new Date('2026-11-25T10:00:00Z') });
  const onboarded = await applyDirectoryFile(
    bot.runtime.ctx,
    { schema: 'concordat.people/v1', organisation: 'stockport-homes', people: [ANA, BEN].map((p) => ({ aadObjectId: p.aadObjectId, tenantId: HOST, displayName: p.name, roles: ['staff'] })) },
    { aadObjectId: DAN.aadObjectId },
  );
  expect(onboarded.ok).toBe(true);
  for (const user of [MARIA, DAN]) await bot.post(activityFrom(bot.connector.serviceUrl, user, personalChat(user), { type: 'installationUpdate', action: 'add' }));
});
afterAll(async () => bot?.close());

const ctx = () => bot.runtime.ctx;
const runTimer = async (at: string) => {
  bot.now.value = new Date(at);
  const logs: string[] = [];
  await accessReview({ isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } }, new InvocationContext({ functionName: 'accessReview', logHandler: (_l, ...a) => logs.push(a.join(' ')) }), bot.runtime);
  await drainOutbox(ctx(), bot.runtime.transport, { sendTimeoutMs: 2000 });
  return logs.join('\n');
};
/** Who a round lists, and each one's outcome, in name order. */
const roundPeople = async (organisationId: string, round: string) =>
  (await ctx().store.accessReviewEntries.listPartition(reviewEntriesPartition(organisationId, round)))
    .flatMap((r) => (r.value.kind === 'entry' ? [{ displayName: r.value.displayName, outcome: r.value.outcome }] : []))
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
const cardsTo = (user: { id: string }, since: number) =>
  bot.connector.sent.slice(since).filter((a) => a.conversationId === personalChat(user as typeof MARIA).id).map((a) => cardOf(a));

describe('the access review', () => {
  it('runs daily on a timer', () => {
    expect(TIMER_FUNCTIONS.find((t) => t.name === 'accessReview')?.schedule).toBe('0 0 6 * * *');
  });

  it('opens each quarter, lets the approver confirm or remove, and suspends the unconfirmed after the deadline, telling the administrators', async () => {
    // Not due before a quarter has passed since they joined.
    let since = bot.connector.sent.length;
    expect(await runTimer('2027-02-24T06:00:00Z')).toContain('0 rounds opened');
    expect(await latestReview(ctx(), 'stockport-homes')).toBeUndefined();

    // Due: Stockport Homes' approver gets the card with the two people admitted by bulk (file-named people are reviewed in the file).
    expect(await runTimer('2027-02-26T06:00:00Z')).toContain('1 rounds opened');
    const review = (await latestReview(ctx(), 'stockport-homes'))!.value;
    expect(review).toMatchObject({ round: '2027-02', deadline: '2027-03-12T06:00:00.000Z' });
    expect((await roundPeople('stockport-homes', '2027-02')).map((m) => m.displayName)).toEqual(['Ana Costa', 'Ben Hughes']);
    const [card] = cardsTo(MARIA, since);
    expect(validateAdaptiveCard(card)).toEqual([]);
    expect(textOfCard(card)).toContain('Access review: Stockport Homes');
    expect(textOfCard(card)).toContain('Anyone not confirmed by 12 March 2027 is suspended');
    // Each line says what the person does and since when, so the approver can judge who still needs access.
    expect(textOfCard(card)).toContain('Ana Costa\nPartner staff · joined 25 November 2026');
    // A second run the same day sends nothing twice.
    since = bot.connector.sent.length;
    await runTimer('2027-02-26T07:00:00Z');
    expect(cardsTo(MARIA, since)).toEqual([]);

    // Maria confirms Ana; Ben is left.
    const confirmed = await execute(bot, MARIA, personalChat(MARIA), 'review.confirm', { organisationId: 'stockport-homes', round: '2027-02', member: ANA.aadObjectId });
    expect(textOfCard(confirmed.body.value)).toContain('1 confirmed, 0 removed, 1 to go');
    expect((await findMember(ctx(), ANA.aadObjectId))?.value.confirmedAt).toBe('2027-02-26T07:00:00.000Z');

    // The day before the deadline nothing happens; after it, Ben is suspended and Dan (administrator) is told.
    expect(await runTimer('2027-03-11T06:00:00Z')).toContain('0 closed');
    since = bot.connector.sent.length;
    expect(await runTimer('2027-03-12T06:00:00Z')).toContain('1 closed, 1 members suspended');
    expect((await findMember(ctx(), BEN.aadObjectId))?.value.status).toBe('suspended');
    expect((await findMember(ctx(), ANA.aadObjectId))?.value.status).toBe('active');
    expect(cardsTo(DAN, since).map(textOfCard)).toEqual([expect.stringMatching(/Access review: 1 suspended at Stockport Homes[\s\S]*Ben Hughes/)]);
    expect((await latestReview(ctx(), 'stockport-homes'))?.value).toMatchObject({ closedAt: '2027-03-12T06:00:00.000Z' });
    const benAudit = await auditOf(ctx().store, `member:${BEN.aadObjectId}`);
    expect(benAudit).toEqual(expect.arrayContaining([expect.objectContaining({ actor: { aadObjectId: 'system' }, note: 'suspended: not confirmed in access review 2027-02 of stockport-homes by its deadline' })]));

    // Ben's next message: suspended, nothing else.
    since = bot.connector.sent.length;
    await bot.say(BEN, 'help');
    const reply = await bot.connector.waitFor((a) => a.conversationId === personalChat(BEN).id && bot.connector.sent.indexOf(a) >= since);
    expect(textOfCard(cardOf(reply))).toContain('Your Concordat access is suspended');

    // A late click on the closed review changes nothing.
    const late = await execute(bot, MARIA, personalChat(MARIA), 'review.confirm', { organisationId: 'stockport-homes', round: '2027-02', member: BEN.aadObjectId });
    expect(textOfCard(late.body.value)).toContain('This review has closed.');
    expect((await findMember(ctx(), BEN.aadObjectId))?.value.status).toBe('suspended');

    // The next quarter's round reviews the active members only.
    await runTimer('2027-05-26T06:00:00Z');
    expect((await latestReview(ctx(), 'stockport-homes'))?.value.round).toBe('2027-05');
    expect((await roundPeople('stockport-homes', '2027-05')).map((m) => m.displayName)).toEqual(['Ana Costa']);
  });

  it('lets an administrator act on any review, and refuses a member who is not the organisation approver', async () => {
    const res = await execute(bot, DAN, personalChat(DAN), 'review.confirm', { organisationId: 'stockport-homes', round: '2027-05', member: ANA.aadObjectId });
    expect(textOfCard(res.body.value)).toContain('1 confirmed'); // Dan is an administrator: allowed
    const priya = { id: '29:priya', aadObjectId: '00000000-0000-4000-8000-000000000001', name: 'Priya Shah' };
    const refused = await execute(bot, priya, personalChat(priya), 'review.remove', { organisationId: 'stockport-homes', round: '2027-05', member: ANA.aadObjectId });
    expect(textOfCard(refused.body.value)).toContain("Only an organisation's approvers and the concordat administrators manage people"); // the gate: Priya is no approver
    expect((await findMember(ctx(), ANA.aadObjectId))?.value.status).toBe('active');
  });
});

describe('retention of the directory history', () => {
  it('deletes join requests decided over 13 months ago on the daily run, and keeps pending and recent ones', async () => {
    const base = { tenantId: HOST, displayName: 'Old Request', organisationId: 'stockport-homes', routedTo: 'organisation' as const, role: 'staff' as const, reason: 'an old request' };
    const store = ctx().store;
    await store.joinRequests.upsert({ ...base, aadObjectId: '00000000-0000-4000-8000-0000000000e1', requestedAt: '2026-01-01T09:00:00.000Z', status: 'declined', decidedAt: '2026-01-02T09:00:00.000Z', declineReason: 'not staff' });
    await store.joinRequests.upsert({ ...base, aadObjectId: '00000000-0000-4000-8000-0000000000e2', requestedAt: '2026-01-01T09:00:00.000Z', status: 'pending' });
    await store.joinRequests.upsert({ ...base, aadObjectId: '00000000-0000-4000-8000-0000000000e3', requestedAt: '2027-01-01T09:00:00.000Z', status: 'approved', decidedAt: '2027-01-02T09:00:00.000Z' });
    await runTimer('2027-06-01T06:00:00Z');
    const left = (await store.joinRequests.listPartition('request')).map((r) => r.value.aadObjectId);
    expect(left).not.toContain('00000000-0000-4000-8000-0000000000e1');
    expect(left).toEqual(expect.arrayContaining(['00000000-0000-4000-8000-0000000000e2', '00000000-0000-4000-8000-0000000000e3']));
  });
});
