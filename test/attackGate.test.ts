import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AISHA, CITY_WEST_TENANT, DAN, personalChat, PRIYA, STRANGER, startBotHarness, textOfCard, TOM, type BotHarness, type Conversation } from './support/botHarness';
import { findByReference, pressButton, reportIncident } from './support/botTurns';
import { inChannel, TEAM } from './support/teamSetup';
import { auditOf } from './support/audit';

/**
 * An attacker's look at the one gate and at incident views: buttons pressed where they do not belong, by people the
 * concordat does not know (another tenant, a guest, a bot), and "View details" / "Hide details" / "Find by
 * reference" forged with another organisation's reference. Every refusal is logged (DPA 2018 s.62), and nothing
 * private reaches a channel or a person without access.
 */

type User = typeof PRIYA;
let bot: BotHarness;
let held: string; // Stockport Homes' report, shared with the police only
const store = () => bot.runtime.ctx.store;
const GROUP: Conversation = { id: '19:estate-chat@thread.v2', conversationType: 'groupChat' };

beforeAll(async () => {
  bot = await startBotHarness();
  for (const u of [PRIYA, AISHA, TOM]) {
    await store().conversations.upsert({ kind: 'personal', conversationId: personalChat(u).id, serviceUrl: bot.connector.serviceUrl, tenantId: '00000000-0000-4000-8000-0000000c0dec', userAadObjectId: u.aadObjectId, installedAt: bot.now.value.toISOString() });
  }
  held = await reportIncident(bot, PRIYA, { sharedWith: 'gmp', fullAddress: '14 Cherry Tree Walk, Stockport SK5 6AB', details: 'Named: Jordan Smith, 17.' });
}, 60_000);
afterAll(async () => bot?.close());

const refusalsOf = async (user: User, reference = held) =>
  (await auditOf(store(), `incident:${reference}`)).filter((e) => e.action === 'refusal' && e.actor.aadObjectId === user.aadObjectId);
async function queuedFor(user: User): Promise<number> {
  const rows = await store().outbox.query("PartitionKey ne ''");
  return rows.filter((r) => r.value.target.conversationId === personalChat(user).id).length;
}
const find = (user: User & { tenantId?: string }, text: string, conversation: Conversation = GROUP) => findByReference(bot, user, text, conversation);

describe('"View details" and "Hide details" decide access for whoever presses them', () => {
  it('a forged Hide details for an incident not shared with you is refused and logged, like View details', async () => {
    const card = await pressButton(bot, AISHA, 'incident.hide', { reference: held }, inChannel(TEAM.id));
    expect(textOfCard(card)).toContain('does not have access');
    expect((card.actions ?? []).map((a: any) => a.verb)).not.toContain('incident.view');
    expect(await refusalsOf(AISHA)).toHaveLength(1);
    // Whoever may see it gets the channel's card back, and that is no refusal.
    const tom = await pressButton(bot, TOM, 'incident.hide', { reference: held }, inChannel(TEAM.id));
    expect((tom.actions ?? []).map((a: any) => a.verb)).toContain('incident.view');
    expect(await refusalsOf(TOM)).toEqual([]);
  });

  it('View details pressed in a channel by a partner without access sends nothing privately, shows no detail, and is logged', async () => {
    const [queued, refused] = [await queuedFor(AISHA), (await refusalsOf(AISHA)).length];
    const card = await pressButton(bot, AISHA, 'incident.view', { reference: held, historyBefore: 2 }, inChannel(TEAM.id));
    const text = textOfCard(card);
    expect(text).not.toMatch(/Cherry Tree|Jordan|youths throwing stones/);
    expect(await queuedFor(AISHA)).toBe(queued);
    expect(await refusalsOf(AISHA)).toHaveLength(refused + 1);
  });

  it('a reference of another organisation typed into `incident` in a group chat answers no detail to the chat', async () => {
    const before = bot.connector.sent.length;
    await bot.say(TOM, `incident ${held}`, GROUP);
    const reply = bot.connector.sent.slice(before).map((a) => JSON.stringify(a.activity)).join('\n');
    expect(reply).not.toMatch(/Cherry Tree|Jordan|youths throwing stones/);
  });
});

