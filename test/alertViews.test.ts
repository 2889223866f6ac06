import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { putMember } from '../bot/directory/repository';
import { Pacer } from '../bot/outbox/pacer';
import { drainOutbox } from '../bot/outbox/sender';
import { MAX_REFRESH_USERS, refreshAudience } from '../bot/userViews/rules/audience';
import { rememberTeamsUser } from '../bot/userViews/repository';
import { insertedAlertCard } from '../bot/alerts/views';
import { findAlert } from '../bot/alerts/repository';
import { activityFrom, cardOf, DAN, MARIA, personalChat, PRIYA, STRANGER, startBotHarness, textOfCard, type BotHarness } from './support/botHarness';
import { validateAdaptiveCard } from './support/schemas';
import { ALERTS_CHANNEL, execute, inChannel, installAndMapChannel, TEAM } from './support/teamSetup';

/**
 * User-specific views of the alert card (Universal Actions `refresh`): in the
 * channel, the card as posted is right for everyone, and Teams asks the bot
 * for each viewer's own view: Acknowledge only for people of organisations
 * asked and not yet acknowledged, "your organisation acknowledged at …" for
 * theirs, and no button for anyone else. Driven over HTTP as Teams sends it.
 */

const TOM = { id: '29:tom', aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley' };
const fast = () => new Pacer({ perSecond: 1000, perConversationPerSecond: 1000, perConversationPer30s: 10_000 });

let bot: BotHarness;
beforeEach(async () => {
  bot = await startBotHarness({ start: new Date('2026-11-25T21:00:00Z') });
  await installAndMapChannel(bot);
});
afterEach(async () => bot?.close());

const flush = () => drainOutbox(bot.runtime.ctx, bot.runtime.transport, { pacer: fast() });
const channel = inChannel(ALERTS_CHANNEL.id);
const alertPosts = () => bot.connector.sent.filter((a) => a.method === 'POST' && textOfCard(cardOf(a)).includes('PARTNERSHIP ALERT'));
const channelUpdates = () => bot.connector.sent.filter((a) => a.method === 'PUT');
const buttons = (card: any): string[] => (card.actions ?? []).map((a: any) => a.title);

/** What Teams sends when a viewer's client runs the card's refresh. */
const refresh = (user: typeof PRIYA, card: any, conversation: Parameters<typeof activityFrom>[2] = channel) =>
  bot.post(
    activityFrom(bot.connector.serviceUrl, user, conversation, {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: card.refresh.action, trigger: 'automatic' },
    }),
  );

async function raiseStockportAlert(): Promise<any> {
  const opened = await execute(bot, TOM, personalChat(TOM), 'alert', {});
  await execute(bot, TOM, personalChat(TOM), 'alert.submit', {
    submissionId: opened.body.value.actions[0].data.submissionId,
    severity: 'warning',
    boroughs: 'stockport',
    theme: 'public-safety',
    title: 'Closure order granted: Hollyhedge Court',
    body: 'A three-month closure order was granted this morning for a flat at Hollyhedge Court, Brinnington. Expect displacement to nearby blocks.',
    expiresInDays: '7',
    marking: 'OFFICIAL',
  });
  await flush();
  const posts = alertPosts();
  expect(posts).toHaveLength(1);
  return cardOf(posts[0]!);
}

describe('the alert card as posted to the channel', () => {
  it('carries a refresh for its own verb naming the Teams ids of people of asked organisations, never names, and is right without it', async () => {
    await bot.say(PRIYA, 'help'); // Stockport Homes: asked. Dan (Stockport Council, asked) set the channel up.
    await bot.say(TOM, 'help'); // GMP raised it: not asked.
    const card = await raiseStockportAlert();
    expect(validateAdaptiveCard(card)).toEqual([]);
    expect(card.refresh.action).toMatchObject({ type: 'Action.Execute', verb: 'alert.view', data: { verb: 'alert.view', alertId: expect.any(String) } });
    expect(new Set(card.refresh.userIds)).toEqual(new Set([PRIYA.id, DAN.id]));
    // Correct for anyone Teams does not refresh it for: who is awaited, and the button while anyone is.
    expect(textOfCard(card)).toMatch(/Acknowledged by 0 of \d+ organisations/);
    expect(textOfCard(card)).toMatch(/Awaiting: .*Stockport Council/);
    expect(buttons(card)).toEqual(['Acknowledge']);
    expect(textOfCard(card)).not.toMatch(/Your organisation/);
    const json = JSON.stringify(card);
    for (const person of ['Priya Shah', 'Dan Whitworth', 'Tom Bradley', PRIYA.aadObjectId, DAN.aadObjectId]) expect(json).not.toContain(person);
  });

  it('leaves userIds out when nobody of an asked organisation is known (an empty list would stop Teams refreshing at all)', async () => {
    await bot.runtime.ctx.store.teamsUsers.delete({ partitionKey: 'user', rowKey: DAN.aadObjectId });
    const card = await raiseStockportAlert();
    expect(card.refresh.action.verb).toBe('alert.view');
    expect(card.refresh).not.toHaveProperty('userIds');
  });
});

