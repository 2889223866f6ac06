import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finderRowsOf } from '../bot/search/rules/keys';
import { signPageToken, verifyPageToken } from '../bot/search/rules/pageToken';
import { parseSearch, SearchQuery } from '../bot/search/rules/query';
import { SEARCH_PAGE_SIZE, searchForm } from '../bot/search/search';
import { CARD_BYTE_BUDGET, cardBytes } from '../cards/render';
import { CATEGORY_LABELS } from '../bot/common/taxonomy';
import { applyRetention } from '../bot/incidents/retention';
import { DAN, personalChat, PRIYA, openable, startBotHarness, textOfCard, type BotHarness, type Conversation } from './support/botHarness';
import { validateAdaptiveCard } from './support/schemas';
import { auditOf } from './support/audit';
import { pressButton } from './support/botTurns';

const TOM = { id: '29:tom', aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley' }; // GMP: sees every incident
const AISHA = { id: '29:aisha', aadObjectId: '00000000-0000-4000-8000-000000000005', name: 'Aisha Rahman' }; // Salix Homes
const MARIA = { id: '29:maria', aadObjectId: '00000000-0000-4000-8000-000000000009', name: 'Maria Lopez' }; // Stockport Homes' approver
const ROSA = { id: '29:rosa', aadObjectId: '00000000-0000-4000-8000-0000000000ab', name: 'Rosa Vance' }; // Salix Homes' approver
type User = typeof PRIYA;

let bot: BotHarness;
const store = () => bot.runtime.ctx.store;

beforeAll(async () => {
  bot = await startBotHarness();
  const now = bot.now.value.toISOString();
  await store().members.upsert({ aadObjectId: MARIA.aadObjectId, displayName: MARIA.name, organisationId: 'stockport-homes', roles: ['staff', 'orgLead'] });
  await store().members.upsert({ aadObjectId: ROSA.aadObjectId, displayName: ROSA.name, organisationId: 'salix-homes', roles: ['staff', 'orgLead'] });
  // Personal chats, as recorded when each installed the app: where private cards go.
  for (const u of [PRIYA, AISHA, MARIA, TOM]) {
    await store().conversations.upsert({ kind: 'personal', conversationId: personalChat(u).id, serviceUrl: bot.connector.serviceUrl, tenantId: '00000000-0000-4000-8000-0000000c0dec', userAadObjectId: u.aadObjectId, installedAt: now });
  }
}, 60_000);
afterAll(async () => bot?.close());

/** Presses a card button as `user`: the card the bot answers with (test/support/botTurns.ts). */
const invoke = (user: User, verb: string, data: Record<string, unknown> = {}, conversation: Conversation = personalChat(user)) => pressButton(bot, user, verb, data, conversation);

const report = async (user: User, over: Record<string, unknown>) => {
  const card = await invoke(user, 'incident.submit', {
    submissionId: randomUUID().replace(/-/g, ''),
    category: 'asb-nuisance', hateCrimeStrand: '', borough: 'stockport', area: 'Brinnington estate', postcodeDistrict: 'SK5', fullAddress: '',
    occurredDate: '2026-11-20', occurredTime: '21:30', summary: 'Group of youths throwing stones at passing buses near the shops.', details: '',
    victims: '0', suspects: '4', witnesses: '2', vulnerablePerson: 'false', childrenPresent: 'false', policeReference: '', risk: 'standard',
    actions: 'reported-to-police', sharedWith: 'gmp', marking: 'OFFICIAL-SENSITIVE',
    ...over,
  });
  const m = /Recorded: ([A-Z]{3}-\d{4}-\d{6})/.exec(textOfCard(card));
  if (!m) throw new Error(`not recorded: ${textOfCard(card).slice(0, 300)}`);
  return m[1]!;
};

const search = (user: User, q: string, extra: Record<string, unknown> = {}) => invoke(user, 'incidents.search', { q, from: '', to: '', ...extra });
const refsOn = (card: any) => [...new Set(textOfCard(card).match(/[A-Z]{3}-\d{4}-\d{6}/g) ?? [])];
const button = (card: any, title: string) => card.actions?.find((a: any) => a.title === title);

describe('search rules', () => {
  const now = new Date('2026-11-25T10:00:00Z');
  it('reads a reference, a police log number, a place with dates, and dates alone', () => {
    expect(parseSearch({ text: 'sto-2026-12' }, now)).toEqual({ ok: true, query: { kind: 'reference', reference: 'STO-2026-000012' } });
    expect(parseSearch({ text: '791 of 14/04/23' }, now)).toEqual({ ok: true, query: { kind: 'police', normalised: '791 of 14/04/23' } });
    expect(parseSearch({ text: 'Brinnington SK5 from 01/11/2026 to 24/11/2026' }, now)).toEqual({
      ok: true,
      query: { kind: 'place', words: ['brinnington'], district: 'SK5', from: '2026-11-01', to: '2026-11-24' },
    });
    expect(parseSearch({ text: 'Lancashire Hill', from: '2026-10-01' }, now)).toMatchObject({ ok: true, query: { kind: 'place', words: ['lancashire', 'hill'], from: '2026-10-01' } });
    expect(parseSearch({ text: 'last 30 days' }, now)).toEqual({ ok: true, query: { kind: 'dates', from: '2026-10-26' } });
  });

  it('refuses what it cannot search for, saying what it can', () => {
    expect(parseSearch({ text: 'the road' }, now)).toMatchObject({ ok: false, message: expect.stringContaining('Search by reference') });
    expect(parseSearch({ text: 'SK5 from 31/02/2026 to 01/03/2026' }, now)).toMatchObject({ ok: false, message: expect.stringContaining('not a real date') });
    expect(parseSearch({ text: 'SK5 from 10/11/2026 to 01/11/2026' }, now)).toMatchObject({ ok: false, message: expect.stringContaining('after the end date'), field: 'q' });
  });

  it('a start date after the end date picked in the From/To fields is told beside those fields, in UK dates', () => {
    expect(parseSearch({ text: 'Brinnington', from: '2026-11-20', to: '2026-11-13' }, now)).toEqual({
      ok: false, message: 'The start date (20/11/2026) is after the end date (13/11/2026).', field: 'dates',
    });
  });

  it('the search card shows a problem with the dates under the To date, one with the box under the box, and keeps what was typed', () => {
    const order = (card: any) => (card.body as any[]).map((e) => e.id ?? (e.color === 'Attention' ? `error: ${e.text}` : undefined)).filter(Boolean);
    const dates = searchForm({ dates: 'The start date (20/11/2026) is after the end date (13/11/2026).' }, { q: 'Brinnington', from: '2026-11-20', to: '2026-11-13' });
    expect(order(dates)).toEqual(['q', 'from', 'to', 'error: The start date (20/11/2026) is after the end date (13/11/2026).']);
    expect((dates.body as any[]).filter((e) => e.id).map((e) => [e.id, e.value])).toEqual([['q', 'Brinnington'], ['from', '2026-11-20'], ['to', '2026-11-13']]);
    expect(order(searchForm({ q: 'No incident STO-2026-000999. Check the reference.' }, { q: 'STO-2026-000999' }))).toEqual(['q', 'error: No incident STO-2026-000999. Check the reference.', 'from', 'to']);
    expect(validateAdaptiveCard(dates)).toEqual([]);
  });

  it('indexes an incident under its organisation, district, place words, place words within its district and police reference; an anonymised one only under the first two', () => {
    const rec = {
      kind: 'incident', reference: 'STO-2026-000001', borough: 'stockport', category: 'asb-nuisance', area: 'Lancashire Hill flats', postcodeDistrict: 'SK4',
      occurredAt: '2026-11-20T21:30:00.000Z', reportedAt: '2026-11-21T09:00:00.000Z', summary: 's', people: { victims: 0, suspects: 0, witnesses: 0, vulnerablePerson: false, childrenPresent: false },
      policeReference: '791 of 14/04/23', risk: 'standard', actions: ['reported-to-police'], sharedWith: ['gmp'], marking: 'OFFICIAL',
      reporter: { aadObjectId: PRIYA.aadObjectId, organisationId: 'stockport-homes', displayName: 'Priya Shah' }, restricted: {}, submissionId: 'abcdefgh12', version: 1, updatedAt: '2026-11-21T09:00:00.000Z',
    } as const;
    expect(finderRowsOf(rec as never).map((r) => r.key)).toEqual(['org|stockport-homes', 'pc|SK4', 'w|lancashire', 'w|hill', 'wd|lancashire|SK4', 'wd|hill|SK4', 'pol|791_of_14.04.23']);
    const { policeReference: _p, ...rest } = rec;
    expect(finderRowsOf({ ...rest, area: '', anonymisedAt: '2028-01-01T00:00:00.000Z' } as never).map((r) => r.key)).toEqual(['org|stockport-homes', 'pc|SK4']);
  });

  it('page tokens are bound to their user, sealed against reading and editing, and expire after a day', () => {
    const secret = 'x'.repeat(40);
    const query: SearchQuery = { kind: 'place', words: ['brinnington'] };
    const token = signPageToken(secret, { user: 'u1', query, continuation: 'c1' }, now);
    expect(verifyPageToken(secret, token, 'u1', SearchQuery, now)).toEqual({ ok: true, query, continuation: 'c1' });
    expect(verifyPageToken(secret, token, 'u2', SearchQuery, now)).toMatchObject({ ok: false, reason: expect.stringContaining('someone else') });
    // Sealed: nothing of what it carries can be read from it, and any change is refused.
    expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain('brinnington');
    const edited = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21);
    expect(verifyPageToken(secret, edited, 'u1', SearchQuery, now)).toMatchObject({ ok: false, reason: expect.stringContaining('signature') });
    expect(verifyPageToken('y'.repeat(40), token, 'u1', SearchQuery, now)).toMatchObject({ ok: false, reason: expect.stringContaining('signature') });
    expect(verifyPageToken(secret, token, 'u1', SearchQuery, new Date(now.getTime() + 25 * 3600_000))).toMatchObject({ ok: false, reason: expect.stringContaining('expired') });
  });
});

