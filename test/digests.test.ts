import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../bot/kernel/context';
import { buildThemeDigest } from '../bot/digests/build';
import { digestBatchId, digestItemId, runDigests } from '../bot/digests/deliver';
import { DigestSources } from '../bot/digests/sources';
import type { IncidentRecord } from '../bot/incidents/model';
import { weekMarkOp } from '../bot/incidents/weekMark';
import { incidentPartitionKey } from '../bot/incidents/tables';
import { Pacer } from '../bot/outbox/pacer';
import { drainOutbox } from '../bot/outbox/sender';
import { cardBytes, CARD_BYTE_BUDGET } from '../cards/render';
import { TIMER_FUNCTIONS } from '../functions/registry';
import { activityFrom, cardOf, DAN, personalChat, PRIYA, startBotHarness, TENANT, textOfCard, type BotHarness } from './support/botHarness';
import { validateAdaptiveCard } from './support/schemas';
import { execute } from './support/teamSetup';

/**
 * Weekly digests end to end, on a known data set whose figures are worked
 * out by hand below. The reported week is 2026-W43 (Mon 19 – Sun 25 Oct
 * 2026), which ends with the clocks going back (25 Oct, 02:00 BST → 01:00
 * GMT): it runs from 18 Oct 23:00Z to 26 Oct 00:00Z.
 */
const HELEN = { id: '29:helen', aadObjectId: '00000000-0000-4000-8000-000000000003', name: 'Helen Okafor' }; // GMP, leads public-safety and organised-crime
const GARETH = { id: '29:gareth', aadObjectId: '00000000-0000-4000-8000-000000000006', name: 'Gareth Lowe' };

// Personal data the digest must never show: in restricted details, addresses, summaries and reporter names.
const SECRET_NAME = 'Jolene Fairweather-Smythe';
const SECRET_ADDRESS = '14 Acacia Road, Brinnington';
const SECRET_SUMMARY = 'Zebracorn distinctive summary wording';

let bot: BotHarness;
let ctx: AppContext;
let seq = 0;

function incident(borough: 'stockport' | 'bury', category: IncidentRecord['category'], occurredAt: string, over: Partial<IncidentRecord> = {}): IncidentRecord {
  seq++;
  const code = borough === 'stockport' ? 'STO' : 'BUR';
  return {
    kind: 'incident',
    reference: `${code}-2026-${String(900 + seq).padStart(6, '0')}`,
    borough,
    category,
    area: 'Brinnington',
    postcodeDistrict: 'SK5',
    occurredAt,
    reportedAt: occurredAt,
    summary: `${SECRET_SUMMARY} number ${seq}, seen by ${SECRET_NAME}.`,
    people: { victims: 1, suspects: 1, witnesses: 0, vulnerablePerson: false, childrenPresent: false },
    risk: 'standard',
    actions: ['reported-to-police'],
    sharedWith: ['gmp'],
    marking: 'OFFICIAL-SENSITIVE',
    reporter: { aadObjectId: PRIYA.aadObjectId, organisationId: 'stockport-homes', displayName: 'Priya Shah' },
    restricted: { fullAddress: SECRET_ADDRESS, details: `Victim ${SECRET_NAME}, DOB 01/02/1980.` },
    submissionId: `seed${String(seq).padStart(8, '0')}`,
    version: 1,
    updatedAt: occurredAt,
    ...over,
  };
}

/** Stores an incident the way the write path does: the row and a new change marker in one transaction. */
async function put(r: IncidentRecord) {
  const pk = incidentPartitionKey(r.borough, r.occurredAt, ctx.config.timeZone);
  await ctx.store.incidents.transact([{ op: 'create', value: r }, weekMarkOp(pk, r.reportedAt)]);
}

const W43 = { from: '2026-10-18T23:00:00Z', to: '2026-10-26T00:00:00Z' };