describe('each viewer\'s own view, asked for by Teams with trigger "automatic"', () => {
  it('a member of an asked organisation that has not acknowledged gets the Acknowledge button and is told it is for them', async () => {
    const card = await raiseStockportAlert();
    const res = await refresh(PRIYA, card);
    expect(res.status).toBe(200);
    const mine = res.body.value;
    expect(validateAdaptiveCard(mine)).toEqual([]);
    expect(buttons(mine)).toEqual(['Acknowledge']);
    expect(textOfCard(mine)).toContain('Stockport Homes is asked to acknowledge this alert');
    expect(textOfCard(mine)).toContain('Closure order granted: Hollyhedge Court');
    // Her own view keeps a refresh (so a later change reaches her) but names nobody.
    expect(mine.refresh.action.verb).toBe('alert.view');
    expect(mine.refresh).not.toHaveProperty('userIds');
  });

  it('once her organisation has acknowledged, a colleague sees when, with no button; the channel copy is updated for everyone, not replaced by one view', async () => {
    const card = await raiseStockportAlert();
    const ack = await execute(bot, PRIYA, channel, 'alert.ack', { alertId: card.actions[0].data.alertId });
    // The presser's answer is her own view ...
    expect(textOfCard(ack.body.value)).toContain('✔ Your organisation acknowledged at 21:00.');
    expect(buttons(ack.body.value)).toEqual([]);
    // ... and the invoke itself changed nobody else's card (teams-ai would have replaced the message for all).
    expect(channelUpdates()).toHaveLength(0);

    bot.now.value = new Date('2026-11-25T21:35:00Z');
    const maria = (await refresh(MARIA, card)).body.value;
    expect(textOfCard(maria)).toContain('✔ Your organisation acknowledged at 21:00.');
    expect(buttons(maria)).toEqual([]);
    expect(JSON.stringify(maria)).not.toContain('Priya');

    await flush();
    const updates = channelUpdates();
    expect(updates).toHaveLength(1);
    const posted = cardOf(updates[0]!);
    expect(textOfCard(posted)).toMatch(/Acknowledged by 1 of \d+ organisations/);
    expect(textOfCard(posted)).not.toMatch(/Your organisation/);
    expect(buttons(posted)).toEqual(['Acknowledge']); // Stockport Council is still awaited
    expect(JSON.stringify(posted)).not.toContain('Priya');
  });

  it('the time reads with its day when the acknowledgement came on a later day', async () => {
    const card = await raiseStockportAlert();
    bot.now.value = new Date('2026-11-26T08:05:00Z');
    await execute(bot, DAN, channel, 'alert.ack', { alertId: card.actions[0].data.alertId });
    expect(textOfCard((await refresh(DAN, card)).body.value)).toContain('✔ Your organisation acknowledged at Thu 26 Nov 08:05.');
  });

  it('the raising organisation, and people the directory does not know, get the neutral card: the alert, no button, no refusal', async () => {
    const card = await raiseStockportAlert();
    const tom = (await refresh(TOM, card)).body.value;
    expect(buttons(tom)).toEqual([]);
    expect(textOfCard(tom)).toContain('Your organisation raised this alert.');
    const stranger = (await refresh(STRANGER, card)).body.value;
    expect(buttons(stranger)).toEqual([]);
    expect(textOfCard(stranger)).toContain('Closure order granted: Hollyhedge Court');
    expect(textOfCard(stranger)).toMatch(/Acknowledged by 0 of \d+ organisations/);
    expect(textOfCard(stranger)).not.toMatch(/Your organisation|Only |not registered/);
  });

  it('answers the current state from the store, not what the card says: a member removed since sees the neutral card', async () => {
    const card = await raiseStockportAlert();
    await bot.runtime.ctx.store.members.delete({ partitionKey: 'member', rowKey: PRIYA.aadObjectId });
    const after = (await refresh(PRIYA, card)).body.value;
    expect(buttons(after)).toEqual([]);
    expect(textOfCard(after)).not.toMatch(/Your organisation|Stockport Homes is asked/);
  });

  it('goes through the gate: refused outside a channel, and shows nothing of an alert where it was not posted', async () => {
    const card = await raiseStockportAlert();
    const personal = (await refresh(PRIYA, card, personalChat(PRIYA))).body.value;
    expect(textOfCard(personal)).not.toContain('Hollyhedge');
    expect(textOfCard(personal)).toMatch(/team channel/);
    const otherChannel = { ...inChannel('19:somewhere-else@thread.tacv2'), teamId: TEAM.id };
    const elsewhere = (await refresh(PRIYA, card, otherChannel)).body.value;
    expect(textOfCard(elsewhere)).toContain('That card is out of date');
    expect(textOfCard(elsewhere)).not.toContain('Hollyhedge');
    const forged = await bot.post(
      activityFrom(bot.connector.serviceUrl, PRIYA, channel, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb: 'alert.view', data: { verb: 'alert.view', alertId: 'no-such-alert' } }, trigger: 'automatic' },
      }),
    );
    expect(textOfCard(forged.body.value)).toContain('This alert is no longer held');
  });
});