describe('"Find by reference" answers only with what the caller may see, and alike for what is hidden and what does not exist', () => {
  it('another organisation\'s incident and an invented reference both give no result; the first is logged as a refusal', async () => {
    const hidden = await find(AISHA, held);
    const invented = await find(AISHA, 'STO-2026-999999');
    expect(hidden.composeExtension.attachments).toEqual([]);
    expect(invented).toEqual(hidden);
    expect((await refusalsOf(AISHA)).some((e) => /message extension/.test(e.note ?? ''))).toBe(true);
  });

  it('the card offered to someone who may see it carries no address, name or summary', async () => {
    const found = await find(TOM, held);
    expect(found.composeExtension.attachments).toHaveLength(1);
    expect(JSON.stringify(found)).not.toMatch(/Cherry Tree|Jordan|youths throwing stones|SK5 6AB/);
  });

  it('a member signed in from another tenant, a guest and a bot get nothing', async () => {
    for (const who of [{ ...TOM, tenantId: CITY_WEST_TENANT }, STRANGER, { ...TOM, aadObjectId: undefined as never }]) {
      const res = await find(who, held);
      expect(res.composeExtension.attachments).toEqual([]);
    }
  });
});

describe('the gate: where and who, before any handler', () => {
  const personalOnly: [string, Record<string, unknown>][] = [
    ['incidents.search', { q: 'Brinnington' }],
    ['incidents.access.request', { ask: 'x' }],
    ['incidents.access.approve', { owner: 'stockport-homes', id: 'a'.repeat(24) }],
    ['incidents.access.decline', { owner: 'stockport-homes', id: 'a'.repeat(24) }],
    ['incidents.list', { more: 'x' }],
  ];

  it('personal-only buttons pressed in a channel or a group chat are refused there, and the refusal logged once an hour', async () => {
    for (const [verb, data] of personalOnly) {
      for (const where of [inChannel(TEAM.id), GROUP]) {
        const card = await pressButton(bot, TOM, verb, data, where);
        expect(textOfCard(card)).toContain('Use this in your personal chat');
      }
      const refusals = await auditOf(store(), `route:action:${verb}`);
      expect(refusals.filter((e) => e.actor.aadObjectId === TOM.aadObjectId)).toHaveLength(1);
    }
  });

  it("a member's Entra id from another tenant and a guest are not who they claim; staff cannot press an approver's button", async () => {
    const priyaElsewhere = { ...PRIYA, tenantId: CITY_WEST_TENANT };
    const card = await pressButton(bot, priyaElsewhere, 'incidents.search', { q: held });
    expect(textOfCard(card)).not.toContain(held);
    const guest = await pressButton(bot, STRANGER, 'incidents.search', { q: held });
    expect(textOfCard(guest)).not.toContain(held);
    expect(textOfCard(await pressButton(bot, DAN, 'incidents.access.approve', { owner: 'stockport-council', id: 'a'.repeat(24) }))).toContain('approver');
  });
});

describe('"More" buttons edited or made for someone else, on every list', () => {
  // A sealed token that was never made by this deployment: what an edited, truncated or invented one looks like.
  const forged = 'A'.repeat(80);
  const lists: [string, typeof PRIYA, Record<string, unknown>][] = [
    ['incidents.search', AISHA, { q: '', more: forged }],
    ['incidents.list', AISHA, { more: forged }],
    ['alerts', AISHA, { more: forged }],
    ['operation.list', AISHA, { more: forged }],
    ['people.list', DAN, { more: forged }],
    ['review.more', DAN, { more: forged, organisationId: 'stockport-homes', round: '2026-11' }],
    ['audit.trail', DAN, { more: forged }],
  ];

  it('is refused and logged as a refusal of that list\'s button, once an hour, whichever list it is', async () => {
    for (const [verb, user, data] of lists) {
      await pressButton(bot, user, verb, data);
      await pressButton(bot, user, verb, data);
      const refusals = (await auditOf(store(), `route:action:${verb}`)).filter((e) => e.actor.aadObjectId === user.aadObjectId);
      expect({ verb, notes: refusals.map((e) => e.note?.split(';')[0]) }).toEqual({ verb, notes: [expect.stringMatching(/refused: page token signature does not match/)] });
    }
  });
});