beforeAll(async () => {
  bot = await startBotHarness({ start: new Date('2026-10-26T07:59:00Z') });
  ctx = bot.runtime.ctx;
  const rows = [
    // W43 (the reported week), Stockport
    incident('stockport', 'asb-nuisance', '2026-10-18T23:30:00Z'), // Mon 19 Oct 00:30 BST: W43, not W42
    incident('stockport', 'asb-nuisance', '2026-10-21T19:00:00Z', { risk: 'high', area: 'brinnington' }), // same place, typed in lower case
    incident('stockport', 'asb-nuisance', '2026-10-25T23:30:00Z'), // Sun 25 Oct 23:30 GMT, after the clocks went back: still W43
    incident('stockport', 'burglary', '2026-10-22T10:00:00Z', { risk: 'high', postcodeDistrict: 'SK1', area: 'Town centre' }),
    incident('stockport', 'domestic-abuse', '2026-10-23T20:00:00Z', { risk: 'high' }), // not a public-safety category
    // W42
    incident('stockport', 'asb-nuisance', '2026-10-18T22:30:00Z'), // Sun 18 Oct 23:30 BST: W42
    incident('stockport', 'burglary', '2026-10-14T12:00:00Z', { postcodeDistrict: 'SK1', area: 'Town centre' }),
    // W41
    incident('stockport', 'asb-personal', '2026-10-07T12:00:00Z', { postcodeDistrict: 'SK2', area: 'Offerton' }),
    // W40
    incident('stockport', 'asb-nuisance', '2026-10-01T12:00:00Z'),
    incident('stockport', 'asb-nuisance', '2026-10-02T12:00:00Z'),
    // W39: none. W44: after the reported week.
    incident('stockport', 'asb-nuisance', '2026-10-26T00:30:00Z'), // Mon 26 Oct 00:30 GMT: W44
    // Bury: no incidents at all.
  ];
  for (const r of rows) await put(r);

  const alert = (id: string, themeId: string, boroughs: ('stockport' | 'trafford')[], raisedAt: string, acks: string[]) => ({
    alert: {
      id, severity: 'warning' as const, boroughs, themeId, title: 'Closure order granted on the estate', body: `Contact ${SECRET_NAME} for access.`,
      raisedAt, expiresAt: '2026-11-30T00:00:00Z', raisedBy: { organisationId: 'gmp', displayName: 'Tom Bradley' }, marking: 'OFFICIAL' as const,
    },
    source: 'card' as const, batchId: `alert-${id}`, posts: [], expectedOrganisations: ['gmp', 'stockport-homes', 'stockport-council'],
    acknowledgements: acks.map((organisationId) => ({ organisationId, byName: 'Someone', at: raisedAt })),
  });
  await ctx.store.alerts.upsert(alert('alert-w43-ps', 'public-safety', ['stockport'], '2026-10-20T09:00:00Z', ['stockport-homes']));
  await ctx.store.alerts.upsert(alert('alert-w43-vp', 'vulnerable-people', ['stockport'], '2026-10-20T09:00:00Z', [])); // another theme
  await ctx.store.alerts.upsert(alert('alert-w43-tra', 'public-safety', ['trafford'], '2026-10-21T09:00:00Z', [])); // another borough
  await ctx.store.alerts.upsert(alert('alert-w44-ps', 'public-safety', ['stockport'], '2026-10-26T06:00:00Z', [])); // after the week

  const op = (id: string, startsAt: string, endsAt: string, outcomes?: { arrests: number; warrantsExecuted: number; referrals: number }) => ({
    id, name: `Operation ${SECRET_NAME}`, type: 'day-of-action' as const, borough: 'stockport' as const, area: 'Brinnington', startsAt, endsAt,
    leadOrganisationId: 'gmp', partnerOrganisationIds: ['stockport-homes'], participants: [], coordinator: '00000000-0000-4000-8000-000000000002',
    linkedIncidents: [], reminderOffsetsMin: [], outcomesAfterMin: 60, status: outcomes ? ('completed' as const) : ('scheduled' as const),
    ...(outcomes ? { outcomes: { ...outcomes, premisesClosed: 0, vehiclesSeized: 0, notes: `Arrested ${SECRET_NAME}`, recordedBy: '00000000-0000-4000-8000-000000000002', recordedAt: endsAt } } : {}),
  });
  await ctx.store.operations.upsert(op('OP-STO-AAAAAA', '2026-10-22T07:00:00Z', '2026-10-22T15:00:00Z', { arrests: 3, warrantsExecuted: 1, referrals: 2 }));
  await ctx.store.operations.upsert(op('OP-STO-BBBBBB', '2026-10-28T09:00:00Z', '2026-10-28T12:00:00Z'));

  const prio = (version: number, publishedAt: string, titles: string[]) => ({
    borough: 'stockport' as const, version, effectiveFrom: '2026-09-01', publishedAt, publishedBy: HELEN.aadObjectId,
    changeNote: version > 1 ? 'Knife crime added after the summer' : '', priorities: titles.map((title) => ({ themeId: 'public-safety', title })),
  });
  await ctx.store.prioritySets.upsert(prio(1, '2026-09-01T09:00:00Z', ['Anti-social behaviour']));
  await ctx.store.prioritySets.upsert(prio(2, '2026-10-21T09:00:00Z', ['Anti-social behaviour', 'Knife crime']));
});
afterAll(async () => bot?.close());