describe('a large partnership: more than 60 people of asked organisations', () => {
  it('names at most 60, awaited organisations first and the most recently seen, and the card stays right for everyone else', async () => {
    const ctx = bot.runtime.ctx;
    const person = (n: number) => `00000000-0000-4000-8000-${String(0x1000 + n).padStart(12, '0')}`;
    // 70 Stockport Homes officers and 30 at Stockport Council, each seen on a different day.
    for (let n = 0; n < 100; n++) {
      const organisationId = n < 70 ? 'stockport-homes' : 'stockport-council';
      await putMember(ctx, { aadObjectId: person(n), displayName: `Officer ${n}`, organisationId, roles: ['staff'], leadsThemes: [] });
      await ctx.store.teamsUsers.upsert({ aadObjectId: person(n), userId: `29:officer-${n}`, seenAt: new Date(Date.UTC(2026, 9, 1 + (n % 50))).toISOString() });
    }
    const card = await raiseStockportAlert();
    expect(card.refresh.userIds).toHaveLength(MAX_REFRESH_USERS);
    expect(textOfCard(card)).toMatch(/Awaiting: .*Stockport Council/);
    expect(buttons(card)).toEqual(['Acknowledge']);

    // Stockport Homes acknowledges: Stockport Council's people, still asked, come first.
    await execute(bot, PRIYA, channel, 'alert.ack', { alertId: card.actions[0].data.alertId });
    await flush();
    const updated = cardOf(channelUpdates().at(-1)!);
    const ids: string[] = updated.refresh.userIds;
    expect(ids).toHaveLength(MAX_REFRESH_USERS);
    const council = ids.filter((id) => Number(id.split('-')[1]) >= 70 || id === DAN.id);
    expect(council).toHaveLength(31);
    expect(ids.slice(0, 31)).toEqual(expect.arrayContaining(council));
    // Someone left out still gets a right card: the posted one says who is awaited, and if they refresh by hand, their own view.
    const leftOut = { id: '29:officer-0', aadObjectId: person(0), name: 'Officer 0' };
    expect(ids).not.toContain(leftOut.id);
    expect(textOfCard(updated)).toMatch(/Acknowledged by 1 of \d+ organisations[\s\S]*✔ Stockport Homes/);
    expect(textOfCard((await refresh(leftOut, updated)).body.value)).toContain('✔ Your organisation acknowledged at');
    expect(JSON.stringify(updated).length).toBeLessThan(28_000);
  });
});

