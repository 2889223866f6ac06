import { loadOperation } from '../bot/operations/repository';
import { InvocationContext } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIMER_FUNCTIONS } from '../functions/registry';
import { jointActionSummary } from '../bot/operations/summary';
import { Pacer } from '../bot/outbox/pacer';
import { drainOutbox } from '../bot/outbox/sender';
import { auditOf } from './support/audit';
import { activityFrom, cardOf, personalChat, PRIYA, startBotHarness, textOfCard, type BotHarness } from './support/botHarness';
import type { SentActivity } from './support/fakeConnector';
import { validateAdaptiveCard } from './support/schemas';
import { ALERTS_CHANNEL, execute, inChannel, installAndMapChannel } from './support/teamSetup';

const TOM = { id: '29:tom', aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley' };
const HELEN = { id: '29:helen', aadObjectId: '00000000-0000-4000-8000-000000000003', name: 'Helen Okafor' };
const AISHA = '00000000-0000-4000-8000-000000000005';
const BRIEFING = 'Meet 08:30 at the police office; warrant at the north block.';

let bot: BotHarness;
const fast = () => new Pacer({ perSecond: 1000, perConversationPerSecond: 1000, perConversationPer30s: 10_000 });

/** Sends what the outbox holds and returns what reached the (fake) Bot Connector, each card schema-checked. */
async function flush(): Promise<SentActivity[]> {
  const before = bot.connector.sent.length;
  await drainOutbox(bot.runtime.ctx, bot.runtime.transport, { pacer: fast() });
  const sent = bot.connector.sent.slice(before);
  for (const a of sent) expect(validateAdaptiveCard(cardOf(a))).toEqual([]);
  return sent;
}

/** The reminders timer, as the Functions host fires it. */
async function tick(iso: string): Promise<void> {
  bot.now.value = new Date(iso);
  const timer = TIMER_FUNCTIONS.find((t) => t.name === 'reminders')!;
  expect(timer.schedule).toBe('0 * * * * *');
  await timer.handler({ isPastDue: false, schedule: { adjustForDST: false } } as never, new InvocationContext({ functionName: 'reminders' }), bot.runtime);
}

/** Says something in a personal chat and returns the card the bot answered with. */
async function ask(user: typeof PRIYA, text: string): Promise<any> {
  const before = bot.connector.sent.length;
  await bot.say(user, text);
  const reply = bot.connector.sent.slice(before).find((a) => a.conversationId === personalChat(user).id)!;
  const card = cardOf(reply);
  expect(validateAdaptiveCard(card)).toEqual([]);
  return card;
}

/** Presses a card button (Action.Execute) and returns the card Teams would show instead. */
async function press(user: typeof PRIYA, verb: string, data: Record<string, unknown>): Promise<any> {
  const res = await execute(bot, user, personalChat(user), verb, data);
  expect(res.status).toBe(200);
  const card = res.body.value;
  expect(validateAdaptiveCard(card)).toEqual([]);
  return card;
}

const to = (sent: SentActivity[], conversationId: string) => sent.filter((a) => a.conversationId === conversationId);
const inputValue = (card: any, id: string): unknown => {
  let found: unknown;
  const walk = (n: any) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n && typeof n === 'object') {
      if (n.id === id && 'value' in n) found = n.value;
      Object.values(n).forEach(walk);
    }
  };
  walk(card);
  return found;
};

const form = {
  name: 'Brinnington day of action',
  type: 'day-of-action',
  borough: 'stockport',
  area: 'Brinnington',
  startDate: '2026-04-04',
  startTime: '09:00',
  endDate: '2026-04-04',
  endTime: '16:00',
  lead: 'gmp',
  partners: 'stockport-homes,stockport-council',
  participants: `${PRIYA.aadObjectId},${AISHA}`,
  briefing: BRIEFING,
  incidents: '',
  reminders: '10080,1440,120',
  outcomesAfter: '1440',
};