const build = (themeId: string, boroughs: ('stockport' | 'bury')[] = ['stockport', 'bury']) =>
  buildThemeDigest(ctx, new DigestSources(ctx), { themeId, boroughs, weekMonday: '2026-10-19', preview: false, timeZone: 'Europe/London' });

/** The card as a client without chart support renders it: each Chart.* element replaced by its fallback. */
function withChartFallbacks(card: any): any {
  const walk = (n: any): any => {
    if (Array.isArray(n)) return n.map(walk);
    if (n && typeof n === 'object') {
      if (typeof n.type === 'string' && n.type.startsWith('Chart.')) return walk(n.fallback);
      return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, walk(v)]));
    }
    return n;
  };
  return walk(card);
}

describe('digest figures from a known data set', () => {
  it('public safety, Stockport and Bury, week 2026-W43 (the clock-change week): counts worked out by hand', async () => {
    const { figures } = (await build('public-safety'))!;
    // Theme categories per week W39..W43: 0, 2 (W40), 1 (W41), 2 (W42), 4 (W43: three ASB nuisance and one burglary; domestic abuse is not in the theme).
    expect(figures.trend).toEqual([
      { week: '2026-W39', count: 0 },
      { week: '2026-W40', count: 2 },
      { week: '2026-W41', count: 1 },
      { week: '2026-W42', count: 2 },
      { week: '2026-W43', count: 4 },
    ]);
    // Average of the four weeks before: (0 + 2 + 1 + 2) / 4 = 1.25 → 1.3; +2 on 2 is +100%; (4 − 1.25) / 1.25 = +220%.
    expect(figures.total).toEqual({ thisWeek: 4, previous: 2, average4: 1.3, change: 2, changePct: 100, vsAveragePct: 220 });
    expect(figures.byCategory).toEqual([
      { category: 'asb-nuisance', thisWeek: 3, previous: 1, average4: 0.8, change: 2, changePct: 200, vsAveragePct: 300 }, // 0,2,0,1 → 0.75
      { category: 'burglary', thisWeek: 1, previous: 1, average4: 0.3, change: 0, changePct: 0, vsAveragePct: 300 }, // 0,0,0,1 → 0.25
      { category: 'asb-personal', thisWeek: 0, previous: 0, average4: 0.3, change: 0, vsAveragePct: -100 },
    ]);
    // Bury has no incidents: it is listed with zeros, not left out.
    expect(figures.byBorough).toEqual([
      { borough: 'stockport', thisWeek: 4, previous: 2, average4: 1.3, change: 2, changePct: 100, vsAveragePct: 220 },
      { borough: 'bury', thisWeek: 0, previous: 0, average4: 0, change: 0 },
    ]);
    expect(figures.highRisk).toEqual({ thisWeek: 2, previous: 0 });
    // SK5 Brinnington has four incidents in W43, three of them in the theme; SK1 Town centre has one (not a hotspot).
    expect(figures.hotspots).toEqual([{ borough: 'stockport', district: 'SK5', area: 'Brinnington', count: 3 }]);
    // One public-safety alert for Stockport in the week: 1 of 3 expected organisations acknowledged.
    expect(figures.alerts).toEqual({ raised: 1, expected: 3, acknowledged: 1, sharePct: 33 });
    expect(figures.operations).toMatchObject({ completed: 1, withOutcomes: 1, awaitingOutcomes: 0, totals: { arrests: 3, warrantsExecuted: 1, premisesClosed: 0, vehiclesSeized: 0, referrals: 2 } });
    expect(figures.operations.upcoming.map((o) => o.id)).toEqual(['OP-STO-BBBBBB']);
    expect(figures.priorityChanges).toEqual([{ borough: 'stockport', version: 2, added: ['Knife crime'], removed: [], reworded: [] }]);
  });

  it('counts the same week differently for another theme, and a borough with no incidents reads zero', async () => {
    const vp = (await build('vulnerable-people'))!.figures;
    expect(vp.total).toMatchObject({ thisWeek: 1, previous: 0, average4: 0 });
    expect(vp.highRisk.thisWeek).toBe(1);
    expect(vp.hotspots).toEqual([]); // one domestic abuse incident in Brinnington is not a hotspot
    expect(vp.alerts).toMatchObject({ raised: 1, acknowledged: 0, sharePct: 0 });
    const bury = (await build('public-safety', ['bury']))!.figures;
    expect(bury.total).toEqual({ thisWeek: 0, previous: 0, average4: 0, change: 0 });
    expect(bury.trend.map((t) => t.count)).toEqual([0, 0, 0, 0, 0]);
    expect(bury.operations.completed).toBe(0);
  });

  it('serves a borough-week from its cached stats row until an incident is written there, then recomputes', async () => {
    await build('public-safety'); // computes and stores the stats rows
    const cached = await ctx.store.weekStats.get({ partitionKey: '2026-W43', rowKey: 'stockport' });
    const mark = await ctx.store.incidents.get({ partitionKey: 'stockport-2026-W43', rowKey: '~mark' });
    expect(mark?.value.kind === 'weekMark' && cached?.value.mark === mark.value.nonce).toBe(true);
    expect(cached?.value.stats.byCategory).toEqual({ 'asb-nuisance': 3, 'domestic-abuse': 1, burglary: 1 });
    // A borough-week with no incidents is cached too, as zeros.
    expect((await ctx.store.weekStats.get({ partitionKey: '2026-W43', rowKey: 'bury' }))?.value).toMatchObject({ mark: '', stats: { incidents: 0 } });
    // A report through the card (the real write path) moves the marker in the incident's own transaction.
    bot.now.value = new Date('2026-10-26T07:59:00Z');
    const res = await execute(bot, PRIYA, personalChat(PRIYA), 'incident.submit', {
      submissionId: randomUUID().replace(/-/g, ''), category: 'vehicle-crime', hateCrimeStrand: '', borough: 'stockport', area: 'Brinnington',
      postcodeDistrict: 'SK5', fullAddress: '', occurredDate: '2026-10-24', occurredTime: '21:30', summary: 'Two off-road bikes ridden across the playing fields.',
      details: '', victims: '0', suspects: '2', witnesses: '1', vulnerablePerson: 'false', childrenPresent: 'false', policeReference: '', risk: 'standard',
      actions: 'reported-to-police', sharedWith: 'gmp', marking: 'OFFICIAL-SENSITIVE',
    });
    expect(textOfCard(res.body.value)).toMatch(/Recorded: STO-2026-\d{6}/);
    const after = (await build('public-safety'))!.figures;
    expect(after.total.thisWeek).toBe(5);
    expect(after.hotspots).toEqual([{ borough: 'stockport', district: 'SK5', area: 'Brinnington', count: 4 }]);
  });
});

