import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../bot/kernel/logger';
import { incidentPartitionKey } from '../bot/incidents/tables';
import type { IncidentCategory } from '../bot/common/taxonomy';
import type { IncidentRecord } from '../bot/incidents/model';
import { drainOutbox } from '../bot/outbox/sender';
import { detectHotspots } from '../bot/warnings/detect';
import { hotspotsFor } from '../bot/warnings/hotspots';
import { TIMER_FUNCTIONS } from '../functions/registry';
import { auditOf } from './support/audit';
import { activityFrom, cardOf, DAN, personalChat, PRIYA, startBotHarness, textOfCard, type BotHarness } from './support/botHarness';
import { validateAdaptiveCard } from './support/schemas';
import { ALERTS_CHANNEL, execute, inChannel, installAndMapChannel } from './support/teamSetup';

const TOM = { id: '29:tom', aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley' }; // GMP coordinator
const HELEN = { id: '29:helen', aadObjectId: '00000000-0000-4000-8000-000000000003', name: 'Helen Okafor' }; // GMP theme lead
const AISHA = { id: '29:aisha', aadObjectId: '00000000-0000-4000-8000-000000000005', name: 'Aisha Rahman' }; // Salix Homes
const SARA = { id: '29:sara', aadObjectId: '00000000-0000-4000-8000-0000000000a1', name: 'Sara Lindqvist' }; // Stockport Homes theme lead (added here)
const DAY = 86_400_000;
const START = new Date('2026-11-25T10:00:00Z');

/** Every log line, as the test logger saw it. */
const logs: string[] = [];
const testLogger: Logger = {
  info: (m, f) => logs.push(JSON.stringify({ m, f })),
  warn: (m, f) => logs.push(JSON.stringify({ m, f })),
  error: (m, f) => logs.push(JSON.stringify({ m, f })),
};
/** Every card the bot answered with (invoke responses), besides what went through the connector. */
const answered: unknown[] = [];

let bot: BotHarness;
beforeAll(async () => {
  bot = await startBotHarness({ log: testLogger, start: START });
  await installAndMapChannel(bot, 'stockport');
  await bot.runtime.ctx.store.members.upsert({ aadObjectId: SARA.aadObjectId, displayName: SARA.name, organisationId: 'stockport-homes', roles: ['staff', 'themeLead'], leadsThemes: ['public-safety'] });
  for (const user of [PRIYA, TOM, HELEN, AISHA, SARA]) {
    await bot.post(activityFrom(bot.connector.serviceUrl, user, personalChat(user), { type: 'installationUpdate', action: 'add' }));
  }
});
afterAll(async () => bot?.close());

const ctx = () => bot.runtime.ctx;
const drain = () => drainOutbox(ctx(), bot.runtime.transport, { sendTimeoutMs: 2000 });
const sentSince = (n: number) => bot.connector.sent.slice(n);

async function invoke(user: typeof PRIYA, verb: string, data: Record<string, unknown>, conversation = personalChat(user)) {
  const res = await execute(bot, user, conversation, verb, data);
  expect(res.status).toBe(200);
  answered.push(res.body);
  return res.body.value as any;
}

let seq = 900_000;
/** A hand-built incident, stored as a report stores it (index row and incident row). */
async function put(over: { area: string; daysAgo: number; category?: IncidentCategory; district?: string; org?: string; sharedWith?: string[] }): Promise<IncidentRecord> {
  const now = bot.now.value;
  const occurredAt = new Date(now.getTime() - over.daysAgo * DAY).toISOString();
  const reference = `STO-2026-${String(++seq).padStart(6, '0')}`;
  const record: IncidentRecord = {
    kind: 'incident', reference, borough: 'stockport', category: over.category ?? 'asb-nuisance', area: over.area, postcodeDistrict: over.district ?? 'SK5',
    occurredAt, reportedAt: new Date(Math.min(now.getTime(), Date.parse(occurredAt) + 3_600_000)).toISOString(),
    summary: 'Youths kicking a ball against parked cars late at night.', people: { victims: 0, suspects: 3, witnesses: 1, vulnerablePerson: false, childrenPresent: false },
    risk: 'standard', actions: ['none-yet'], sharedWith: over.sharedWith ?? ['gmp'], marking: 'OFFICIAL-SENSITIVE',
    reporter: { aadObjectId: PRIYA.aadObjectId, organisationId: over.org ?? 'stockport-homes', displayName: 'Priya Shah' },
    restricted: { fullAddress: '12 Example Walk, Stockport SK5 7ZZ' }, submissionId: randomUUID().replace(/-/g, ''), version: 1, updatedAt: occurredAt,
  };
  await ctx().store.incidentIndex.create({ reference, partitionKey: incidentPartitionKey('stockport', occurredAt, ctx().config.timeZone) });
  await ctx().store.incidents.create(record);
  return record;
}

const warningsAt = async (areaKey: string) => (await ctx().store.warnings.query("PartitionKey eq 'stockport'")).map((w) => w.value).filter((w) => w.areaKey === areaKey);
const channelCards = (since: number) => sentSince(since).filter((a) => a.conversationId === ALERTS_CHANNEL.id).map(cardOf);

describe('hotspot warnings', () => {
  it('fire exactly at the threshold, not one below, once, as a de-identified channel card', async () => {
    bot.now.value = START;
    for (const d of [1, 2, 3, 4]) await put({ area: 'Brinnington estate', daysAgo: d });
    await put({ area: 'Brinnington estate', daysAgo: 2, category: 'drugs' }); // another rule's category
    expect((await detectHotspots(ctx(), { boroughs: ['stockport'] })).raised).toEqual([]);
    expect(await warningsAt('brinnington estate')).toEqual([]);

    await put({ area: 'brinnington  Estate', daysAgo: 5, category: 'asb-environmental' });
    const before = bot.connector.sent.length;
    const run = await detectHotspots(ctx(), { boroughs: ['stockport'] });
    expect(run.raised).toHaveLength(1);
    expect(run.raised[0]).toMatchObject({ ruleId: 'asb', count: 5, postcodeDistrict: 'SK5', area: 'Brinnington estate', status: 'pending' });
    await drain();
    const [card] = channelCards(before);
    expect(validateAdaptiveCard(card)).toEqual([]);
    const text = textOfCard(card);
    expect(text).toContain('5 anti-social behaviour incidents in 14 days: Brinnington estate, SK5');
    // Area, district, counts and category only: no references, summaries, addresses or names.
    for (const secret of ['STO-2026-', 'kicking a ball', 'Example Walk', 'SK5 7ZZ', 'Priya']) expect(JSON.stringify(card)).not.toContain(secret);
    expect(card.actions.map((a: any) => a.verb)).toEqual(['hotspot.incidents', 'hotspot.propose']);
    expect((await warningsAt('brinnington estate'))[0]).toMatchObject({ status: 'posted', channels: 1 });
  });

  it('use a rolling window: an incident older than 14 days drops out', async () => {
    bot.now.value = START;
    for (const d of [1, 2, 3, 4]) await put({ area: 'Lancashire Hill', daysAgo: d });
    await put({ area: 'Lancashire Hill', daysAgo: 14 + 1 / 24 });
    await detectHotspots(ctx(), { boroughs: ['stockport'] });
    expect(await warningsAt('lancashire hill')).toEqual([]);
    bot.now.value = new Date(START.getTime() - DAY); // the day before, the same five were a hotspot
    await put({ area: 'Lancashire Hill', daysAgo: 0 }); // (one more, so the later check sees a change too)
    expect((await detectHotspots(ctx(), { boroughs: ['stockport'] })).raised.map((w) => w.area)).toEqual(['Lancashire Hill']);
    bot.now.value = START;
  });

  it('raise one warning per hotspot and window however often, and however concurrently, the detector runs', async () => {
    bot.now.value = START;
    for (const d of [0.5, 1, 2, 3, 6]) await put({ area: 'Adswood', district: 'SK3', daysAgo: d });
    const before = bot.connector.sent.length;
    const runs = await Promise.all(Array.from({ length: 8 }, () => detectHotspots(ctx(), { boroughs: ['stockport'] })));
    expect(runs.flatMap((r) => r.raised)).toHaveLength(1);
    for (const later of [15 * 60_000, 3_600_000, 3 * DAY, 10 * DAY]) {
      bot.now.value = new Date(START.getTime() + later);
      if (later === 3 * DAY) await put({ area: 'Adswood', district: 'SK3', daysAgo: 0 }); // a sixth in the same window: no new warning
      expect((await detectHotspots(ctx(), { boroughs: ['stockport'] })).raised).toEqual([]);
    }
    await drain();
    expect(channelCards(before).filter((c) => textOfCard(c).includes('Adswood'))).toHaveLength(1);
    const [w] = await warningsAt('adswood');
    expect(w!.windowStart).toBe('2026-11-24'); // the day of the fifth report (22:00 on the 24th)
    expect(await ctx().store.outbox.listPartition(`hotspot-${w!.id}`)).toHaveLength(1);

    // After the window ends, only new heat opens the next one.
    bot.now.value = new Date('2026-12-10T09:00:00Z');
    expect((await detectHotspots(ctx(), { boroughs: ['stockport'] })).raised).toEqual([]);
    for (const d of [0.1, 0.2, 0.3, 0.4, 0.5]) await put({ area: 'Adswood', district: 'SK3', daysAgo: d });
    const next = await Promise.all([detectHotspots(ctx()), detectHotspots(ctx())]);
    expect(next.flatMap((r) => r.raised).map((x) => x.windowStart)).toEqual(['2026-12-10']);
    expect(await warningsAt('adswood')).toHaveLength(2);
    bot.now.value = START;
  });

  it('show the incidents behind a warning only to those with access, audited per incident', async () => {
    bot.now.value = START;
    const shared = [];
    for (const d of [1, 2, 3, 4]) shared.push(await put({ area: 'Heaton Norris', district: 'SK4', daysAgo: d }));
    const salix = await put({ area: 'Heaton Norris', district: 'SK4', daysAgo: 1.5, org: 'salix-homes', sharedWith: ['gmp'] });
    const posted = bot.connector.sent.length;
    const [w] = (await detectHotspots(ctx(), { boroughs: ['stockport'] })).raised;
    await drain();
    // The buttons' data exactly as the channel card carries it (a real client sends it back unchanged).
    const channelCard = channelCards(posted).find((c) => textOfCard(c).includes('Heaton Norris'));
    const actions = channelCard.actions as { verb: string; data: Record<string, unknown> }[];
    expect(actions.map((a) => a.verb)).toEqual(['hotspot.incidents', 'hotspot.propose']);
    // Teams' web client and the Agents Playground throw on a data field named `key` ("Cannot assign to read only property 'key'").
    for (const a of actions) expect(Object.keys(a.data)).not.toContain('key');
    const data = actions[0]!.data;

    const list = await invoke(PRIYA, 'hotspot.incidents', data);
    expect(validateAdaptiveCard(list)).toEqual([]);
    const text = textOfCard(list);
    // The list and the channel card describe the same period, and the listed incidents lie inside it.
    const counted = channelCard.body.flatMap((b: any) => b.facts ?? []).find((f: any) => f.title === 'Counted')?.value as string;
    expect(counted).toMatch(/^5 reports from \w{3},? \d+ Nov 2026 to \w{3},? \d+ Nov 2026, within 14 days$/);
    expect(text).toContain(counted);
    for (const r of shared) expect(text).toContain(r.reference);
    expect(text).not.toContain(salix.reference);
    expect(text).toContain('1 more incident is not shared with Stockport Homes');
    const audit = async (ref: string) => (await auditOf(ctx().store, `incident:${ref}`));
    expect((await audit(shared[0]!.reference)).filter((a) => a.action === 'consultation' && a.justification?.includes(w!.id))).toHaveLength(1);
    expect((await audit(salix.reference)).filter((a) => a.action === 'refusal')).toHaveLength(1);

    // Pressed in the channel: the list goes to the private chat, the channel card stays de-identified.
    const before = bot.connector.sent.length;
    const inChannelCard = await invoke(TOM, 'hotspot.incidents', data, inChannel(ALERTS_CHANNEL.id));
    expect(textOfCard(inChannelCard)).toContain('sent the incidents');
    expect(JSON.stringify(inChannelCard)).not.toContain('STO-2026-');
    await drain();
    const privately = sentSince(before).find((a) => a.conversationId === personalChat(TOM).id);
    expect(textOfCard(cardOf(privately!))).toContain(salix.reference); // the police see every incident

    // Propose joint operation: coordinators only, the scheduling card filled in.
    expect(textOfCard(await invoke(PRIYA, 'hotspot.propose', data))).toContain('Only concordat coordinators');
    const form = await invoke(TOM, 'hotspot.propose', data);
    expect(validateAdaptiveCard(form)).toEqual([]);
    const value = (id: string) => JSON.stringify(form).match(new RegExp(`"id":"${id}"[^}]*?"value":"([^"]*)"`))?.[1] ?? JSON.stringify(form).match(new RegExp(`"value":"([^"]*)"[^{}]*?"id":"${id}"`))?.[1];
    expect(value('borough')).toBe('stockport');
    expect(value('area')).toBe('Heaton Norris');
    expect(value('incidents')?.split(',').sort()).toEqual([...shared, salix].map((r) => r.reference).sort());
  });

  it('are available to the digest, de-identified', async () => {
    const found = await hotspotsFor(ctx(), { boroughs: ['stockport'], from: new Date(START.getTime() - 7 * DAY), to: START });
    const adswood = found.find((h) => h.area === 'Adswood');
    expect(adswood).toMatchObject({ ruleId: 'asb', borough: 'stockport', boroughName: 'Stockport', postcodeDistrict: 'SK3', threshold: 5, windowDays: 14 });
    expect(adswood!.peakCount).toBeGreaterThanOrEqual(5);
    expect(found.map((h) => h.area)).toEqual(expect.arrayContaining(['Brinnington estate', 'Heaton Norris']));
    expect(JSON.stringify(found)).not.toMatch(/STO-2026-|Example Walk|kicking/);
  });

  it('run on a 15-minute timer', () => {
    expect(TIMER_FUNCTIONS.find((t) => t.name === 'warnings')?.schedule).toBe('0 */15 * * * *');
  });
});

describe('repeat complaints', () => {
  const CLEAR = ['STO/TEN 004512', 'sto-ten-004512', 'STOTEN004512'];
  const form = (over: Record<string, unknown>) => ({
    submissionId: randomUUID().replace(/-/g, ''),
    category: 'asb-nuisance', hateCrimeStrand: '', borough: 'stockport', postcodeDistrict: 'SK1', fullAddress: '', occurredTime: '20:00',
    summary: 'Loud music and shouting from a flat late at night, again.', details: '', victims: '1', suspects: '1', witnesses: '0',
    vulnerablePerson: 'false', childrenPresent: 'false', policeReference: '', risk: 'standard', actions: 'none-yet', marking: 'OFFICIAL-SENSITIVE',
    ...over,
  });
  const refOf = (card: any) => /Recorded: ([A-Z]{3}-\d{4}-\d{6})/.exec(textOfCard(card))?.[1];

  it('match the hashed reference across organisations that share with each other, warn leads privately at 3 in 6 months, and never show it in clear', async () => {
    bot.now.value = START;
    const before = bot.connector.sent.length;
    const report = async (user: typeof PRIYA, over: Record<string, unknown>) => {
      const card = await invoke(user, 'incident.submit', form(over));
      expect(refOf(card), textOfCard(card).slice(0, 400)).toBeDefined();
      return card;
    };
    // Too old (more than 6 months before the last), then two that count, and one the reporter cannot see.
    await report(PRIYA, { householdReference: CLEAR[0], area: 'Edgeley flats', occurredDate: '2026-04-01', sharedWith: 'gmp' });
    const first = await report(PRIYA, { householdReference: CLEAR[1], area: 'Edgeley flats', occurredDate: '2026-08-01', sharedWith: 'gmp' });
    const second = await report(TOM, { householdReference: CLEAR[2], area: 'Edgeley', occurredDate: '2026-10-15', sharedWith: 'stockport-homes' });
    expect(textOfCard(second)).toContain('repeat: 2nd in 6 months');
    const aisha = await report(AISHA, { householdReference: CLEAR[0], area: 'Edgeley', occurredDate: '2026-11-01', sharedWith: 'gmp' });
    expect(textOfCard(aisha)).not.toContain('repeat'); // not shared with Stockport Homes, and theirs not with Salix
    await drain();
    expect(sentSince(before).filter((a) => textOfCard(cardOf(a)).includes('case review'))).toEqual([]); // one below: nothing

    const third = form({ householdReference: ' sto / ten / 004512 ', area: 'Edgeley flats', occurredDate: '2026-11-24', sharedWith: 'gmp' });
    const confirmed = await invoke(PRIYA, 'incident.submit', third);
    expect(textOfCard(confirmed)).toContain('repeat: 3rd in 6 months');
    await invoke(PRIYA, 'incident.submit', third); // the same card again: no second warning
    await drain();
    const warned = sentSince(before).filter((a) => textOfCard(cardOf(a)).includes('ASB case review threshold'));
    expect(warned.map((a) => a.conversationId).sort()).toEqual([SARA, TOM, HELEN].map((u) => personalChat(u).id).sort());
    const warning = cardOf(warned[0]!);
    expect(validateAdaptiveCard(warning)).toEqual([]);
    expect(textOfCard(warning)).toContain('3 ASB complaints from one household in 6 months');
    expect(textOfCard(warning)).toMatch(/Sat, 1 Aug 2026[\s\S]*Thu, 15 Oct 2026[\s\S]*Tue, 24 Nov 2026/);
    expect(textOfCard(warning)).not.toContain('Apr 2026');
    expect(textOfCard(warning)).not.toContain('Salix');

    // Sending the matched complaints' references to the leads combines the records: each is logged once, with its recipients.
    const reference = refOf(confirmed)!;
    const matched = [refOf(first)!, refOf(second)!, reference];
    for (const ref of matched) {
      const combinations = (await auditOf(ctx().store, `incident:${ref}`)).filter((a) => a.action === 'combination');
      expect(combinations, ref).toHaveLength(1);
      expect(combinations[0]!.recipients?.slice().sort()).toEqual([SARA, TOM, HELEN].map((u) => u.aadObjectId).sort());
      expect(combinations[0]!.note).toContain(`triggered by ${reference}`);
      for (const other of matched.filter((r) => r !== ref)) expect(combinations[0]!.note).toContain(other);
    }

    // Cards show the repeat to authorised viewers only.
    expect(textOfCard(await invoke(TOM, 'incident.view', { reference }))).toContain('repeat: 3rd in 6 months');
    const refused = await invoke(AISHA, 'incident.view', { reference });
    expect(textOfCard(refused)).toContain('does not have access');
    expect(textOfCard(refused)).not.toContain('repeat');

    // The index holds hashes only; the reference is nowhere in clear: not in any card sent or answered, nor in any log line.
    const index = await ctx().store.complaintIndex.query("PartitionKey ne ''");
    expect(index.length).toBe(5);
    const everything = [JSON.stringify(bot.connector.sent), JSON.stringify(answered), logs.join('\n'), JSON.stringify(index)].join('\n');
    for (const clear of [...CLEAR, '004512', 'TEN 004512']) expect(everything).not.toContain(clear);
  });
});
