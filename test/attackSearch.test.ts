import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../bot/audit/event';
import { findMember, putMember } from '../bot/directory/repository';
import { applyRetention } from '../bot/incidents/retention';
import { parseSearch } from '../bot/search/rules/query';
import { signPageToken } from '../bot/search/rules/pageToken';
import { activityFrom, AISHA, DAN, MARIA, personalChat, PRIYA, openable, startBotHarness, textOfCard, TOM, type BotHarness } from './support/botHarness';
import { pressButton, reportIncident } from './support/botTurns';
import { inChannel, TEAM } from './support/teamSetup';
import { auditOf } from './support/audit';

/**
 * An attacker's look at search and "request access" (issue 15): what a partner of another organisation, a
 * non-approver or an approver of the wrong organisation can learn or do with forged, replayed or edited buttons and
 * hostile searches. Partners are separate organisations, each in its own tenant, and incident details are
 * criminal-offence data: the "which organisations" answer says which organisations hold incidents there and nothing
 * more, and every refusal is logged.
 */

/** Salix Homes' approver (orgLead). */
const ROSA = { id: '29:rosa', aadObjectId: '00000000-0000-4000-8000-0000000000ab', name: 'Rosa Vance' };
type User = typeof PRIYA;

let bot: BotHarness;
const store = () => bot.runtime.ctx.store;
const START = new Date('2026-11-25T10:00:00Z');

beforeAll(async () => {
  bot = await startBotHarness({ start: START });
  await store().members.upsert({ aadObjectId: MARIA.aadObjectId, displayName: MARIA.name, organisationId: 'stockport-homes', roles: ['staff', 'orgLead'] });
  await store().members.upsert({ aadObjectId: ROSA.aadObjectId, displayName: ROSA.name, organisationId: 'salix-homes', roles: ['staff', 'orgLead'] });
  for (const u of [PRIYA, AISHA, MARIA, ROSA, TOM]) {
    await store().conversations.upsert({ kind: 'personal', conversationId: personalChat(u).id, serviceUrl: bot.connector.serviceUrl, tenantId: '00000000-0000-4000-8000-0000000c0dec', userAadObjectId: u.aadObjectId, installedAt: START.toISOString() });
  }
}, 60_000);
afterAll(async () => bot?.close());

const press = (user: User, verb: string, data: Record<string, unknown> = {}) => pressButton(bot, user, verb, data);
const search = (user: User, q: string, extra: Record<string, unknown> = {}) => press(user, 'incidents.search', { q, from: '', to: '', ...extra });
const button = (card: any, title: string) => card.actions?.find((a: any) => a.title === title);
const titles = (card: any): string[] => (card.actions ?? []).map((a: any) => a.title);
/** Disclosures to Salix Homes (reporting discloses to the police too, at collection). */
const disclosedToSalix = (events: AuditEvent[]) => events.filter((e) => e.action === 'disclosure' && e.recipients?.includes('salix-homes'));
/** The notes of the refusals of a route logged for one person. */
const routeRefusals = async (route: string, user: User) =>
  (await auditOf(store(), `route:${route}`)).filter((e) => e.action === 'refusal' && e.actor.aadObjectId === user.aadObjectId).map((e) => e.note);
const report = (user: User, over: Record<string, unknown>) => reportIncident(bot, user, { sharedWith: 'gmp', ...over });

/**
 * Everything anyone holding the card can read from it, its buttons' data included: every string, and whatever a
 * string decodes to when its dot-separated parts are read as base64 (a signed token's payload, a storage
 * continuation inside it), recursively. What a curious partner would do with the card JSON.
 */