describe('the digest card', () => {
  it('is a chart first, then figures; validates against Adaptive Cards 1.5 with the chart replaced by its fallback; fits 28 KB', async () => {
    const card = (await build('public-safety'))!.card as any;
    const chartAt = card.body.findIndex((e: any) => e.type === 'Chart.VerticalBar');
    const firstFigures = card.body.findIndex((e: any) => e.type === 'Container' || e.type === 'FactSet');
    expect(chartAt).toBeGreaterThan(0);
    expect(chartAt).toBeLessThan(firstFigures);
    expect(card.body[chartAt].data).toEqual([{ x: 'W39', y: 0 }, { x: 'W40', y: 2 }, { x: 'W41', y: 1 }, { x: 'W42', y: 2 }, { x: 'W43', y: 5 }]);
    // Chart.VerticalBar is a Teams extension, not in the published 1.5 schema: validate what a client without charts renders.
    expect(card.body[chartAt].fallback.type).toBe('ColumnSet');
    expect(validateAdaptiveCard(withChartFallbacks(card))).toEqual([]);
    expect(cardBytes(card)).toBeLessThan(CARD_BYTE_BUDGET);
    const text = textOfCard(withChartFallbacks(card));
    expect(text).toContain('Weekly digest · Public Safety and Protection');
    expect(text).toContain('Week 43 · 19 Oct – 25 Oct 2026 · Stockport, Bury');
    expect(text).toContain('**5 incidents** · ▲ 3 (+150%) on the week before · 4-week average 1.3');
    expect(text).toContain('**4** · SK5 Brinnington (Stockport)');
    expect(text).toContain('33% acknowledged (1 of 3)');
    expect(text).toContain('3 arrests, 1 warrants executed, 2 referrals');
    expect(text).toContain('Stockport v2: added Knife crime');
    expect(text).toMatch(/Day of action · Stockport, Brinnington · Wed 28 Oct/);
  });

  it('reads without the chart: iOS Teams draws neither the chart nor its fallback, so every week\'s figure is also in the text', async () => {
    const card = (await build('public-safety'))!.card as any;
    const withoutCharts = (n: any): any =>
      Array.isArray(n)
        ? n.filter((e) => !(typeof e?.type === 'string' && e.type.startsWith('Chart.'))).map(withoutCharts)
        : n && typeof n === 'object'
          ? Object.fromEntries(Object.entries(n).map(([k, v]) => [k, withoutCharts(v)]))
          : n;
    const text = textOfCard(withoutCharts(card));
    expect(text).toContain('Incidents per week: W39 0 · W40 2 · W41 1 · W42 2 · W43 5');
  });

  it('carries no names, incident text or addresses', async () => {
    const card = (await build('public-safety'))!.card as any;
    const json = JSON.stringify(card);
    for (const secret of [SECRET_NAME, 'Fairweather', SECRET_ADDRESS, 'Acacia', 'Zebracorn', 'Priya Shah', 'Tom Bradley', 'Helen Okafor', 'Two off-road bikes', 'DOB', 'Closure order granted']) {
      expect(json).not.toContain(secret);
    }
  });

  it('draws the chart only when its axis ticks are whole numbers; five empty weeks read as one sentence, not an axis of 2.50e-5', async () => {
    const charted = (await build('public-safety', ['stockport']))!.card as any; // weeks 0, 2, 1, 2, 4
    expect(charted.body.filter((e: any) => e.type === 'Chart.VerticalBar')).toHaveLength(1);
    const one = (await build('vulnerable-people', ['stockport']))!.card as any; // weeks 0, 0, 0, 0, 1: the axis would read 0.25, 0.5, 0.75
    expect(one.body.filter((e: any) => e.type === 'Chart.VerticalBar')).toEqual([]);
    expect(validateAdaptiveCard(one)).toEqual([]);
    expect(textOfCard(one)).toContain('Incidents per week: W39 0 · W40 0 · W41 0 · W42 0 · W43 1');
    const none = (await build('public-safety', ['bury']))!.card as any;
    expect(none.body.filter((e: any) => e.type === 'Chart.VerticalBar')).toEqual([]);
    expect(textOfCard(none)).not.toContain('Incidents per week');
    expect(validateAdaptiveCard(none)).toEqual([]);
    expect(textOfCard(none)).toContain('No incidents in these five weeks.');
  });

  it('opens the list behind a category row, access-checked: the tapping user sees their own organisation\'s reports', async () => {
    const card = (await build('public-safety', ['stockport']))!.card as any;
    const row = card.body.flatMap((e: any) => e.items ?? []).find((e: any) => e.selectAction?.data?.category === 'asb-nuisance');
    expect(row.selectAction).toMatchObject({ type: 'Action.Execute', verb: 'incidents.list', data: { borough: 'stockport', category: 'asb-nuisance', days: '30' } }); // W43 began over 7 days before 26 Oct 07:59
    const priya = await execute(bot, PRIYA, personalChat(PRIYA), 'incidents.list', row.selectAction.data);
    expect(textOfCard(priya.body.value)).toContain('Incidents reported by Stockport Homes');
    const stranger = await execute(bot, { id: '29:x', aadObjectId: '00000000-0000-4000-8000-0000000000ee', name: 'Nobody' }, personalChat(PRIYA), 'incidents.list', row.selectAction.data);
    expect(textOfCard(stranger.body.value)).not.toContain('STO-2026');
  });
});