describe('search answers only with what the caller may see', () => {
  let held: string; // Stockport Homes' report at Brinnington, shared with the police only
  let council: string; // Stockport Council's report at Brinnington, shared with Stockport Homes

  beforeAll(async () => {
    held = await report(PRIYA, { policeReference: '791 of 14/04/23' });
    council = await report(DAN, { area: 'Brinnington Road shops', sharedWith: 'gmp,stockport-homes', occurredDate: '2026-11-22' });
  }, 60_000);

  it('the reporting organisation and the police open them; both find them by place, district, police log and dates', async () => {
    const priya = await search(PRIYA, 'Brinnington');
    expect(validateAdaptiveCard(priya)).toEqual([]);
    expect(openable(priya).sort()).toEqual([council, held].sort()); // her own, and the council's shared with her
    expect(textOfCard(priya)).not.toContain('Held by');
    expect(openable(await search(TOM, 'brinnington sk5')).sort()).toEqual([council, held].sort());
    expect(openable(await search(TOM, '791 of 14/04/23'))).toEqual([held]);
    // Newest first; the date range is by when it happened (London days, inclusive).
    expect(openable(await search(PRIYA, 'SK5'))).toEqual([council, held]);
    expect(openable(await search(PRIYA, 'SK5 from 21/11/2026 to 25/11/2026'))).toEqual([council]);
    expect(openable(await search(PRIYA, 'Brinnington', { from: '2026-11-01', to: '2026-11-20' }))).toEqual([held]);
  });

  it('another organisation learns only which organisations hold incidents there, with a button to ask each', async () => {
    const card = await search(AISHA, 'Brinnington');
    expect(validateAdaptiveCard(card)).toEqual([]);
    expect(openable(card)).toEqual([]);
    const text = textOfCard(card);
    expect(text).toContain('**Stockport Homes**');
    expect(text).toContain('**Stockport Council**');
    // Names of organisations only: no count, reference, category, area line or date of the incidents themselves.
    expect(text).not.toMatch(/\(\d+\)/);
    expect(refsOn(card)).not.toContain(held);
    expect(refsOn(card)).not.toContain(council);
    expect(text).not.toMatch(/Nuisance|20 Nov|Brinnington estate/);
    expect(card.actions.map((a: any) => a.title)).toEqual(['Search', 'Ask Stockport Council', 'Ask Stockport Homes']); // by name
    // The same for a police log number and for a reference: who holds it, nothing else.
    expect(textOfCard(await search(AISHA, '791 of 14/04/23'))).toContain('**Stockport Homes**');
    const byRef = await search(AISHA, held);
    expect(openable(byRef)).toEqual([]);
    expect(textOfCard(byRef)).toContain('**Stockport Homes**');
  });

  it('unregistered people get nothing', async () => {
    const stranger = { id: '29:nobody', aadObjectId: '00000000-0000-4000-8000-0000000000fe', name: 'Nobody' };
    const card = await search(stranger, 'Brinnington');
    expect(refsOn(card)).not.toContain(held);
    expect(textOfCard(card)).not.toContain('Stockport Homes');
  });

  it('"request access": the owner\'s approver decides; approval shares exactly those incidents, audited as a disclosure, and the requester can open them', async () => {
    const ask = button(await search(AISHA, 'Brinnington'), 'Ask Stockport Homes');
    // Someone else cannot use Aisha's button.
    expect(textOfCard(await invoke(TOM, 'incidents.access.request', ask.data))).toContain('could not be sent');
    const sentBefore = bot.connector.sent.length;
    const asked = await invoke(AISHA, 'incidents.access.request', ask.data);
    expect(textOfCard(asked)).toContain('Request sent');
    await invoke(AISHA, 'incidents.access.request', ask.data); // a double tap: one request
    const requests = (await store().accessRequests.listPartition('stockport-homes')).map((r) => r.value);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ status: 'pending', references: [held], requester: { organisationId: 'salix-homes' } });

    // Maria (Stockport Homes' approver) gets a private card with Approve and Decline.
    const outbox = (await store().outbox.listPartition(`access-${requests[0]!.id}`)).map((i) => i.value);
    expect(outbox.map((i) => i.target.conversationId)).toEqual([personalChat(MARIA).id]);
    const approverCard = outbox[0]!.payload!.card as any;
    expect(validateAdaptiveCard(approverCard)).toEqual([]);
    expect(textOfCard(approverCard)).toContain(held);
    const approve = button(approverCard, 'Approve');
    expect(bot.connector.sent.length).toBe(sentBefore); // queued, not posted inside the turn

    // Not an approver: refused at the gate. An approver of another organisation: refused, audited on the incident. Nothing shared.
    expect(textOfCard(await invoke(PRIYA, 'incidents.access.approve', approve.data))).toContain('approver');
    expect(textOfCard(await invoke(AISHA, 'incidents.access.approve', approve.data))).toContain('approver');
    expect(textOfCard(await invoke(ROSA, 'incidents.access.approve', approve.data))).toContain("Only Stockport Homes' approvers");
    const refusals = (await auditOf(store(), `incident:${held}`)).filter((e) => e.action === 'refusal' && e.note?.includes('access request'));
    expect(refusals.map((e) => e.actor.aadObjectId)).toEqual([ROSA.aadObjectId]);
    expect((await store().incidents.query(`PartitionKey ge 'stockport' and RowKey eq '${held}'`))[0]!.value).toMatchObject({ sharedWith: ['gmp'] });

    const approved = await invoke(MARIA, 'incidents.access.approve', approve.data);
    expect(textOfCard(approved)).toContain('now shared with Salix Homes');
    // Pressed again (or retried): the same answer, nothing shared or logged twice.
    expect(textOfCard(await invoke(MARIA, 'incidents.access.approve', approve.data))).toContain('now shared with Salix Homes');
    const decline = button(approverCard, 'Decline');
    expect(textOfCard(await invoke(MARIA, 'incidents.access.decline', decline.data))).toContain('Already approved');

    const incident = (await store().incidents.query(`PartitionKey ge 'stockport' and RowKey eq '${held}'`))[0]!.value;
    expect(incident).toMatchObject({ sharedWith: ['gmp', 'salix-homes'], version: 2 });
    const history = (await store().incidents.query(`PartitionKey ge 'stockport' and RowKey ge '${held}|' and RowKey lt '${held}|~'`)).map((r) => r.value);
    expect(history).toContainEqual(expect.objectContaining({ kind: 'history', type: 'edit', by: expect.objectContaining({ aadObjectId: MARIA.aadObjectId }), changes: [{ field: 'sharedWith', from: 'gmp', to: 'gmp, salix-homes' }] }));
    const disclosures = (await auditOf(store(), `incident:${held}`)).filter((e) => e.action === 'disclosure' && e.recipients?.includes('salix-homes'));
    expect(disclosures).toHaveLength(1);
    expect(disclosures[0]).toMatchObject({ actor: { aadObjectId: MARIA.aadObjectId, organisationId: 'stockport-homes' }, justification: expect.stringContaining('access request approved by Maria Lopez') });
    // The requester is told, privately.
    const answer = (await store().outbox.get({ partitionKey: `access-${requests[0]!.id}`, rowKey: `access:${requests[0]!.id}:answer` }))?.value;
    expect(answer?.target.conversationId).toBe(personalChat(AISHA).id);
    // ... with a button that opens what was shared, in one tap.
    const told = answer!.payload!.card as any;
    expect(validateAdaptiveCard(told)).toEqual([]);
    const open = button(told, `Open ${held}`);
    expect(open).toMatchObject({ type: 'Action.Execute', verb: 'incident.view', data: { verb: 'incident.view', reference: held } });
    expect(textOfCard(await invoke(AISHA, open.verb, open.data))).toContain('Group of youths throwing stones at passing buses');

    // Aisha can now open it; the council's incident is still only "held by".
    const after = await search(AISHA, 'Brinnington');
    expect(openable(after)).toEqual([held]);
    expect(textOfCard(after)).toContain('**Stockport Council**');
  });

  it('a declined request shares nothing and tells the requester', async () => {
    const ask = button(await search(AISHA, 'Brinnington'), 'Ask Stockport Council');
    // Stockport Council has no approver: the request is kept and the requester told to contact them.
    expect(textOfCard(await invoke(AISHA, 'incidents.access.request', ask.data))).toContain('no approver');
    await store().members.upsert({ aadObjectId: '00000000-0000-4000-8000-0000000000aa', displayName: 'Colin Approver', organisationId: 'stockport-council', roles: ['staff', 'orgLead'] });
    await store().conversations.upsert({ kind: 'personal', conversationId: 'a:personal-colin', serviceUrl: bot.connector.serviceUrl, tenantId: 't', userAadObjectId: '00000000-0000-4000-8000-0000000000aa', installedAt: bot.now.value.toISOString() });
    expect(textOfCard(await invoke(AISHA, 'incidents.access.request', ask.data))).toContain('Request sent');
    const request = (await store().accessRequests.listPartition('stockport-council'))[0]!.value;
    const colin = { id: '29:colin', aadObjectId: '00000000-0000-4000-8000-0000000000aa', name: 'Colin Approver' };
    expect(textOfCard(await invoke(colin, 'incidents.access.decline', { owner: 'stockport-council', id: request.id }))).toContain('declined');
    expect((await store().accessRequests.get({ partitionKey: 'stockport-council', rowKey: request.id }))?.value.status).toBe('declined');
    expect(openable(await search(AISHA, 'Brinnington'))).toEqual([held]);
    const answer = (await store().outbox.get({ partitionKey: `access-${request.id}`, rowKey: `access:${request.id}:answer` }))?.value;
    expect(textOfCard(answer?.payload?.card)).toContain('declined');
  });

  it('a full page of results, each with the longest area a report takes, stays within the card budget and the schema; More says older ones follow', async () => {
    const area = 'Woodbank Park allotments, the footpath behind Vernon Park museum and the car park'.slice(0, 80);
    const [category] = Object.entries(CATEGORY_LABELS).sort((a, b) => b[1].length - a[1].length)[0]!; // the longest label
    for (let i = 0; i <= SEARCH_PAGE_SIZE; i++) await report(PRIYA, { area, postcodeDistrict: 'SK1', category });
    const card = await search(PRIYA, 'Woodbank SK1');
    expect(openable(card)).toHaveLength(SEARCH_PAGE_SIZE);
    expect(textOfCard(card)).toContain('Newest first. More searches on for older incidents.');
    expect(cardBytes(card)).toBeLessThan(CARD_BYTE_BUDGET);
    expect(validateAdaptiveCard(card)).toEqual([]);
    // Each line is named by what it opens (a screen reader, a hover), not "View".
    const selects: any[] = [];
    JSON.stringify(card, (k, v) => (k === 'selectAction' && selects.push(v), v));
    expect(selects.map((a) => a.title)).toEqual(openable(card).map((r) => `Open ${r}`));
  });

  it('retention takes an incident\'s place words and police reference out of search', async () => {
    const old = await report(PRIYA, { area: 'Offerton Green', postcodeDistrict: 'SK2', policeReference: '12 of 01/10/25' });
    expect(openable(await search(PRIYA, 'Offerton'))).toEqual([old]);
    bot.now.value = new Date('2028-01-15T10:00:00Z'); // reported 25/11/2026: past 13 months
    try {
      await applyRetention(bot.runtime.ctx, { months: 13 });
      expect(openable(await search(PRIYA, 'Offerton'))).toEqual([]);
      expect(openable(await search(TOM, '12 of 01/10/25'))).toEqual([]);
      expect(openable(await search(PRIYA, 'SK2'))).toEqual([old]); // the district stays, as on the incident
    } finally {
      bot.now.value = new Date('2026-11-25T10:00:00Z');
    }
  });
});