function readableIn(card: unknown): string {
  const out: string[] = [];
  const seen = new Set<string>();
  const dig = (s: string, depth: number) => {
    if (depth > 5 || seen.has(s)) return;
    seen.add(s);
    out.push(s);
    for (const part of s.split('.')) {
      if (!/^[A-Za-z0-9_\-+/=]{8,}$/.test(part)) continue;
      const text = Buffer.from(part, 'base64url').toString('utf8');
      if (!/^[\x20-\x7e]+$/.test(text)) continue;
      dig(text, depth + 1);
      try {
        walk(JSON.parse(text), depth + 1);
      } catch {
        // not JSON: its text is already kept
      }
    }
  };
  const walk = (n: unknown, depth: number): void => {
    if (typeof n === 'string') dig(n, depth);
    else if (Array.isArray(n)) n.forEach((x) => walk(x, depth));
    else if (n && typeof n === 'object') Object.values(n).forEach((x) => walk(x, depth));
  };
  walk(card, 0);
  return out.join('\n');
}

describe('the "which organisations" answer tells a partner which organisations hold incidents there, and nothing more', () => {
  let homes: string[]; // Stockport Homes' two reports at Brinnington, shared with the police only
  let council: string; // Stockport Council's one
  let many: string[]; // 26 of Stockport Homes' reports at Heaton Chapel: more than one page of a search

  beforeAll(async () => {
    homes = [await report(PRIYA, { occurredDate: '2026-11-19' }), await report(PRIYA, { occurredDate: '2026-11-20' })];
    council = await report(DAN, { area: 'Brinnington Road shops', occurredDate: '2026-11-21' });
    many = [];
    for (let i = 0; i < 26; i++) many.push(await report(PRIYA, { area: 'Heaton Chapel', postcodeDistrict: 'SK4', occurredDate: `2026-11-${String(1 + (i % 20)).padStart(2, '0')}`, occurredTime: `0${i % 10}:15` }));
  }, 120_000);

  it('names each organisation without saying how many incidents it holds there, or ranking them by it', async () => {
    const card = await search(AISHA, 'Brinnington');
    expect(openable(card)).toEqual([]);
    const text = textOfCard(card);
    expect(text).toContain('Stockport Homes');
    expect(text).toContain('Stockport Council');
    // Stockport Homes holds two, the council one: neither the figures nor an order by them may show it.
    expect(text).not.toMatch(/\(\d+\)|\b[12] incidents?\b/);
    expect(titles(card)).toEqual(['Search', 'Ask Stockport Council', 'Ask Stockport Homes']);
  });

  /** The hidden incidents' references, in the clear or as the search index's row keys hold them (digits inverted, after a 13-digit time). */
  const expectNoneReadable = (card: unknown, hidden: readonly string[]) => {
    const readable = readableIn(card);
    for (const reference of hidden) {
      expect(readable).not.toContain(reference);
      expect(readable).not.toContain(reference.replace(/\d/g, (d) => String(9 - Number(d))));
    }
    expect(readable).not.toMatch(/\d{13}\|/);
  };

  it("no reference of another organisation's incident can be read from the card's Ask buttons", async () => {
    const card = await search(AISHA, 'Brinnington');
    expect(titles(card)).toContain('Ask Stockport Homes');
    expectNoneReadable(card, [...homes, council]);
  });

  it("no reference, date or time of another organisation's incident can be read from the card's More button", async () => {
    const card = await search(AISHA, 'Heaton Chapel');
    expect(openable(card)).toEqual([]);
    const more = button(card, 'More');
    expect(more).toBeDefined();
    expectNoneReadable(more.data, many);
  });

  it('asking for access does not tell the requester how many incidents they asked about', async () => {
    const ask = button(await search(AISHA, 'Brinnington'), 'Ask Stockport Homes');
    const sent = textOfCard(await press(AISHA, 'incidents.access.request', ask.data));
    expect(sent).toContain('Request sent');
    expect(sent).not.toMatch(/\b\d+ incidents?\b/);
  });

  it('a search by the reference of an incident not shared with you is logged as a refusal on that incident', async () => {
    const card = await search(AISHA, homes[0]!);
    expect(openable(card)).toEqual([]);
    const refusals = (await auditOf(store(), `incident:${homes[0]}`)).filter((e) => e.action === 'refusal' && e.actor.aadObjectId === AISHA.aadObjectId);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.note).toMatch(/search/);
  });

  describe('"More" and request-access buttons work only for whom, and what, they were made', () => {
    let more: string;
    let ask: Record<string, unknown>;
    beforeAll(async () => {
      const card = await search(AISHA, 'Heaton Chapel');
      more = button(card, 'More').data.more;
      ask = button(card, 'Ask Stockport Homes').data;
    });

    it("someone else's More button gives them nothing of the search it came from", async () => {
      const theirs = await search(DAN, '', { more });
      expect(textOfCard(theirs)).toContain('That search had expired; search again.');
      expect(openable(theirs)).toEqual([]);
      expect(textOfCard(theirs)).not.toContain('Stockport Homes');
      // A button he was not given: logged as a refusal of the search, as the other lists do.
      expect(await routeRefusals('action:incidents.search', DAN)).toEqual([expect.stringContaining('page token belongs to someone else')]);
    });

    it('a More button edited, made by another deployment, or a day old is refused', async () => {
      const flipped = more.slice(0, 20) + (more[20] === 'A' ? 'B' : 'A') + more.slice(21);
      const elsewhere = signPageToken('another-deployment-secret-of-32-characters!', { user: AISHA.aadObjectId, query: { kind: 'place', words: ['heaton', 'chapel'] }, continuation: 'x' }, START);
      for (const token of [flipped, elsewhere]) expect(textOfCard(await search(AISHA, '', { more: token }))).toContain('That search had expired; search again.');
      // Edited or foreign: logged (once an hour); a day old: her own old button, only started again.
      expect(await routeRefusals('action:incidents.search', AISHA)).toEqual([expect.stringContaining('signature does not match')]);
      bot.now.value = new Date(START.getTime() + 25 * 3600_000);
      try {
        expect(textOfCard(await search(AISHA, '', { more }))).toContain('That search had expired; search again.');
      } finally {
        bot.now.value = START;
      }
    });

    it("a search's More button cannot continue another list, nor ask for access; a request button cannot page a search", async () => {
      const list = await press(AISHA, 'incidents.list', { more });
      expect(textOfCard(list)).toContain('That list was out of date');
      expect(textOfCard(list)).not.toContain('Stockport Homes (');
      expect(textOfCard(await press(AISHA, 'incidents.access.request', { ask: more }))).toContain('could not be sent');
      expect(textOfCard(await search(AISHA, '', { more: ask.ask }))).toContain('That search had expired; search again.');
      // Another person's request button: refused, and nothing filed for them.
      expect(textOfCard(await press(DAN, 'incidents.access.request', ask))).toContain('could not be sent');
      expect(await routeRefusals('action:incidents.access.request', DAN)).toEqual([expect.stringContaining('page token belongs to someone else')]);
      expect(await routeRefusals('action:incidents.list', AISHA)).toEqual([expect.stringContaining('names no known list')]);
      expect((await store().accessRequests.listPartition('stockport-homes')).filter((r) => r.value.requester.aadObjectId === DAN.aadObjectId)).toEqual([]);
    });
  });
});