beforeAll(async () => {
  bot = await startBotHarness({ start: new Date('2026-03-20T10:00:00Z') });
  for (const user of [TOM, PRIYA, HELEN]) {
    await bot.post(activityFrom(bot.connector.serviceUrl, user, personalChat(user), { type: 'installationUpdate', action: 'add' }));
  }
  await installAndMapChannel(bot, 'stockport');
  await flush(); // welcomes
});
afterAll(async () => bot?.close());

describe('joint operations, end to end through the bot endpoint', () => {
  let opId = '';

  it('refuses "schedule" to someone who is not a coordinator, saying why', async () => {
    const card = await ask(PRIYA, 'schedule');
    expect(textOfCard(card)).toContain('Only coordinators can schedule joint operations');
    expect(JSON.stringify(card)).not.toContain('Input.');
    const pressed = await press(PRIYA, 'operation.schedule', { submissionId: '6f1c2a4e-3b5d-4c7e-9f10-112233445566', ...form });
    expect(textOfCard(pressed)).toContain('Only coordinators');
    expect(textOfCard(await press(PRIYA, 'operation.new', {}))).toContain('Only coordinators');
    expect(await bot.runtime.ctx.store.operations.query("status eq 'scheduled'")).toHaveLength(0);
  });

  it('offers coordinators a "Schedule operation" button on the help card, which opens the form', async () => {
    const help = await ask(TOM, 'help');
    expect(help.actions.map((a: any) => a.verb)).toEqual(expect.arrayContaining(['operation.new', 'operation.list']));
    const opened = await press(TOM, 'operation.new', {});
    expect(opened.actions[0]).toMatchObject({ verb: 'operation.schedule', data: { submissionId: expect.any(String) } });
    expect((await ask(PRIYA, 'help')).actions.map((a: any) => a.verb)).not.toContain('operation.new');
  });

  it('schedules from the card: errors come back beside the fields with the values kept, then a good card is stored once', async () => {
    const opened = await ask(TOM, 'schedule');
    const submissionId = opened.actions[0].data.submissionId as string;
    expect(opened.actions[0]).toMatchObject({ type: 'Action.Execute', verb: 'operation.schedule' });
    expect(inputValue(opened, 'reminders')).toBe('10080,1440,120'); // the defaults: 7 days, 1 day, 2 hours
    expect(inputValue(opened, 'outcomesAfter')).toBe('1440');

    const bad = await press(TOM, 'operation.schedule', { submissionId, ...form, area: '14 Acacia Road, SK5 7AB', startDate: '2026-03-29', startTime: '01:30', incidents: 'STO-2026-999999' });
    const text = textOfCard(bad);
    expect(text).toContain('01:30 does not exist on 2026-03-29');
    expect(text).toContain('not an address');
    // A reference that is no incident is refused beside its field, with the other problems, not linked.
    expect(text).toContain('there is no incident STO-2026-999999');
    expect(inputValue(bad, 'incidents')).toBe('STO-2026-999999');
    const onlyIncident = await press(TOM, 'operation.schedule', { submissionId, ...form, incidents: 'sto-2026-999999' });
    expect(textOfCard(onlyIncident)).toContain('there is no incident STO-2026-999999');
    expect(await bot.runtime.ctx.store.operations.query("status eq 'scheduled'")).toHaveLength(0);
    expect(inputValue(bad, 'area')).toBe('14 Acacia Road, SK5 7AB');
    expect(inputValue(bad, 'briefing')).toBe(BRIEFING);
    expect(bad.actions[0].data.submissionId).toBe(submissionId);

    const good = await press(TOM, 'operation.schedule', { submissionId, ...form });
    const heading = textOfCard(good);
    expect(heading).toMatch(/Scheduled: OP-STO-[0-9A-Z]{6}/);
    expect(heading).toContain(BRIEFING); // the coordinator, in private chat
    expect(heading).toContain('1 participant has no private chat with Concordat');
    opId = /OP-STO-[0-9A-Z]{6}/.exec(heading)![0];

    const again = await press(TOM, 'operation.schedule', { submissionId, ...form });
    expect(textOfCard(again)).toContain(`Already scheduled: ${opId}`);
    const stored = await bot.runtime.ctx.store.operations.query("status eq 'scheduled'");
    expect(stored.map((s) => s.value)).toEqual([
      expect.objectContaining({ id: opId, startsAt: '2026-04-04T08:00:00.000Z', endsAt: '2026-04-04T15:00:00.000Z', coordinator: TOM.aadObjectId }),
    ]);
  });

  it('posts the card to the borough channel without names or the briefing, and tells participants privately', async () => {
    const sent = await flush();
    const channel = to(sent, ALERTS_CHANNEL.id);
    expect(channel).toHaveLength(1);
    const text = textOfCard(cardOf(channel[0]!));
    expect(text).toContain('Joint operation scheduled');
    expect(text).toContain('Brinnington');
    expect(text).toContain('Sat 4 Apr 2026, 09:00 – 16:00 (UK time)');
    expect(text).not.toContain('warrant at the north block');
    expect(text).not.toContain('Priya');
    expect(textOfCard(cardOf(to(sent, personalChat(PRIYA).id)[0]!))).toContain('You are taking part in a joint operation');
    expect(to(sent, personalChat(TOM).id)).toHaveLength(0);
  });

  it('shows the briefing only to those taking part, in private, and audits the look', async () => {
    expect(textOfCard(await ask(PRIYA, `operation ${opId.toLowerCase()}`))).toContain(BRIEFING);
    const helen = textOfCard(await ask(HELEN, `operation ${opId}`));
    expect(helen).toContain('Brinnington day of action');
    expect(helen).not.toContain(BRIEFING);
    expect(helen).not.toContain('Priya');
    const audit = await auditOf(bot.runtime.ctx.store, `operation:${opId}`);
    expect(audit.map((a) => [a.action, a.actor.aadObjectId])).toContainEqual(['consultation', PRIYA.aadObjectId]);
    expect(audit.map((a) => a.actor.aadObjectId)).not.toContain(HELEN.aadObjectId);

    const list = textOfCard(await ask(PRIYA, 'operations stockport'));
    expect(list).toContain(`Brinnington day of action (${opId})`);
    expect(textOfCard(await ask(PRIYA, 'operations salford'))).toContain('No joint operations are scheduled in Salford');
  });

  it('reminds participants a day before: privately where it can, in the channel for the rest', async () => {
    await tick('2026-03-28T09:00:00Z'); // 7 days before: Sat 28 March 09:00 GMT
    await tick('2026-04-03T08:00:30Z'); // 1 day before: Fri 3 April 09:00 BST
    const sent = await flush();
    const priya = to(sent, personalChat(PRIYA).id).map((a) => textOfCard(cardOf(a)));
    // Both reminders are due by the second tick and leave in one outbox run, in no guaranteed order.
    expect(priya).toHaveLength(2);
    expect(priya).toEqual(expect.arrayContaining([expect.stringContaining('Reminder: starts in 7 days'), expect.stringContaining('Reminder: starts in 24 hours')]));
    expect(to(sent, personalChat(TOM).id)).toHaveLength(2);
    const channel = to(sent, ALERTS_CHANNEL.id).map((a) => textOfCard(cardOf(a)));
    expect(channel).toHaveLength(2);
    expect(channel.every((c) => c.includes('no private chat with Concordat'))).toBe(true);
  });

  it('moves the operation from the card: participants told once, the channel card updated, reminders moved', async () => {
    bot.now.value = new Date('2026-04-03T12:00:00Z');
    const detail = await press(TOM, 'operation.view', { operationId: opId });
    expect(detail.actions.map((a: any) => a.verb)).toContain('operation.change');
    const change = await press(TOM, 'operation.change', { operationId: opId, version: 1 });
    expect(inputValue(change, 'startDate')).toBe('2026-04-04');
    expect(inputValue(change, 'startTime')).toBe('09:00');

    const move = { operationId: opId, version: 1, startDate: '2026-04-11', startTime: '10:00', endDate: '2026-04-11', endTime: '14:00' };
    const bad = await press(TOM, 'operation.reschedule', { ...move, endTime: '09:00' });
    expect(textOfCard(bad)).toContain('it must end after it starts');
    expect(textOfCard(await press(PRIYA, 'operation.reschedule', move))).toContain('Only the coordinator who scheduled it');

    expect(textOfCard(await press(TOM, 'operation.reschedule', move))).toContain(`Moved: ${opId}`);
    expect(textOfCard(await press(TOM, 'operation.reschedule', move))).toContain(`Moved: ${opId}`); // a retry changes nothing
    const sent = await flush();
    const told = to(sent, personalChat(PRIYA).id).map((a) => textOfCard(cardOf(a)));
    expect(told).toEqual([expect.stringContaining('has moved')]);
    expect(told[0]).toContain('Was Sat 4 Apr 2026, 09:00 – 16:00');
    const update = to(sent, ALERTS_CHANNEL.id);
    // The operation's channel card and the two reminders already posted there (for Aisha) now show the new time.
    expect(update.map((a) => a.method)).toEqual(['PUT', 'PUT', 'PUT']);
    for (const a of update) expect(textOfCard(cardOf(a))).toContain('Sat 11 Apr 2026, 10:00 – 14:00');

    await tick('2026-04-04T06:00:30Z'); // the old 2-hour reminder's time
    expect((await flush()).filter((a) => textOfCard(cardOf(a)).includes('Reminder'))).toHaveLength(0);
    const stale = await press(TOM, 'operation.reschedule', { ...move, startDate: '2026-04-12', endDate: '2026-04-12' });
    expect(textOfCard(stale)).toContain('Someone changed this operation since this card was shown');
  });

  it('cancels from the card: participants told once, nothing more is sent', async () => {
    bot.now.value = new Date('2026-04-06T12:00:00Z');
    const done = await press(TOM, 'operation.cancel', { operationId: opId, version: 2, reason: 'Warrant not granted yet' });
    expect(textOfCard(done)).toContain(`Cancelled: ${opId}`);
    await press(TOM, 'operation.cancel', { operationId: opId, version: 2, reason: 'Warrant not granted yet' });
    const sent = await flush();
    expect(to(sent, personalChat(PRIYA).id).map((a) => textOfCard(cardOf(a)))).toEqual([expect.stringContaining('is cancelled')]);
    expect(textOfCard(cardOf(to(sent, ALERTS_CHANNEL.id)[0]!))).toContain('Cancelled: Warrant not granted yet');
    for (const t of ['2026-04-10T10:00:30Z', '2026-04-11T08:00:30Z', '2026-04-12T13:00:30Z']) await tick(t);
    expect(await flush()).toEqual([]);
  });

  it('asks the lead for outcomes after the operation and stores them for the digest', async () => {
    bot.now.value = new Date('2026-10-20T09:00:00Z');
    const opened = await ask(TOM, 'schedule');
    const submissionId = opened.actions[0].data.submissionId;
    // Across the autumn clock change: Mon 26 October 09:00-13:00 GMT.
    const res = await press(TOM, 'operation.schedule', { submissionId, ...form, name: 'Offerton warrant day', type: 'warrant', area: 'Offerton', startDate: '2026-10-26', endDate: '2026-10-26', endTime: '13:00', reminders: '1440' });
    const id = /OP-STO-[0-9A-Z]{6}/.exec(textOfCard(res))![0];
    await flush();

    await tick('2026-10-25T09:00:30Z'); // a day before: Sunday 09:00 GMT, the day the clocks went back
    const dayBefore = await flush();
    expect(to(dayBefore, personalChat(PRIYA).id).map((a) => textOfCard(cardOf(a)))).toEqual([expect.stringContaining('Reminder: starts in 24 hours')]);
    // Aisha has no private chat with Concordat: her reminder is posted in the channel.
    const channelReminders = to(dayBefore, ALERTS_CHANNEL.id);
    expect(channelReminders.map((a) => textOfCard(cardOf(a)))).toEqual([expect.stringContaining('Offerton warrant day')]);

    expect(textOfCard(await press(PRIYA, 'operation.outcomes', { operationId: id, arrests: '1' }))).toContain('Outcomes are recorded by the coordinator');
    await tick('2026-10-27T13:00:30Z'); // a day after the end
    const asked = to(await flush(), personalChat(TOM).id);
    expect(asked).toHaveLength(1);
    const outcomesForm = cardOf(asked[0]!);
    expect(outcomesForm.actions[0]).toMatchObject({ verb: 'operation.outcomes', data: { operationId: id } });

    const counts = { arrests: '6', warrantsExecuted: '2', premisesClosed: '1', vehiclesSeized: '3', referrals: '4', notes: 'Closure notice served.' };
    const bad = await press(TOM, 'operation.outcomes', { operationId: id, ...counts, arrests: 'six', vehiclesSeized: '' });
    expect(textOfCard(bad)).toContain('a whole number, 0 or more');
    expect(inputValue(bad, 'arrests')).toBe('six');
    const cardData = outcomesForm.actions[0].data;
    expect(textOfCard(await press(TOM, 'operation.outcomes', { ...cardData, ...counts }))).toContain(`Outcomes recorded: ${id}`);
    // Every card posted in the channel for it is kept current: the operation's own card and the reminder posted there.
    const updated = to(await flush(), ALERTS_CHANNEL.id);
    expect(updated.map((a) => a.method)).toEqual(['PUT', 'PUT']);
    for (const a of updated) expect(textOfCard(cardOf(a))).toContain('Joint operation completed');
    // The same submission retried (Teams redelivers an invoke) is accepted once, nothing changed.
    expect(textOfCard(await press(TOM, 'operation.outcomes', { ...cardData, ...counts }))).toContain(`Outcomes recorded: ${id}`);
    // The same card sent again with other numbers is refused like a stale move or cancel: nothing is overwritten.
    const stale = await press(TOM, 'operation.outcomes', { ...cardData, ...counts, arrests: '9' });
    expect(validateAdaptiveCard(stale)).toEqual([]);
    expect(textOfCard(stale)).toContain('Outcomes were recorded since this card was shown');
    expect(inputValue(stale, 'arrests')).toBe('6');
    const stored = (await loadOperation(bot.runtime.ctx, id))!.value;
    expect(stored.outcomes?.arrests).toBe(6);
    // The card shown now carries the recorded outcomes it is based on: a correction from it is accepted.
    const fresh = stale.actions[0].data;
    expect(textOfCard(await press(TOM, 'operation.outcomes', { ...fresh, ...counts, arrests: '7' }))).toContain(`Outcomes recorded: ${id}`);
    expect((await loadOperation(bot.runtime.ctx, id))!.value.outcomes?.arrests).toBe(7);
    await flush();

    const summary = await jointActionSummary(bot.runtime.ctx, {
      boroughs: ['stockport'],
      from: new Date('2026-10-19T00:00:00Z'),
      to: new Date('2026-11-02T00:00:00Z'),
      upcomingUntil: new Date('2026-11-30T00:00:00Z'),
    });
    expect(summary.completed.map((c) => c.id)).toEqual([id]);
    expect(summary.totals).toEqual({ arrests: 7, warrantsExecuted: 2, premisesClosed: 1, vehiclesSeized: 3, referrals: 4 });
  });

  it('keeps the briefing out of channels even for a participant asking there', async () => {
    const before = bot.connector.sent.length;
    await bot.say(PRIYA, `operation ${opId}`, inChannel(ALERTS_CHANNEL.id));
    const card = cardOf(bot.connector.sent.slice(before).find((a) => a.conversationId === ALERTS_CHANNEL.id)!);
    expect(validateAdaptiveCard(card)).toEqual([]);
    expect(textOfCard(card)).not.toContain(BRIEFING);
    expect(textOfCard(card)).not.toContain('Priya Shah');
  });
});
