import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { escalateOverdueAlerts } from '../bot/alerts/escalate';
import { LOCAL_DEMO_PARTNER } from '../bot/kernel/config';
import { sign } from '../bot/partners/rules/signature';
import { Pacer } from '../bot/outbox/pacer';
import { drainOutbox } from '../bot/outbox/sender';
import { cardOf, DAN, personalChat, PRIYA, startBotHarness, textOfCard, type BotHarness } from './support/botHarness';
import { validateAdaptiveCard } from './support/schemas';
import { ALERTS_CHANNEL, execute, inChannel, installAndMapChannel, TEAM } from './support/teamSetup';

const TOM = { id: '29:tom', aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley' };
const fast = () => new Pacer({ perSecond: 1000, perConversationPerSecond: 1000, perConversationPer30s: 10_000 });

let bot: BotHarness;
beforeEach(async () => {
  bot = await startBotHarness();
  await installAndMapChannel(bot);
});
afterEach(async () => bot?.close());

const flush = () => drainOutbox(bot.runtime.ctx, bot.runtime.transport, { pacer: fast() });
const alertPosts = () => bot.connector.sent.filter((a) => a.method === 'POST' && textOfCard(cardOf(a)).includes('PARTNERSHIP ALERT'));

const form = {
  severity: 'high',
  boroughs: 'stockport',
  theme: 'public-safety',
  title: 'Closure order granted: Hollyhedge Court',
  body: 'A three-month closure order was granted this morning for a flat at Hollyhedge Court, Brinnington. Expect displacement to nearby blocks.',
  expiresInDays: '7',
  marking: 'OFFICIAL',
};

describe('alerts from the card', () => {
  it('refuses personal data with the error next to the field, keeping every typed value, and stores nothing', async () => {
    const opened = await execute(bot, TOM, personalChat(TOM), 'alert', {});
    const submissionId = opened.body.value.actions[0].data.submissionId;
    const body = 'Suspect DOB 12/03/1990, call 07700 900123 about 14 Acacia Road';
    const res = await execute(bot, TOM, personalChat(TOM), 'alert.submit', { submissionId, ...form, body });
    const card = res.body.value;
    expect(validateAdaptiveCard(card)).toEqual([]);
    const bodyInput = card.body.findIndex((e: any) => e.id === 'body');
    expect(card.body[bodyInput].value).toBe(body);
    expect(card.body[bodyInput + 1].text).toMatch(/personal data \(date of birth, phone number, house number and street\)/);
    expect(card.body.find((e: any) => e.id === 'title').value).toBe(form.title);
    expect(await bot.runtime.ctx.store.alerts.listPartition('alert')).toHaveLength(0);
  });

  it('posts a good alert to the mapped channel exactly once, even when the card is submitted twice', async () => {
    const opened = await execute(bot, TOM, personalChat(TOM), 'alert', {});
    expect(validateAdaptiveCard(opened.body.value)).toEqual([]);
    const submissionId = opened.body.value.actions[0].data.submissionId;
    const first = await execute(bot, TOM, personalChat(TOM), 'alert.submit', { submissionId, ...form });
    const second = await execute(bot, TOM, personalChat(TOM), 'alert.submit', { submissionId, ...form });
    expect(textOfCard(first.body.value)).toContain('It is going to 1 channel for Stockport');
    expect(textOfCard(second.body.value)).toContain('It is going to 1 channel for Stockport');
    await flush();
    await flush();
    const posts = alertPosts();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.conversationId).toBe(ALERTS_CHANNEL.id);
    const card = cardOf(posts[0]!);
    expect(validateAdaptiveCard(card)).toEqual([]);
    expect(textOfCard(card)).toContain('Acknowledged by 0 of');
    expect(textOfCard(card)).toContain('Stockport Homes');
  });

  it('refuses staff who may not raise alerts', async () => {
    const res = await execute(bot, PRIYA, personalChat(PRIYA), 'alert', {});
    expect(textOfCard(res.body.value)).toContain('Only authorised staff can raise alerts');
  });

  it('records an acknowledgement per organisation, refreshes the card and updates the channel copy', async () => {
    const opened = await execute(bot, TOM, personalChat(TOM), 'alert', {});
    await execute(bot, TOM, personalChat(TOM), 'alert.submit', { submissionId: opened.body.value.actions[0].data.submissionId, ...form });
    await flush();
    const alertId = cardOf(alertPosts()[0]!).actions[0].data.alertId;

    const ack = await execute(bot, PRIYA, inChannel(ALERTS_CHANNEL.id), 'alert.ack', { alertId });
    expect(textOfCard(ack.body.value)).toMatch(/Acknowledged by 1 of \d+ organisations[\s\S]*✔ Stockport Homes/);
    await execute(bot, PRIYA, inChannel(ALERTS_CHANNEL.id), 'alert.ack', { alertId }); // a second press changes nothing
    const record = (await bot.runtime.ctx.store.alerts.get({ partitionKey: 'alert', rowKey: alertId }))!.value;
    expect(record.acknowledgements.map((a) => a.organisationId)).toEqual(['stockport-homes']);

    await flush();
    await flush();
    const updates = bot.connector.sent.filter((a) => a.method === 'PUT');
    expect(updates).toHaveLength(1);
    expect(textOfCard(cardOf(updates[0]!))).toContain('✔ Stockport Homes');

    // "alerts" says who acknowledged, as help promises: the person privately, organisations and who is awaited everywhere.
    const mine = await execute(bot, TOM, personalChat(TOM), 'alerts', {});
    const listed = textOfCard(mine.body.value);
    expect(listed).toMatch(/1\/\d+ acknowledged: Stockport Homes \(Priya Shah, \w{3} \d+ \w{3} \d\d:\d\d\)/);
    expect(listed).toMatch(/waiting for [^;\n]*Stockport Council/);
    const inTeam = textOfCard((await execute(bot, TOM, inChannel(ALERTS_CHANNEL.id), 'alerts', {})).body.value);
    expect(inTeam).toContain('acknowledged: Stockport Homes (');
    expect(inTeam).not.toContain('Priya Shah');
  });

  it('escalates a high alert once when an organisation has not acknowledged in time, even with concurrent runs', async () => {
    const opened = await execute(bot, TOM, personalChat(TOM), 'alert', {});
    await execute(bot, TOM, personalChat(TOM), 'alert.submit', { submissionId: opened.body.value.actions[0].data.submissionId, ...form });
    await flush();
    expect(await escalateOverdueAlerts(bot.runtime.ctx)).toEqual({ escalated: 0 }); // not yet due
    bot.now.value = new Date(bot.now.value.getTime() + 121 * 60_000);
    const runs = await Promise.all([escalateOverdueAlerts(bot.runtime.ctx), escalateOverdueAlerts(bot.runtime.ctx)]);
    expect(runs.reduce((n, r) => n + r.escalated, 0)).toBeGreaterThanOrEqual(1);
    expect(await escalateOverdueAlerts(bot.runtime.ctx)).toEqual({ escalated: 0 });
    await flush();
    const reminders = bot.connector.sent.filter((a) => textOfCard(cardOf(a)).includes('not yet acknowledged'));
    expect(reminders).toHaveLength(1);
    expect(textOfCard(cardOf(reminders[0]!))).toContain('Stockport Homes');
  });

  it('stops posting to a team once the bot is removed from it', async () => {
    await bot.post({
      ...(await import('./support/botHarness')).activityFrom(bot.connector.serviceUrl, DAN, inChannel(TEAM.id), { type: 'conversationUpdate', membersRemoved: [{ id: '28:concordat-bot' }] }),
    });
    expect(await bot.runtime.ctx.store.channelMappings.listPartition('map')).toHaveLength(0);
    const opened = await execute(bot, TOM, personalChat(TOM), 'alert', {});
    const res = await execute(bot, TOM, personalChat(TOM), 'alert.submit', { submissionId: opened.body.value.actions[0].data.submissionId, ...form });
    expect(textOfCard(res.body.value)).toContain('no channel is mapped to Stockport');
    await flush();
    expect(alertPosts()).toHaveLength(0);
  });
});

