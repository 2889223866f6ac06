/**
 * Bad input, property-based: every card submission and every HTTP body,
 * generated from zod schemas (test/support/zodArbitrary.ts) and then made
 * hostile (markup, script, Markdown links, template syntax, odd unicode,
 * huge strings, wrong types, missing and extra fields).
 *
 * For every input: no crash and no 5xx; a card action answers with a card
 * that says something. For every input that is certainly invalid: no row
 * stored anywhere the capability writes, and a readable error.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AlertRequestBody } from '../bot/alerts/api';
import { LOCAL_DEMO_PARTNER } from '../bot/kernel/config';
import { AlertSeverity } from '../bot/alerts/model';
import { BoroughId } from '../bot/common/borough';
import { ProtectiveMarking, RiskLevel } from '../bot/common/common';
import { OperationType } from '../bot/operations/model';
import { sign } from '../bot/partners/rules/signature';
import { IncidentCategory } from '../bot/common/taxonomy';
import { SubmissionId } from '../bot/incidents/model';
import { scheduleOperation } from '../bot/operations/schedule';
import { PrioritiesRequestBody } from '../bot/priorities/api';
import { DEMO_MEMBERS } from './support/demoDirectory';
import { activityFrom, DAN, personalChat, PRIYA, startBotHarness, textOfCard, type BotHarness } from './support/botHarness';
import { ALERTS_CHANNEL, inChannel, installAndMapChannel } from './support/teamSetup';
import { arbitraryOf, hostileString, MARKUP_BYPASSES, mutated, PERSONAL_DATA_BYPASSES, wrongType } from './support/zodArbitrary';

const TOM = { id: '29:tom', aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley' }; // GMP coordinator: alerts, priorities, operations
type User = typeof PRIYA;
const RUNS = { any: 20, invalid: 12, http: 25 };

let bot: BotHarness;
let operationId = '';
const counts = { requests: 0, invalidChecked: 0 };

beforeAll(async () => {
  bot = await startBotHarness();
  await installAndMapChannel(bot);
  const tom = DEMO_MEMBERS.find((m) => m.aadObjectId === TOM.aadObjectId)!;
  const op = await scheduleOperation(bot.runtime.ctx, { aadObjectId: tom.aadObjectId, displayName: tom.displayName, member: tom }, {
    submissionId: '6f1c7c52-8d57-4a3e-9b55-2f0b3c8c1a10', name: 'Brinnington day of action', type: 'day-of-action', borough: 'stockport', area: 'Brinnington',
    startDate: '2026-11-26', startTime: '09:00', endDate: '2026-11-26', endTime: '15:00',
    lead: 'gmp', partners: '', participants: TOM.aadObjectId, briefing: '', incidents: '', reminders: '', outcomesAfter: '1440',
  });
  if (op.kind !== 'scheduled') throw new Error('operation not scheduled');
  operationId = op.op.id;
});
afterAll(async () => {
  console.log(`BAD-INPUT-SUMMARY ${JSON.stringify(counts)}`);
  await bot?.close();
});

/** Rows in every table a card or HTTP body can write to. */
async function writtenRows(): Promise<Record<string, number>> {
  const store = bot.runtime.ctx.store as unknown as Record<string, { query?: (f: string) => Promise<unknown[]> }>;
  const skip = new Set(['organisations', 'members', 'themes', 'conversations', 'partnerRequests']);
  const out: Record<string, number> = {};
  for (const [name, table] of Object.entries(store)) {
    if (skip.has(name) || typeof table?.query !== 'function') continue;
    out[name] = (await table.query("PartitionKey ne ''")).length;
  }
  return out;
}

async function execute(user: User, conversation: ReturnType<typeof personalChat>, verb: string, data: Record<string, unknown>) {
  counts.requests++;
  return bot.post(
    activityFrom(bot.connector.serviceUrl, user, conversation, {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb, data: { ...data, verb } }, trigger: 'manual' },
    }),
  );
}

function expectReadableCard(res: { status: number; body: any }) {
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
  expect(textOfCard(res.body.value).trim().length).toBeGreaterThan(0);
}

const yesNo = z.enum(['true', 'false']);
const count = z.string().regex(/^\d{1,3}$/);