describe('weekly delivery', () => {
  const subscribe = async (owner: string, over: Record<string, unknown> = {}) => {
    await ctx.store.digestSubscriptions.upsert({
      owner, organisationId: 'gmp', themes: ['public-safety', 'organised-crime'], boroughs: ['stockport', 'bury'], day: 1, time: '08:00',
      timeZone: 'Europe/London', destination: { kind: 'personal' }, createdAt: '2026-10-01T12:00:00Z', updatedAt: '2026-10-01T12:00:00Z', ...over,
    });
  };
  const chat = async (user: typeof HELEN) =>
    ctx.store.conversations.upsert({ kind: 'personal', conversationId: personalChat(user).id, serviceUrl: bot.connector.serviceUrl, tenantId: TENANT, userAadObjectId: user.aadObjectId, installedAt: '2026-09-01T00:00:00Z' });
  const fast = () => new Pacer({ perSecond: 1000, perConversationPerSecond: 1000, perConversationPer30s: 10_000 });
  const digestPosts = (user: typeof HELEN) => bot.connector.sent.filter((a) => a.conversationId === personalChat(user).id && textOfCard(cardOf(a)).includes('Weekly digest ·'));

  it('runs every 5 minutes, so a digest arrives within minutes of its time', () => {
    expect(TIMER_FUNCTIONS.find((f) => f.name === 'digests')?.schedule).toBe('0 */5 * * * *');
  });

  it('a Sunday 21:30 digest comes at 21:30, not at the next hour, and reports the week that Sunday ends, saying which', async () => {
    const LEAD = { id: '29:lead', aadObjectId: '00000000-0000-4000-8000-0000000000b7', name: 'Sunday Lead' };
    await chat(LEAD);
    await subscribe(LEAD.aadObjectId, { themes: ['public-safety'], boroughs: ['stockport'], day: 7, time: '21:30', createdAt: '2026-10-20T12:00:00Z' });
    bot.now.value = new Date('2026-10-25T21:25:00Z'); // Sunday 25 October (GMT since 02:00 that day), the tick before
    expect((await runDigests(ctx)).sent).toBe(0);
    bot.now.value = new Date('2026-10-25T21:30:00Z'); // the 5-minute tick at the chosen time
    expect((await runDigests(ctx)).sent).toBe(1);
    expect((await ctx.store.digestDeliveries.listPartition(LEAD.aadObjectId)).map((d) => d.value.week)).toEqual(['2026-W43']);
    await drainOutbox(ctx, bot.runtime.transport, { pacer: fast() });
    const [post] = digestPosts(LEAD);
    const text = textOfCard(withChartFallbacks(cardOf(post!)));
    // W43 (Mon 19 – Sun 25 Oct), not W42: its five public-safety incidents in Stockport (four above, the vehicle crime reported through the card) and its completed operation.
    expect(text).toContain('Week 43 · 19 Oct – 25 Oct 2026, to Sun 25 Oct 21:30 · Stockport');
    expect(text).toMatch(/\*\*5 incidents\*\*/);
    expect(text).toContain('1 completed');
    // Later ticks pass over it without touching the deliveries table.
    expect((await ctx.store.digestSubscriptions.get({ partitionKey: 'sub', rowKey: LEAD.aadObjectId }))!.value.lastWeek).toBe('2026-W43');
    bot.now.value = new Date('2026-10-25T21:35:00Z');
    expect(await runDigests(ctx)).toMatchObject({ sent: 0, alreadyDone: 1 });
  });

  it('sends once at Monday 08:00 GMT after the clocks went back, however often or concurrently the timer runs, and after a redelivery', async () => {
    await chat(HELEN);
    await subscribe(HELEN.aadObjectId, { createdAt: '2026-10-20T12:00:00Z' }); // after the slot of 19 October
    bot.now.value = new Date('2026-10-26T07:59:00Z'); // 07:59 GMT: not yet (an hour earlier than the 07:00Z of summer Mondays)
    expect((await runDigests(ctx)).sent).toBe(0);
    expect(await ctx.store.digestDeliveries.get({ partitionKey: HELEN.aadObjectId, rowKey: '2026-W43' })).toBeUndefined();

    bot.now.value = new Date('2026-10-26T08:00:00Z');
    const runs = await Promise.all([runDigests(ctx), runDigests(ctx), runDigests(ctx)]);
    expect(runs.reduce((n, r) => n + r.sent, 0)).toBe(1);
    expect((await runDigests(ctx)).alreadyDone).toBeGreaterThanOrEqual(1);
    const delivery = (await ctx.store.digestDeliveries.get({ partitionKey: HELEN.aadObjectId, rowKey: '2026-W43' }))!.value;
    expect(delivery).toMatchObject({ status: 'sent', itemIds: [digestItemId(HELEN.aadObjectId, '2026-W43', 'public-safety'), digestItemId(HELEN.aadObjectId, '2026-W43', 'organised-crime')] });

    // A redelivery: the claim row is lost (or a crashed run's lease ran out) and the timer runs again. The items are already in the outbox: nothing new.
    await ctx.store.digestDeliveries.delete({ partitionKey: HELEN.aadObjectId, rowKey: '2026-W43' });
    await subscribe(HELEN.aadObjectId, { createdAt: '2026-10-20T12:00:00Z' }); // nor was the week noted on the subscription
    bot.now.value = new Date('2026-10-26T09:00:00Z');
    expect((await runDigests(ctx)).sent).toBe(1);
    const items = (await ctx.store.outbox.listPartition(digestBatchId('2026-W43'))).filter((i) => i.value.id.includes(HELEN.aadObjectId));
    expect(items).toHaveLength(2);

    await drainOutbox(ctx, bot.runtime.transport, { pacer: fast() });
    await drainOutbox(ctx, bot.runtime.transport, { pacer: fast() });
    const posts = digestPosts(HELEN);
    expect(posts).toHaveLength(2); // one card per theme, each once
    expect(posts.map((p) => textOfCard(cardOf(p))).join('\n')).toMatch(/Public Safety and Protection[\s\S]*|Serious and Organised Crime/);
    for (const p of posts) expect(validateAdaptiveCard(withChartFallbacks(cardOf(p)))).toEqual([]);
  });

  it('catches up once after missed runs: only the latest week, then nothing until the next slot', async () => {
    await chat({ ...GARETH });
    await subscribe(GARETH.aadObjectId, { themes: ['transforming-justice'], boroughs: ['stockport'] });
    // The timer was down from 1 October to Wednesday 11 November: six Monday slots passed.
    bot.now.value = new Date('2026-11-11T10:00:00Z');
    const first = await runDigests(ctx);
    expect(first.sent).toBeGreaterThanOrEqual(1);
    const weeks = (await ctx.store.digestDeliveries.listPartition(GARETH.aadObjectId)).map((d) => d.value.week);
    expect(weeks).toEqual(['2026-W45']);
    bot.now.value = new Date('2026-11-11T11:00:00Z');
    const again = await runDigests(ctx);
    expect((await ctx.store.digestDeliveries.listPartition(GARETH.aadObjectId)).map((d) => d.value.week)).toEqual(['2026-W45']);
    expect(again.sent).toBe(0);
  });
});