describe('POST /api/alerts from a partner system', () => {
  const body = JSON.stringify({
    severity: 'warning',
    boroughs: ['stockport'],
    themeId: 'public-safety',
    title: 'Warrant day in Brinnington on Thursday',
    body: 'Expect a police presence around Brinnington from 06:00 on Thursday. Housing officers: avoid scheduling visits there until midday.',
    expiresInDays: 3,
  });
  const send = async (raw: string, opts: { secret?: string; ts?: number; key?: string; signature?: string } = {}) => {
    const ts = String(opts.ts ?? Math.floor(bot.now.value.getTime() / 1000));
    const res = await fetch(`${bot.host.url}/api/alerts`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-concordat-partner': LOCAL_DEMO_PARTNER.id,
        'x-concordat-timestamp': ts,
        'x-concordat-signature': opts.signature ?? sign(opts.secret ?? LOCAL_DEMO_PARTNER.secret, ts, raw),
        'idempotency-key': opts.key ?? 'key-0001-abcdef',
      },
      body: raw,
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const nothingPosted = async () => {
    expect(await bot.runtime.ctx.store.alerts.listPartition('alert')).toHaveLength(0);
    await flush();
    expect(alertPosts()).toHaveLength(0);
  };

  it('accepts a signed alert and posts it; a re-signed retry with the same key returns the same alert', async () => {
    const first = await send(body);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ channels: 1 });
    bot.now.value = new Date(bot.now.value.getTime() + 1000);
    const retry = await send(body);
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ alertId: first.body.alertId, replayed: true });
    await flush();
    expect(alertPosts()).toHaveLength(1);
  });

  it('refuses a wrong secret', async () => {
    const res = await send(body, { secret: 'not-the-partner-secret-at-all-0000000' });
    expect(res).toMatchObject({ status: 401, body: { error: expect.stringMatching(/signature does not match/) } });
    await nothingPosted();
  });

  it('refuses a stale timestamp', async () => {
    const res = await send(body, { ts: Math.floor(bot.now.value.getTime() / 1000) - 301 });
    expect(res).toMatchObject({ status: 401, body: { error: expect.stringMatching(/more than 5 minutes/) } });
    await nothingPosted();
  });

  it('refuses a replayed request', async () => {
    const ts = Math.floor(bot.now.value.getTime() / 1000);
    const signature = sign(LOCAL_DEMO_PARTNER.secret, String(ts), body);
    expect((await send(body, { ts, signature })).status).toBe(202);
    const replay = await send(body, { ts, signature });
    expect(replay).toMatchObject({ status: 401, body: { error: expect.stringMatching(/replay refused/) } });
  });

  it('refuses a tampered body', async () => {
    const ts = Math.floor(bot.now.value.getTime() / 1000);
    const signature = sign(LOCAL_DEMO_PARTNER.secret, String(ts), body);
    const res = await send(body.replace('Thursday', 'Friday'), { ts, signature });
    expect(res.status).toBe(401);
    await nothingPosted();
  });

  it('refuses an oversize body', async () => {
    const big = JSON.stringify({ ...JSON.parse(body), body: 'x'.repeat(70_000) });
    const res = await send(big);
    expect(res).toMatchObject({ status: 413, body: { error: expect.stringMatching(/over 64 KB/) } });
    await nothingPosted();
  });

  it('explains a bad body field by field, and refuses personal data', async () => {
    const res = await send(JSON.stringify({ ...JSON.parse(body), boroughs: ['cheshire'], body: 'Call 07700 900123' }), { key: 'key-0002-abcdef' });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'boroughs.0' }),
        expect.objectContaining({ field: 'body', message: expect.stringMatching(/phone number/) }),
      ]),
    );
    await nothingPosted();
  });

  it('refuses the same idempotency key with a different body', async () => {
    expect((await send(body)).status).toBe(202);
    bot.now.value = new Date(bot.now.value.getTime() + 1000);
    const other = await send(body.replace('Thursday', 'Friday'));
    expect(other).toMatchObject({ status: 409 });
  });
});