/** Every card form: its inputs as Teams sends them (strings), who submits it, and a field whose wrong type always makes it invalid. */
const FORMS: { verb: string; user: User; where: () => ReturnType<typeof personalChat>; schema: z.AnyZodObject; breaks: string; at?: string }[] = [
  {
    verb: 'incident.submit', user: PRIYA, where: () => personalChat(PRIYA), breaks: 'summary',
    schema: z.object({
      submissionId: SubmissionId, category: IncidentCategory, hateCrimeStrand: z.literal(''), borough: BoroughId, area: z.string().min(2).max(80),
      postcodeDistrict: z.string().regex(/^(SK[1-9]|M[1-9]|BL[1-9]|OL[1-9])$/), fullAddress: z.string().max(200),
      occurredDate: z.string().regex(/^2026-11-(1[0-9]|2[0-4])$/), occurredTime: z.string().regex(/^(0\d|1\d|2[0-3]):[0-5]\d$/),
      summary: z.string().min(10).max(1000), details: z.string().max(4000), victims: count, suspects: count, witnesses: count,
      vulnerablePerson: yesNo, childrenPresent: yesNo, policeReference: z.literal(''), risk: RiskLevel,
      actions: z.enum(['reported-to-police', 'none-yet', 'warning-letter']), sharedWith: z.enum(['gmp', 'gmp,stockport-council', '']), marking: ProtectiveMarking,
    }),
  },
  {
    verb: 'alert.submit', user: TOM, where: () => personalChat(TOM), breaks: 'title',
    schema: z.object({
      submissionId: z.string().uuid(), severity: AlertSeverity, boroughs: z.enum(['stockport', 'salford', 'stockport,salford']), theme: z.enum(['public-safety', 'asb', 'nope']),
      title: z.string().min(5).max(120), body: z.string().min(1).max(2000), expiresInDays: z.string().regex(/^([1-9]|[12]\d|30)$/), marking: ProtectiveMarking,
    }),
  },
  {
    verb: 'priorities.submit', user: TOM, where: () => personalChat(TOM), breaks: 'submissionId',
    schema: z.object({
      borough: BoroughId, submissionId: z.string().uuid(), baseVersion: z.string().regex(/^[0-3]$/), effectiveFrom: z.string().regex(/^2026-1[12]-[0-2]\d$/),
      changeNote: z.string().max(500), 'areas.public-safety': z.string().max(300), 'areas.asb': z.string().max(300),
    }),
  },
  {
    verb: 'operation.schedule', user: TOM, where: () => personalChat(TOM), breaks: 'name',
    schema: z.object({
      submissionId: z.string().uuid(), name: z.string().min(3).max(100), type: OperationType, borough: BoroughId, area: z.string().min(2).max(80),
      startDate: z.string().regex(/^2026-12-0[1-9]$/), startTime: z.string().regex(/^(0[89]|1[0-2]):00$/), endDate: z.string().regex(/^2026-12-0[1-9]$/), endTime: z.string().regex(/^1[3-7]:00$/),
      lead: z.enum(['gmp', 'stockport-homes']), partners: z.enum(['', 'stockport-council']), participants: z.literal(TOM.aadObjectId), briefing: z.string().max(4000),
      incidents: z.literal(''), reminders: z.enum(['', '1440', '120,1440']), outcomesAfter: z.enum(['1440', '60']),
    }),
  },
  {
    verb: 'operation.outcomes', user: TOM, where: () => personalChat(TOM), breaks: 'arrests', at: '2026-11-27T10:00:00Z',
    schema: z.object({
      operationId: z.literal('(set at run time)'), arrests: z.string().regex(/^\d{1,4}$/), warrantsExecuted: z.string().regex(/^\d{1,4}$/), premisesClosed: z.string().regex(/^\d{1,4}$/),
      vehiclesSeized: z.string().regex(/^\d{1,4}$/), referrals: z.string().regex(/^\d{1,4}$/), notes: z.string().max(1000),
    }),
  },
  {
    verb: 'channel.save', user: DAN, where: () => inChannel(ALERTS_CHANNEL.id), breaks: 'boroughs',
    schema: z.object({ boroughs: z.enum(['stockport', 'salford,stockport', 'gotham']), themes: z.enum(['', 'public-safety', 'asb,public-safety']) }),
  },
  {
    verb: 'digest.save', user: DAN, where: () => personalChat(DAN), breaks: 'boroughs',
    schema: z.object({ themes: z.enum(['public-safety', 'asb']), boroughs: z.enum(['stockport', 'salford,stockport']), day: z.enum(['1', '5', '7']), time: z.enum(['08:00', '17:30']), destination: z.literal('personal') }),
  },
];

