import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_DEMO_PARTNER } from '../bot/kernel/config';
import { diffPriorities } from '../bot/priorities/rules/diff';
import { sign } from '../bot/partners/rules/signature';
import { Pacer } from '../bot/outbox/pacer';
import { drainOutbox } from '../bot/outbox/sender';
import { cardOf, DAN, findById, personalChat, PRIYA, startBotHarness, textOfCard, type BotHarness } from './support/botHarness';
import { validateAdaptiveCard } from './support/schemas';
import { ALERTS_CHANNEL, execute, inChannel, installAndMapChannel } from './support/teamSetup';

const HELEN = { id: '29:helen', aadObjectId: '00000000-0000-4000-8000-000000000003', name: 'Helen Okafor' };
let bot: BotHarness;
beforeEach(async () => {
  bot = await startBotHarness();
  await installAndMapChannel(bot);
});
afterEach(async () => bot?.close());
const flush = async () => {
  for (let i = 0; i < 2; i++) {
    await drainOutbox(bot.runtime.ctx, bot.runtime.transport, { pacer: new Pacer({ perSecond: 1000, perConversationPerSecond: 1000, perConversationPer30s: 10_000 }) });
    bot.now.value = new Date(bot.now.value.getTime() + 10_000);
  }
};

async function publishViaApi(priorities: { themeId: string; title: string }[], key: string, changeNote = '') {
  const raw = JSON.stringify({ borough: 'stockport', effectiveFrom: '2026-10-01', changeNote, publishedBy: HELEN.aadObjectId, priorities });
  const ts = String(Math.floor(bot.now.value.getTime() / 1000));
  const res = await fetch(`${bot.host.url}/api/priorities`, {
    method: 'POST',
    headers: { 'x-concordat-partner': LOCAL_DEMO_PARTNER.id, 'x-concordat-timestamp': ts, 'x-concordat-signature': sign(LOCAL_DEMO_PARTNER.secret, ts, raw), 'idempotency-key': key },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const V1 = [
  { themeId: 'public-safety', title: 'Residential burglary' },
  { themeId: 'public-safety', title: 'E-bike and off-road bike theft and misuse' },
  { themeId: 'vulnerable-people', title: 'Domestic abuse' },
  { themeId: 'vulnerable-people', title: 'Hate crime' },
];

describe('policing priorities', () => {
  it('publishing posts the card to mapped channels; an update edits it in place and posts what changed', async () => {
    expect(await publishViaApi(V1, 'prio-v1-0001')).toMatchObject({ status: 201, body: { version: 1, channels: 1 } });
    await flush();
    const posted = bot.connector.sent.filter((a) => a.conversationId === ALERTS_CHANNEL.id && textOfCard(cardOf(a)).includes('POLICING PRIORITIES'));
    expect(posted).toHaveLength(1);
    expect(validateAdaptiveCard(cardOf(posted[0]!))).toEqual([]);
    expect(textOfCard(cardOf(posted[0]!))).toMatch(/Stockport[\s\S]*Public Safety and Protection[\s\S]*• Residential burglary/);

    // Helen (police theme lead) updates from the card: adds knife crime, rewords the e-bike area, drops hate crime.
    const opened = await bot.say(HELEN, 'publish priorities stockport');
    expect(opened.status).toBe(200);
    const formCard = cardOf(bot.connector.sent.at(-1)!);
    expect(validateAdaptiveCard(formCard)).toEqual([]);
    const data = formCard.actions[0].data;
    expect(data.baseVersion).toBe('1');
    const res = await execute(bot, HELEN, personalChat(HELEN), 'priorities.submit', {
      ...data,
      effectiveFrom: '2026-11-25',
      'areas.public-safety': 'Residential burglary\nE-bike theft and misuse\nKnife crime',
      'areas.vulnerable-people': 'Domestic abuse',
      changeNote: 'Knife crime added after the November review.',
    });
    expect(textOfCard(res.body.value)).toContain('Stockport priorities published (version 2)');
    expect(textOfCard(res.body.value)).toContain('1 added, 1 removed, 1 reworded');
    await flush();

    const updates = bot.connector.sent.filter((a) => a.method === 'PUT');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.activityId).toBeDefined();
    expect(textOfCard(cardOf(updates[0]!))).toMatch(/Version 2[\s\S]*• Knife crime/);
    const note = bot.connector.sent.find((a) => textOfCard(cardOf(a)).includes('Priorities updated to version 2'))!;
    expect(textOfCard(cardOf(note))).toMatch(/Added: \*\*Knife crime\*\*[\s\S]*Removed: Hate crime[\s\S]*Reworded: E-bike and off-road bike theft and misuse → \*\*E-bike theft and misuse\*\*/);

    // Anyone can read the current version.
    await bot.say(PRIYA, 'priorities stockport vulnerable');
    const shown = textOfCard(cardOf(bot.connector.sent.at(-1)!));
    expect(shown).toContain('Version 2');
    expect(shown).toContain('Domestic abuse');
    expect(shown).not.toContain('• Knife crime'); // filtered to the theme asked for
  });

  it('a submission of the same card twice publishes one version', async () => {
    await publishViaApi(V1, 'prio-v1-0002');
    await bot.say(HELEN, 'publish priorities stockport');
    const data = cardOf(bot.connector.sent.at(-1)!).actions[0].data;
    const submit = () => execute(bot, HELEN, personalChat(HELEN), 'priorities.submit', { ...data, effectiveFrom: '2026-11-25', 'areas.public-safety': 'Knife crime', changeNote: 'Refocus.' });
    await submit();
    const again = await submit();
    expect(textOfCard(again.body.value)).toContain('(version 2)');
    expect(await bot.runtime.ctx.store.prioritySets.listPartition('stockport')).toHaveLength(2);
  });

  it('refuses staff who may not publish, and shows the form errors next to the fields', async () => {
    await bot.say(PRIYA, 'publish priorities stockport');
    expect(textOfCard(cardOf(bot.connector.sent.at(-1)!))).toContain('Only police leads and administrators publish priorities');
    await bot.say(DAN, 'publish priorities stockport');
    const data = cardOf(bot.connector.sent.at(-1)!).actions[0].data;
    const res = await execute(bot, DAN, personalChat(DAN), 'priorities.submit', { ...data, effectiveFrom: '', 'areas.public-safety': '<script>alert(1)</script>' });
    const text = textOfCard(res.body.value);
    expect(text).toContain('Choose a date');
    expect(text).toContain('HTML tags (anything between angle brackets) are not allowed: please use plain text');
    expect(findById(res.body.value, 'areas.public-safety').value).toBe('<script>alert(1)</script>');
    expect(await bot.runtime.ctx.store.prioritySets.listPartition('stockport')).toHaveLength(0);
  });

  it('an update with "What changed and why" left empty is a field error, values kept, nothing published (card and API)', async () => {
    await publishViaApi(V1, 'prio-v1-0003');
    await bot.say(HELEN, 'publish priorities stockport');
    const form = cardOf(bot.connector.sent.at(-1)!);
    // Marked required on the card for an update, so the client says so before sending.
    expect(findById(form, 'changeNote')).toMatchObject({ isRequired: true, errorMessage: expect.stringContaining('what changed') });
    expect(validateAdaptiveCard(form)).toEqual([]);
    const res = await execute(bot, HELEN, personalChat(HELEN), 'priorities.submit', { ...form.actions[0].data, effectiveFrom: '2026-11-25', 'areas.public-safety': 'Knife crime', changeNote: '  ' });
    expect(res.status).toBe(200);
    const again = res.body.value;
    expect(validateAdaptiveCard(again)).toEqual([]);
    expect(textOfCard(again)).toContain('Say what changed and why');
    expect(textOfCard(again)).not.toContain('Something went wrong');
    expect(findById(again, 'areas.public-safety').value).toBe('Knife crime');
    expect(await bot.runtime.ctx.store.prioritySets.listPartition('stockport')).toHaveLength(1);
    // A partner system gets a 400 naming the field, not a 500.
    expect(await publishViaApi([{ themeId: 'public-safety', title: 'Knife crime' }], 'prio-v2-0003')).toMatchObject({
      status: 400,
      body: { details: [{ field: 'changeNote', message: expect.stringContaining('Say what changed and why') }] },
    });
  });

  it('the channel settings card maps and unmaps a channel, for admins only', async () => {
    await bot.say(PRIYA, 'channel settings', inChannel(ALERTS_CHANNEL.id));
    expect(textOfCard(cardOf(bot.connector.sent.at(-1)!))).toContain('Only administrators change channel settings');
    const res = await execute(bot, DAN, inChannel(ALERTS_CHANNEL.id), 'channel.save', { boroughs: 'stockport,tameside', themes: 'public-safety' });
    expect(validateAdaptiveCard(res.body.value)).toEqual([]);
    expect(textOfCard(res.body.value)).toContain('Saved: this channel gets priorities and alerts for Stockport, Tameside');
    await bot.say(DAN, 'channels');
    const listed = textOfCard(cardOf(bot.connector.sent.at(-1)!));
    expect(listed).toContain('Stockport, Tameside; Public Safety and Protection');
    // Team and channel names, as Teams gave them at install, not the raw id.
    expect(listed).toContain('Stockport Priorities and Alerts (Stockport Community Safety)');
    expect(listed).not.toContain('@thread.tacv2');
    // The digest settings offer the channel by name too (Dan is an admin, so he may have digests).
    const digest = await execute(bot, DAN, personalChat(DAN), 'digest.settings', {});
    expect(JSON.stringify(digest.body.value)).toContain('Channel: Stockport Priorities and Alerts (Stockport Community Safety), for Stockport, Tameside');
    expect(JSON.stringify(digest.body.value)).not.toContain('unnamed channel');
    await execute(bot, DAN, inChannel(ALERTS_CHANNEL.id), 'channel.remove', { conversationId: ALERTS_CHANNEL.id });
    expect(await bot.runtime.ctx.store.channelMappings.listPartition('map')).toHaveLength(0);
  });
});

describe('what changed between versions', () => {
  it('tells added, removed and reworded areas apart', () => {
    const c = diffPriorities(
      [{ themeId: 'a', title: 'Knife crime' }, { themeId: 'a', title: 'Off-road bike misuse in parks' }, { themeId: 'b', title: 'Hate crime' }],
      [{ themeId: 'a', title: 'Knife crime' }, { themeId: 'a', title: 'Off-road bike misuse' }, { themeId: 'b', title: 'Modern slavery' }],
    );
    expect(c.reworded.map((r) => [r.from.title, r.to.title])).toEqual([['Off-road bike misuse in parks', 'Off-road bike misuse']]);
    expect(c.added.map((p) => p.title)).toEqual(['Modern slavery']);
    expect(c.removed.map((p) => p.title)).toEqual(['Hate crime']);
  });
});