describe('alert fan-out under Teams limits and faults', () => {
  it('every channel receives the alert exactly once despite 429s, 5xx and dropped requests; a killed processor is finished by a restart', async () => {
    const channels = Array.from({ length: 40 }, (_, i) => ({ id: `19:ch-${i}@thread.tacv2`, name: `Channel ${i}` }));
    for (const ch of channels) await installAndMapChannel(bot, 'salford', ch);
    bot.connector.enforceLimits();
    bot.connector.failNext({ status: 503 }, { status: 429, retryAfter: 1 }, { status: 0 }, { status: 502 }, { status: 504 }, { status: -1 });

    const res = await (async () => {
      const ts = String(Math.floor(bot.now.value.getTime() / 1000));
      const raw = JSON.stringify({ severity: 'info', boroughs: ['salford'], themeId: 'public-safety', title: 'Community tension in Pendleton', body: 'Partners report rising community tension around the precinct; please share anything relevant.', expiresInDays: 3 });
      return fetch(`${bot.host.url}/api/alerts`, {
        method: 'POST',
        headers: { 'x-concordat-partner': LOCAL_DEMO_PARTNER.id, 'x-concordat-timestamp': ts, 'x-concordat-signature': sign(LOCAL_DEMO_PARTNER.secret, ts, raw), 'idempotency-key': 'fanout-0001' },
        body: raw,
      });
    })();
    expect(res.status).toBe(202);

    // The first processor is "killed" after 10 items: its budget runs out mid-fan-out.
    await drainOutbox(bot.runtime.ctx, bot.runtime.transport, { maxItems: 10, sendTimeoutMs: 5000 });
    // Restarts: each run picks up what is due; time moves on so backed-off retries come due.
    for (let i = 0; i < 12; i++) {
      bot.now.value = new Date(bot.now.value.getTime() + 60_000);
      await drainOutbox(bot.runtime.ctx, bot.runtime.transport, { sendTimeoutMs: 5000 });
    }
    const received = alertPosts().map((a) => a.conversationId);
    expect(new Set(received)).toEqual(new Set(channels.map((c) => c.id)));
    expect(received).toHaveLength(channels.length); // no duplicates
    expect(bot.connector.stats.injected).toBe(6);
  }, 60_000);
});