describe.each(FORMS)('card submission $verb', (form) => {
  const base = () => arbitraryOf(form.schema).map((v) => {
    const o = { ...(v as Record<string, unknown>) };
    if ('operationId' in o) o.operationId = operationId;
    return o;
  });
  const keys = Object.keys(form.schema.shape).filter((k) => k !== 'operationId');
  const atTime = async <T>(work: () => Promise<T>): Promise<T> => {
    const before = bot.now.value;
    if (form.at) bot.now.value = new Date(form.at);
    try {
      return await work();
    } finally {
      bot.now.value = before;
    }
  };

  it('any input, valid or hostile: no crash, no 5xx, a card that says something', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(base().map((value) => ({ value })), mutated(base(), keys)), async ({ value }) => {
        const res = await atTime(() => execute(form.user, form.where(), form.verb, value));
        expectReadableCard(res);
      }),
      { numRuns: RUNS.any },
    );
  }, 60_000);

  it('certainly invalid input: nothing stored, and an error to read', async () => {
    const invalid = fc.tuple(mutated(base(), keys), wrongType).map(([m, bad]) => ({ ...m.value, [form.breaks]: bad }));
    await fc.assert(
      fc.asyncProperty(invalid, async (value) => {
        const before = await writtenRows();
        const res = await atTime(() => execute(form.user, form.where(), form.verb, value));
        expectReadableCard(res);
        expect(await writtenRows()).toEqual(before);
        counts.invalidChecked++;
      }),
      { numRuns: RUNS.invalid },
    );
  }, 60_000);
});

/** Fields whose text reaches a channel or another organisation's screen, and what a refusal there says. */
const DISGUISE_TARGETS: { verb: string; field: string; refusal: RegExp }[] = [
  { verb: 'alert.submit', field: 'body', refusal: /personal data|plain text|invisible/i },
  { verb: 'alert.submit', field: 'title', refusal: /personal data|plain text|invisible/i },
  { verb: 'incident.submit', field: 'summary', refusal: /identify anyone|plain text|invisible/i },
  { verb: 'operation.schedule', field: 'name', refusal: /goes to a channel|plain text|invisible/i },
  { verb: 'operation.schedule', field: 'area', refusal: /goes to a channel|plain text|invisible/i },
];

describe.each(DISGUISE_TARGETS)('personal data and markup in disguise: $verb $field', ({ verb, field, refusal }) => {
  const form = FORMS.find((f) => f.verb === verb)!;
  it('is refused beside the field, and nothing is stored', async () => {
    const ordinary = fc.constantFrom('Seen near the shops:', 'Problems again with', 'Operation at');
    const disguised = fc.tuple(ordinary, fc.constantFrom(...PERSONAL_DATA_BYPASSES, ...MARKUP_BYPASSES), fc.constantFrom(' most nights.', '', ' again')).map(([a, b, c]) => `${a} ${b}${c}`.trim());
    await fc.assert(
      fc.asyncProperty(arbitraryOf(form.schema), disguised, async (base, text) => {
        const before = await writtenRows();
        const res = await execute(form.user, form.where(), verb, { ...(base as Record<string, unknown>), [field]: text });
        expectReadableCard(res);
        expect(textOfCard(res.body.value), text).toMatch(refusal);
        expect(await writtenRows()).toEqual(before);
        counts.invalidChecked++;
      }),
      { numRuns: RUNS.invalid },
    );
  }, 60_000);
});

