/**
 * What must hold when requests race or steps fail: one idempotency key is
 * acted on once, whatever arrives at the same time; a reference number is
 * drawn only for a report that will be stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEMO_PARTNER } from '../bot/kernel/config';
import { sign } from '../bot/partners/rules/signature';
import { newSubmissionId } from '../bot/incidents/reportForm';
import { raiseAlert } from '../bot/alerts/raise';
import { toAlertChannels } from '../bot/alerts/channels';
import { cardBytes, CARD_BYTE_BUDGET, type AdaptiveCard } from '../cards/render';
import { activityFrom, personalChat, PRIYA, startBotHarness, textOfCard, type BotHarness } from './support/botHarness';

let bot: BotHarness;
beforeAll(async () => {
  bot = await startBotHarness();
});
afterAll(async () => bot?.close());

describe('two partner requests with one idempotency key at the same time', () => {
  const alert = (day: string) =>
    JSON.stringify({
      severity: 'warning', boroughs: ['stockport'], themeId: 'public-safety', title: `Warrant day in Brinnington on ${day}`,
      body: `Expect a police presence around Brinnington from 06:00 on ${day}.`, expiresInDays: 3,
    });
  let n = 0;
  const send = async (raw: string, key: string) => {
    // Each attempt is signed afresh (a signature is accepted once), in the same second.
    const ts = String(Math.floor(bot.now.value.getTime() / 1000) - ++n);
    const res = await fetch(`${bot.host.url}/api/alerts`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json', 'x-concordat-partner': LOCAL_DEMO_PARTNER.id, 'x-concordat-timestamp': ts,
        'x-concordat-signature': sign(LOCAL_DEMO_PARTNER.secret, ts, raw), 'idempotency-key': key,
      },
      body: raw,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const alertsStored = async () => (await bot.runtime.ctx.store.alerts.listPartition('alert')).map((a) => a.value.alert.title);

  it('with different bodies: exactly one is accepted and the other is refused as a conflict; one alert exists', async () => {
    const before = (await alertsStored()).length;
    for (let round = 0; round < 5; round++) {
      const key = `race-different-${round}-key`;
      const results = await Promise.all([send(alert('Thursday'), key), send(alert('Friday'), key)]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses, JSON.stringify(results)).toEqual([202, 409]);
    }
    expect((await alertsStored()).length).toBe(before + 5);
  });

  it('with the same body: one alert, and both callers get its id', async () => {
    const before = (await alertsStored()).length;
    const key = 'race-same-body-key';
    const results = await Promise.all([send(alert('Monday'), key), send(alert('Monday'), key)]);
    const accepted = results.filter((r) => r.status === 202);
    // The second either waits for the first's answer (a replay) or is told the first is still in progress.
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    for (const r of results) if (r.status !== 202) expect(r).toMatchObject({ status: 409, body: { error: expect.stringMatching(/still being processed/) } });
    expect(new Set(accepted.map((r) => r.body.alertId)).size).toBe(1);
    expect((await alertsStored()).length).toBe(before + 1);
    // Afterwards, a retry gets the original answer.
    const retry = await send(alert('Monday'), key);
    expect(retry).toMatchObject({ status: 202, body: { alertId: accepted[0]!.body.alertId, replayed: true } });
  });
});

describe('an alert to many channels', () => {
  it('posts to 320 mapped channels: each channel is a row of its own, so the alert row stays small; acknowledgements reach every post', async () => {
    const ctx = bot.runtime.ctx;
    const at = bot.now.value.toISOString();
    for (let i = 0; i < 320; i++) {
      const conversationId = `19:wigan-channel-${String(i).padStart(3, '0')}-abcdefghijklmnopqrstuvwxyz0123456789@thread.tacv2`;
      await ctx.store.conversations.upsert({ kind: 'channel', conversationId, serviceUrl: bot.connector.serviceUrl, tenantId: '00000000-0000-4000-8000-0000000c0dec', teamId: 'team-wigan', channelId: conversationId, installedAt: at });
      await ctx.store.channelMappings.upsert({ conversationId, teamId: 'team-wigan', boroughs: ['wigan'], themes: [], mappedBy: '00000000-0000-4000-8000-000000000004', mappedAt: at });
    }
    const res = await raiseAlert(ctx, {
      alertId: 'alert-many-channels', source: 'api', organisationId: 'gmp', displayName: 'GMP control room',
      input: { severity: 'warning', boroughs: ['wigan'], themeId: 'public-safety', title: 'Road closures in Wigan town centre', body: 'Expect diversions all weekend.', expiresInDays: 2, marking: 'OFFICIAL' },
    });
    expect(res).toMatchObject({ ok: true, channels: 320 });
    const row = await ctx.store.alerts.get({ partitionKey: 'alert', rowKey: 'alert-many-channels' });
    expect(JSON.stringify(row!.value).length * 2).toBeLessThan(16 * 1024);
    const posts = await ctx.store.outbox.listPartition('alert-many-channels');
    expect(posts).toHaveLength(320);
    const updates = await toAlertChannels(ctx, row!.value, (p) => ({ id: `${p.itemId}.ack`, payload: { text: 'acknowledged' } }));
    expect(updates).toHaveLength(320);
  }, 120_000);
});

describe('reference numbers', () => {
  const invoke = async (verb: string, data: Record<string, unknown>) => {
    const res = await bot.post(
      activityFrom(bot.connector.serviceUrl, PRIYA, personalChat(PRIYA), {
        type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual' },
      }),
    );
    expect(res.status).toBe(200);
    return textOfCard(res.body.value);
  };
  const form = (over: Record<string, string>) => ({
    submissionId: newSubmissionId(), category: 'asb-nuisance', hateCrimeStrand: '', borough: 'salford', area: 'Ordsall estate', postcodeDistrict: 'M5',
    fullAddress: '', occurredDate: '2026-11-24', occurredTime: '21:30', summary: 'Group of youths throwing stones at passing buses near the shops.',
    details: '', victims: '0', suspects: '4', witnesses: '2', vulnerablePerson: 'false', childrenPresent: 'false', policeReference: '', risk: 'standard',
    actions: 'reported-to-police', sharedWith: 'gmp', marking: 'OFFICIAL-SENSITIVE', ...over,
  });
  const reference = (text: string) => /Recorded: ([A-Z]{3}-\d{4}-(\d{6}))/.exec(text);

  it('a report timed in the minute ahead of the clock is stored without leaving a gap in the sequence', async () => {
    bot.now.value = new Date('2026-11-25T10:00:20Z');
    const first = reference(await invoke('incident.submit', form({ occurredDate: '2026-11-25', occurredTime: '10:01' })));
    const second = reference(await invoke('incident.submit', form({})));
    expect(first, 'the report a few seconds ahead of the clock is stored').not.toBeNull();
    expect(second).not.toBeNull();
    expect(Number(second![2]) - Number(first![2])).toBe(1);
  });
});

describe('an incident with a long history', () => {
  const invoke = async (verb: string, data: Record<string, unknown>, conversation = personalChat(PRIYA)) => {
    const res = await bot.post(
      activityFrom(bot.connector.serviceUrl, PRIYA, conversation, {
        type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual' },
      }),
    );
    expect(res.status).toBe(200);
    return res.body.value as AdaptiveCard;
  };
  const buttonData = (card: AdaptiveCard, title: string) =>
    (JSON.stringify(card).includes(`"title":"${title}"`) ? (card as any).actions.find((a: any) => a.title === title)?.data : undefined) as Record<string, unknown> | undefined;

  it('20 long updates: the details card stays under 28 KB, shows the latest changes, and pages back through every one', async () => {
    bot.now.value = new Date('2026-11-25T12:00:00Z');
    const confirmation = textOfCard(await invoke('incident.submit', {
      submissionId: newSubmissionId(), category: 'asb-nuisance', hateCrimeStrand: '', borough: 'stockport', area: 'Brinnington estate', postcodeDistrict: 'SK5',
      fullAddress: '', occurredDate: '2026-11-24', occurredTime: '21:30', summary: 'Group of youths throwing stones at passing buses near the shops.',
      details: 'd'.repeat(3000), victims: '0', suspects: '4', witnesses: '2', vulnerablePerson: 'false', childrenPresent: 'false', policeReference: '', risk: 'standard',
      actions: 'reported-to-police', sharedWith: 'gmp', marking: 'OFFICIAL-SENSITIVE',
    }));
    const reference = /Recorded: ([A-Z]{3}-\d{4}-\d{6})/.exec(confirmation)![1]!;
    for (let i = 1; i <= 20; i++) {
      const note = `Update ${i}: ${'Patrols continued around the shops and the bus stops; residents report less trouble this week. '.repeat(20)}`.slice(0, 2000);
      await invoke('incident.update.submit', { reference, submissionId: newSubmissionId(), note });
    }

    const latest = await invoke('incident.view', { reference });
    expect(cardBytes(latest)).toBeLessThan(CARD_BYTE_BUDGET);
    expect(textOfCard(latest)).toMatch(/the latest 5 of 21 changes/);
    expect(textOfCard(latest)).toMatch(/Update 20:/);

    // Paging back reaches every change exactly once, oldest last.
    const seen: string[] = [];
    let card = latest;
    for (let pages = 0; pages < 10; pages++) {
      expect(cardBytes(card)).toBeLessThan(CARD_BYTE_BUDGET);
      seen.push(...[...textOfCard(card).matchAll(/Update (\d+):/g)].map((m) => m[1]!));
      const earlier = buttonData(card, 'Earlier changes');
      if (!earlier) break;
      card = await invoke('incident.view', earlier);
    }
    expect(new Set(seen).size).toBe(20);
    expect(textOfCard(card)).toMatch(/Reported/);
    // The same card is what a view from a channel puts in the outbox row (which failed with PropertyValueTooLarge before).
  }, 120_000);
});