describe("only the owning organisation's approver decides a request, once, for what still exists", () => {
  let held: string;
  let old: string;
  let request: { owner: string; id: string };

  beforeAll(async () => {
    // An incident reported in October 2025 (retention anonymises it 13 months later), and one this week.
    bot.now.value = new Date('2025-10-01T10:00:00Z');
    try {
      old = await report(PRIYA, { area: 'Reddish Vale', occurredDate: '2025-09-30' });
    } finally {
      bot.now.value = START;
    }
    held = await report(PRIYA, { area: 'Reddish Vale', occurredDate: '2026-11-18' });
    const ask = button(await search(AISHA, 'Reddish Vale'), 'Ask Stockport Homes');
    expect(textOfCard(await press(AISHA, 'incidents.access.request', ask.data))).toContain('Request sent');
    const stored = (await store().accessRequests.listPartition('stockport-homes')).map((r) => r.value).find((r) => r.what.startsWith('Reddish'))!;
    expect(stored.references.sort()).toEqual([held, old].sort());
    request = { owner: 'stockport-homes', id: stored.id };
  }, 60_000);

  it('an approver of another organisation cannot grant access to an incident they do not own, whatever owner the button names', async () => {
    expect(textOfCard(await press(ROSA, 'incidents.access.approve', request))).toContain("Only Stockport Homes' approvers");
    // The button edited to name her own organisation: no such request there.
    expect(textOfCard(await press(ROSA, 'incidents.access.approve', { ...request, owner: 'salix-homes' }))).toContain('no longer exists');
    // Staff who are not approvers, and the requester herself, are stopped at the gate.
    expect(textOfCard(await press(PRIYA, 'incidents.access.approve', request))).toContain('approver');
    expect(textOfCard(await press(AISHA, 'incidents.access.approve', request))).toContain('approver');
    expect((await store().accessRequests.get({ partitionKey: request.owner, rowKey: request.id }))?.value.status).toBe('pending');
    expect(disclosedToSalix(await auditOf(store(), `incident:${held}`))).toEqual([]);
  });

  it('an approver of another organisation pressing Approve again and again leaves one refusal per incident an hour, not one per press', async () => {
    for (let i = 0; i < 3; i++) await press(ROSA, 'incidents.access.approve', request);
    const refusals = (await auditOf(store(), `incident:${held}`)).filter((e) => e.action === 'refusal' && e.actor.aadObjectId === ROSA.aadObjectId);
    expect(refusals).toHaveLength(1);
  });

  it('an invented request is refused and logged under the button, never under the invented id', async () => {
    const invented = { owner: 'stockport-homes', id: 'f'.repeat(24) };
    expect(textOfCard(await press(MARIA, 'incidents.access.approve', invented))).toContain('no longer exists');
    const refusals = await auditOf(store(), 'route:action:incidents.access.approve');
    expect(refusals.filter((e) => e.actor.aadObjectId === MARIA.aadObjectId).map((e) => e.action)).toEqual(['refusal']);
  });

  it('a suspended approver, or an approver signed in from another tenant, cannot decide', async () => {
    const maria = (await findMember(bot.runtime.ctx, MARIA.aadObjectId))!;
    await putMember(bot.runtime.ctx, { ...maria.value, status: 'suspended' }, maria);
    try {
      expect(textOfCard(await press(MARIA, 'incidents.access.approve', request))).toMatch(/not registered|approver/);
    } finally {
      const suspended = (await findMember(bot.runtime.ctx, MARIA.aadObjectId))!;
      await putMember(bot.runtime.ctx, { ...suspended.value, status: 'active' }, suspended);
    }
    const fromElsewhere = { ...MARIA, tenantId: 'c1700000-0000-4000-8000-00000000c1e5' };
    expect(textOfCard(await pressButton(bot, fromElsewhere, 'incidents.access.approve', request))).toMatch(/not registered|approver/);
    expect((await store().accessRequests.get({ partitionKey: request.owner, rowKey: request.id }))?.value.status).toBe('pending');
  });

  it('an approval pressed in a channel is refused there: decisions are made in the personal chat', async () => {
    const card = await pressButton(bot, MARIA, 'incidents.access.approve', request, inChannel(TEAM.id));
    expect(textOfCard(card)).toContain('Use this in your personal chat');
    expect((await store().accessRequests.get({ partitionKey: request.owner, rowKey: request.id }))?.value.status).toBe('pending');
  });

  it('approving a request for an incident erased since shares and names only what still exists', async () => {
    const retention = await applyRetention(bot.runtime.ctx, { months: 13 });
    expect(retention.anonymised).toContain(old);
    const approved = textOfCard(await press(MARIA, 'incidents.access.approve', request));
    expect(approved).toContain(held);
    expect(approved).not.toContain(old);
    const answer = (await store().outbox.get({ partitionKey: `access-${request.id}`, rowKey: `access:${request.id}:answer` }))?.value;
    expect(textOfCard(answer?.payload?.card)).toContain(held);
    expect(textOfCard(answer?.payload?.card)).not.toContain(old);
    expect(disclosedToSalix(await auditOf(store(), `incident:${old}`))).toEqual([]);
    expect(disclosedToSalix(await auditOf(store(), `incident:${held}`)).map((e) => e.actor.aadObjectId)).toEqual([MARIA.aadObjectId]);
    // Pressed again: the same answer, nothing disclosed twice.
    expect(textOfCard(await press(MARIA, 'incidents.access.approve', request))).not.toContain(old);
    expect(disclosedToSalix(await auditOf(store(), `incident:${held}`))).toHaveLength(1);
  });
});