describe('HTTP bodies', () => {
  it('POST /api/messages: any JSON, activity-shaped or not, never answers 5xx', async () => {
    const activityShaped = mutated(
      fc.record({
        type: fc.constantFrom('message', 'invoke', 'conversationUpdate', 'installationUpdate', 'messageReaction', 'typing', 'event'),
        text: fc.oneof(fc.constantFrom('help', 'incidents', 'incident STO-2026-000001', 'report', 'alerts'), hostileString),
        name: fc.constantFrom('adaptiveCard/action', 'composeExtension/query', 'signin/verifyState'),
        value: fc.oneof(fc.jsonValue(), fc.record({ action: fc.record({ type: fc.constant('Action.Execute'), verb: fc.oneof(fc.constantFrom('incident.submit', 'alert.ack', 'help'), hostileString), data: fc.jsonValue() }) })),
        membersAdded: fc.array(fc.record({ id: fc.string({ maxLength: 20 }) }), { maxLength: 2 }),
      }),
      ['type', 'text', 'name', 'value', 'membersAdded'],
    ).map(({ value }) => JSON.stringify({ ...activityFrom(bot.connector.serviceUrl, PRIYA, personalChat(PRIYA), {}), ...value }));
    const body = fc.oneof(activityShaped, fc.jsonValue().map((v) => JSON.stringify(v)), fc.string({ maxLength: 200 }), fc.constantFrom('', '{', 'null', '[]', '{"type":""}', '{"type":123}'));
    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        counts.requests++;
        const res = await fetch(`${bot.host.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
        const text = await res.text();
        expect(res.status, text.slice(0, 300)).toBeLessThan(500);
        if (res.status === 400) expect(text.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS.http * 2 },
    );
  }, 60_000);

  let key = 0;
  const signedPost = async (route: string, raw: string) => {
    counts.requests++;
    // A second per request: fast-check can produce the same body twice, and the same body signed in the
    // same second is the same signature, which the endpoint rightly refuses as a replay.
    bot.now.value = new Date(bot.now.value.getTime() + 1000);
    const ts = String(Math.floor(bot.now.value.getTime() / 1000));
    const res = await fetch(`${bot.host.url}/api/${route}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-concordat-partner': LOCAL_DEMO_PARTNER.id,
        'x-concordat-timestamp': ts,
        'x-concordat-signature': sign(LOCAL_DEMO_PARTNER.secret, ts, raw),
        'idempotency-key': `prop-${route}-${++key}-key`,
      },
      body: raw,
    });
    return { status: res.status, body: (await res.json()) as { error?: string; details?: { field: string; message: string }[] } };
  };

  it.each([
    ['alerts', AlertRequestBody],
    ['priorities', PrioritiesRequestBody],
  ] as const)('POST /api/%s: valid and hostile bodies; never 5xx; an invalid body stores nothing and says why', async (route, schema) => {
    const valid = arbitraryOf(schema) as fc.Arbitrary<Record<string, unknown>>;
    const keys = Object.keys(schema.shape);
    const bodies = fc.oneof(valid.map((value) => ({ value })), mutated(valid, keys), mutated(valid, keys));
    await fc.assert(
      fc.asyncProperty(bodies, async ({ value }) => {
        const raw = JSON.stringify(value);
        const before = await writtenRows();
        const res = await signedPost(route, raw);
        expect(res.status).toBeLessThan(500);
        if (!schema.safeParse(JSON.parse(raw)).success) {
          expect([400, 413]).toContain(res.status);
          expect(res.body.error?.length).toBeGreaterThan(0);
          if (res.status === 400) expect(res.body.details?.every((d) => d.message.length > 0)).toBe(true);
          expect(await writtenRows()).toEqual(before);
          counts.invalidChecked++;
        } else if (res.status >= 400) {
          // Valid in shape but refused on meaning (an unknown theme, nothing changed): still says why.
          expect(res.body.error?.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS.http },
    );
  }, 90_000);

  it('any partner id that is not a registered key, Object member names included: 401, never 5xx, nothing stored', async () => {
    const members = Object.getOwnPropertyNames(Object.prototype).concat(['prototype', '__proto__']);
    const partnerIds = fc.oneof(fc.constantFrom(...members), fc.string({ minLength: 1, maxLength: 60 }).filter((s) => /^[\x21-\x7e]+$/.test(s) && s !== LOCAL_DEMO_PARTNER.id));
    await fc.assert(
      fc.asyncProperty(partnerIds, fc.constantFrom('alerts', 'priorities'), async (partner, route) => {
        const raw = '{}';
        const before = await writtenRows();
        const ts = String(Math.floor(bot.now.value.getTime() / 1000));
        const res = await fetch(`${bot.host.url}/api/${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-concordat-partner': partner, 'x-concordat-timestamp': ts, 'x-concordat-signature': sign('x'.repeat(40), ts, raw), 'idempotency-key': `prop-partner-${++key}-key` },
          body: raw,
        });
        expect(res.status).toBe(401);
        expect(await writtenRows()).toEqual(before);
      }),
      { numRuns: RUNS.http },
    );
  }, 90_000);
});