describe('at the limit: 200 people of the organisations the channel serves', () => {
  it('names exactly the 60 the documented rule picks, Teams user ids only, reading only the asked organisations\' members; a card inserted elsewhere names nobody', async () => {
    const ctx = bot.runtime.ctx;
    const person = (n: number) => `00000000-0000-4000-8000-${String(0x2000 + n).padStart(12, '0')}`;
    // 120 at Stockport Homes and 60 at Stockport Council (both asked), 20 at GMP (raised it: not asked). Among the
    // asked: every tenth suspended, every seventh remembered under an Entra object id (a bad row), every eleventh
    // never seen in Teams. Seen on days spread over two months, so "most recently seen" decides, then the id.
    const people = Array.from({ length: 200 }, (_, n) => ({
      n,
      aadObjectId: person(n),
      organisationId: n < 120 ? 'stockport-homes' : n < 180 ? 'stockport-council' : 'gmp',
      suspended: n < 180 && n % 10 === 0,
      userId: n % 7 === 0 ? person(n) : `29:officer-${String(n).padStart(3, '0')}`,
      seenAt: n % 11 === 0 ? undefined : new Date(Date.UTC(2026, 9, 1 + (n % 59))).toISOString(),
    }));
    for (const p of people) {
      await putMember(ctx, { aadObjectId: p.aadObjectId, displayName: `Officer ${p.n}`, organisationId: p.organisationId, roles: ['staff'], leadsThemes: [], ...(p.suspended ? { status: 'suspended' as const } : {}) });
      if (p.seenAt) await ctx.store.teamsUsers.upsert({ aadObjectId: p.aadObjectId, userId: p.userId, seenAt: p.seenAt });
    }
    const memberQueries: string[] = [];
    const query = ctx.store.members.queryEach.bind(ctx.store.members);
    ctx.store.members.queryEach = async (filter: string) => (memberQueries.push(filter), query(filter));
    const card = await raiseStockportAlert();

    // The rule, worked out here from the people: asked, active, seen in Teams under a Teams id; most recently seen
    // first, then by id. Dan (Stockport Council, seen in the harness) is one of the candidates too.
    const dan = (await ctx.store.teamsUsers.get({ partitionKey: 'user', rowKey: DAN.aadObjectId }))!.value;
    const eligible = [
      ...people.filter((p) => p.organisationId !== 'gmp' && !p.suspended && p.seenAt && p.userId.startsWith('29:')).map((p) => ({ id: p.userId, seenAt: p.seenAt! })),
      { id: dan.userId, seenAt: dan.seenAt },
    ];
    const expected = eligible.sort((a, b) => b.seenAt.localeCompare(a.seenAt) || a.id.localeCompare(b.id)).slice(0, MAX_REFRESH_USERS).map((e) => e.id);
    expect(eligible.length).toBeGreaterThan(MAX_REFRESH_USERS);
    expect(card.refresh.userIds).toEqual(expected);
    for (const id of card.refresh.userIds) expect(id).toMatch(/^29:/);
    // Nobody's name, object id or anything of theirs but the Teams id on the channel card.
    const json = JSON.stringify(card);
    for (const p of people) {
      expect(json).not.toContain(p.aadObjectId);
      expect(json).not.toContain(`Officer ${p.n}"`);
    }
    expect(validateAdaptiveCard(card)).toEqual([]);
    expect(JSON.stringify(card).length).toBeLessThan(28_000);
    // Only the asked organisations' active members were read, never a whole partition of the Members table.
    expect(memberQueries.length).toBeGreaterThan(0);
    for (const f of memberQueries) expect(f).toMatch(/organisationId eq '/);

    // As the message extension inserts it into a conversation of the person's choosing: the card as it stands, with
    // no refresh (Teams would ask the bot about it there, where the alert was not posted, and get "out of date").
    const inserted = await insertedAlertCard(ctx, (await findAlert(ctx, card.refresh.action.data.alertId))!);
    expect(textOfCard(inserted)).toContain('Closure order granted: Hollyhedge Court');
    expect(inserted).not.toHaveProperty('refresh');
    expect(JSON.stringify(inserted)).not.toMatch(/29:officer/);
  });

  it('remembers only Teams user ids: an id of another shape is not kept', async () => {
    const ctx = bot.runtime.ctx;
    await rememberTeamsUser(ctx, '00000000-0000-4000-8000-000000003001', '00000000-0000-4000-8000-000000003001');
    await rememberTeamsUser(ctx, '00000000-0000-4000-8000-000000003002', 'user-1');
    await rememberTeamsUser(ctx, '00000000-0000-4000-8000-000000003003', '29:1a2b3c');
    const kept = (await ctx.store.teamsUsers.listPartition('user')).map((r) => r.value.userId);
    expect(kept).toContain('29:1a2b3c');
    expect(kept).not.toContain('user-1');
    expect(kept).not.toContain('00000000-0000-4000-8000-000000003001');
    expect(refreshAudience([{ userId: '00000000-0000-4000-8000-000000003001', rank: 0, seenAt: '2026-11-01' }])).toBeUndefined();
  });
});

describe('who the refresh names (pure rule)', () => {
  const c = (userId: string, rank: number, seenAt: string) => ({ userId, rank, seenAt });
  it('lower rank first, then most recently seen, then id; each id once; at most 60; nothing when nobody qualifies', () => {
    expect(refreshAudience([])).toBeUndefined();
    expect(refreshAudience([c('29:b', 1, '2026-11-02'), c('29:a', 0, '2026-10-01'), c('29:c', 1, '2026-11-03'), c('29:b', 0, '2026-11-01')])).toEqual(['29:b', '29:a', '29:c']);
    const many = Array.from({ length: 200 }, (_, i) => c(`29:u${String(i).padStart(3, '0')}`, i % 2, '2026-11-01'));
    const chosen = refreshAudience(many)!;
    expect(chosen).toHaveLength(60);
    expect(chosen.every((id) => Number(id.slice(4)) % 2 === 0)).toBe(true);
    expect(chosen).toEqual([...chosen].sort());
  });
});