describe('hostile searches are searched for, never obeyed', () => {
  let here: string;
  beforeAll(async () => {
    here = await report(PRIYA, { area: 'Lancashire Hill', postcodeDistrict: 'SK4', occurredDate: '2026-11-23' });
  });

  it('a search from 1900, or until 9999, still finds this year\'s incidents', async () => {
    expect(openable(await search(PRIYA, 'Lancashire Hill from 01/01/1900 to 31/12/9999'))).toEqual([here]);
    expect(openable(await search(PRIYA, 'Lancashire Hill since 01/01/1900'))).toEqual([here]);
    expect(openable(await search(PRIYA, 'Lancashire', { from: '1900-01-01', to: '2999-12-31' }))).toEqual([here]);
  });

  it('quotes, wildcards and filter words in a search are words to look for, not part of the storage query', async () => {
    for (const q of ["Lancashire' or PartitionKey ne '", "SK4' or '1' eq '1", '*', 'Lancashire%27%20or%20true', "') or (RowKey ne '"]) {
      const card = await search(AISHA, q);
      expect(openable(card)).toEqual([]);
      expect(textOfCard(card)).not.toContain('Something went wrong');
    }
  });

  it('a long hostile search is answered at once (no backtracking), and look-alike digits are not a reference', async () => {
    const hostile = ['1/1/1 to '.repeat(50), '01/01/2026 - '.repeat(40), 'from '.repeat(90) + '1', 'a'.repeat(400), `${'9'.repeat(200)} of 1/1/1`];
    const started = performance.now();
    for (const text of hostile) parseSearch({ text, from: text, to: text }, START);
    expect(performance.now() - started).toBeLessThan(100);
    const typed = await bot.say(AISHA, `search ${'Brinnington '.repeat(3000)}`);
    expect(typed.status).toBeLessThan(300);
    // Arabic-Indic and full-width digits look like a reference but are not one.
    expect(parseSearch({ text: 'STO-2026-00001٣' }, START)).not.toMatchObject({ ok: true, query: { kind: 'reference' } });
    expect(parseSearch({ text: 'STO-２０２６-000001' }, START)).not.toMatchObject({ ok: true, query: { kind: 'reference' } });
  });

  it('a caller with no Entra id (a bot, a connector) gets nothing', async () => {
    const res = await bot.post(
      activityFrom(bot.connector.serviceUrl, { ...AISHA, aadObjectId: undefined as never }, personalChat(AISHA), {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb: 'incidents.search', data: { verb: 'incidents.search', q: 'Lancashire Hill' } }, trigger: 'manual' },
      }),
    );
    expect(res.status).toBe(200);
    expect(openable(res.body.value)).toEqual([]);
    expect(textOfCard(res.body.value)).not.toContain('Stockport Homes');
  });
});