describe('digest settings and digest now, over HTTP', () => {
  const inviteOf = (user: typeof HELEN, verb: string, data: Record<string, unknown> = {}) => execute(bot, user, personalChat(user), verb, data);

  it('opens the settings card for a theme lead with their themes and Monday 08:00, saves changes, refuses bad input next to the field', async () => {
    bot.now.value = new Date('2026-10-21T12:00:00Z');
    const before = bot.connector.sent.length;
    await bot.say(HELEN, 'digest settings');
    const sent = await bot.connector.waitFor((a) => a.conversationId === personalChat(HELEN).id && bot.connector.sent.indexOf(a) >= before && cardOf(a) !== undefined);
    const card = cardOf(sent);
    expect(validateAdaptiveCard(card)).toEqual([]);
    expect(textOfCard(card)).toContain('Weekly digest settings');
    const themes = JSON.stringify(card).match(/"id":"themes"[^}]*"value":"([^"]*)"/)?.[1];
    expect(themes).toBeDefined();

    const bad = await inviteOf(HELEN, 'digest.save', { themes: '', boroughs: 'stockport', day: '5', time: '7 o\'clock', destination: 'personal' });
    expect(validateAdaptiveCard(bad.body.value)).toEqual([]);
    expect(textOfCard(bad.body.value)).toContain('Choose at least one theme');
    expect(textOfCard(bad.body.value)).toContain('Enter a time such as 08:00');

    const ok = await inviteOf(HELEN, 'digest.save', { themes: 'public-safety', boroughs: 'stockport,bury', day: '5', time: '16:30', destination: 'personal' });
    expect(textOfCard(ok.body.value)).toContain('Saved: one card every Friday at 16:30.');
    const sub = (await ctx.store.digestSubscriptions.get({ partitionKey: 'sub', rowKey: HELEN.aadObjectId }))!.value;
    expect(sub).toMatchObject({ themes: ['public-safety'], boroughs: ['stockport', 'bury'], day: 5, time: '16:30', destination: { kind: 'personal' } });
  });

  it('refuses staff until an admin allows them; the admin allows from the same card', async () => {
    const refused = await inviteOf(PRIYA, 'digest.settings');
    expect(textOfCard(refused.body.value)).toContain('Digests are for theme leads');
    const admin = await inviteOf(DAN, 'digest.settings');
    expect(textOfCard(admin.body.value)).toContain('Administrators: allow someone');
    const allowed = await inviteOf(DAN, 'digest.allow', { allowMember: PRIYA.aadObjectId });
    expect(textOfCard(allowed.body.value)).toContain('Priya Shah may now receive weekly digests');
    const opened = await inviteOf(PRIYA, 'digest.settings');
    expect(textOfCard(opened.body.value)).toContain('Weekly digest settings');
  });

  it('"digest now" answers with a preview of the week so far, with a button to the next theme', async () => {
    bot.now.value = new Date('2026-10-21T12:00:00Z'); // Wednesday of W43
    await ctx.store.digestSubscriptions.delete({ partitionKey: 'sub', rowKey: HELEN.aadObjectId });
    const before = bot.connector.sent.length;
    await bot.say(HELEN, 'digest now');
    const sent = await bot.connector.waitFor((a) => a.conversationId === personalChat(HELEN).id && bot.connector.sent.indexOf(a) >= before && cardOf(a) !== undefined);
    const card = cardOf(sent);
    expect(validateAdaptiveCard(withChartFallbacks(card))).toEqual([]);
    const text = textOfCard(withChartFallbacks(card));
    expect(text).toContain('Digest preview · Public Safety and Protection');
    expect(text).toContain('The week so far');
    // What is stored for W43 so far across GMP's ten boroughs: three ASB nuisance, one burglary and the vehicle crime reported above.
    expect(text).toMatch(/\*\*5 incidents\*\*/);
    expect(text).toContain('Week 43 · 19 Oct – 25 Oct 2026 · Bolton, Bury, Manchester');
    // The day of action on Thursday 22 October has not ended by Wednesday: coming up, not completed.
    expect(text).toMatch(/Joint operations\s+none completed/);
    const next = card.actions.find((a: any) => a.verb === 'digest.now');
    expect(next.data.theme).toBe('organised-crime');
    const second = await inviteOf(HELEN, 'digest.now', next.data);
    expect(textOfCard(second.body.value)).toContain('Digest preview · Serious and Organised Crime');
  });
});

void activityFrom;
