/**
 * Joining the concordat, over HTTP, as Teams would drive it.
 *
 * Sam Newton (host tenant, not in the directory) messages the bot and gets
 * only a request-access card; he asks to join Stockport Homes as staff. The
 * request goes to Stockport Homes' approver, Maria Lopez; an approver of
 * another organisation cannot decide it; Maria approves; Sam is told, and
 * his next `help` shows his role. A declined request tells the requester
 * why. A removal takes effect on the person's next activity. Each step
 * leaves its audit row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDirectoryFile } from '../bot/directory/apply';
import { findMember, findRequest } from '../bot/directory/repository';
import { drainOutbox } from '../bot/outbox/sender';
import { activityFrom, cardOf, DAN, MARIA, personalChat, PRIYA, SAM, startBotHarness, textOfCard, type BotHarness } from './support/botHarness';
import { execute } from './support/teamSetup';
import { validateAdaptiveCard } from './support/schemas';
import { auditOf as auditOfSubject } from './support/audit';
import { auditTrail } from '../bot/audit/repository';

const OLU = { id: '29:olu', aadObjectId: '00000000-0000-4000-8000-0000000000b1', name: 'Olu Adeyemi' }; // Salix Homes' approver
const LEE = { id: '29:lee', aadObjectId: '00000000-0000-4000-8000-0000000000b2', name: 'Lee Carter' }; // asks, and is declined
const OUTSIDER = { id: '29:out', aadObjectId: '00000000-0000-4000-8000-0000000000b3', name: 'Robin Vale', tenantId: 'abcdef00-0000-4000-8000-00000000abcd' }; // a tenant no organisation lists

let bot: BotHarness;
const failures: unknown[] = [];
beforeAll(async () => {
  bot = await startBotHarness({ log: { info: () => {}, warn: () => {}, error: (msg, fields) => failures.push({ msg, ...fields }) } });
  // Salix Homes onboards its approver in bulk (the same plan/apply as the partnership file).
  const onboarded = await applyDirectoryFile(
    bot.runtime.ctx,
    { schema: 'concordat.people/v1', organisation: 'salix-homes', people: [{ aadObjectId: OLU.aadObjectId, tenantId: '00000000-0000-4000-8000-0000000c0dec', displayName: OLU.name, roles: ['staff', 'orgLead'] }] },
    { aadObjectId: DAN.aadObjectId },
  );
  expect(onboarded.ok).toBe(true);
  // Approvers and administrators have the bot in their personal chat: that is where approval cards go.
  for (const user of [MARIA, DAN, OLU]) await bot.post(activityFrom(bot.connector.serviceUrl, user, personalChat(user), { type: 'installationUpdate', action: 'add' }));
  // Teams tells the bot Sam's e-mail when asked (TeamsInfo.getMember): it proposes his organisation.
  bot.connector.members[SAM.id] = { id: SAM.id, name: SAM.name, aadObjectId: SAM.aadObjectId, email: 'sam.newton@stockporthomes.org.uk', userPrincipalName: 'sam.newton@stockporthomes.org.uk' };
});
afterAll(async () => {
  await bot?.close();
  expect(failures).toEqual([]); // no turn failed along the way
});

const ctx = () => bot.runtime.ctx;
const drain = () => drainOutbox(ctx(), bot.runtime.transport, { sendTimeoutMs: 2000 });
async function lastCardTo(user: { id: string }, since: number): Promise<any> {
  const sent = await bot.connector.waitFor((a) => a.conversationId === personalChat(user as typeof PRIYA).id && bot.connector.sent.indexOf(a) >= since && cardOf(a) !== undefined);
  return cardOf(sent);
}
async function say(user: typeof PRIYA & { tenantId?: string }, text: string): Promise<any> {
  const before = bot.connector.sent.length;
  const res = await bot.post(activityFrom(bot.connector.serviceUrl, user, personalChat(user), { type: 'message', text }));
  expect(res.status).toBe(200);
  return lastCardTo(user, before);
}
async function invoke(user: typeof PRIYA & { tenantId?: string }, verb: string, data: Record<string, unknown>): Promise<any> {
  const res = await execute(bot, user, personalChat(user), verb, data);
  expect(res.status).toBe(200);
  const card = res.body.value;
  expect(validateAdaptiveCard(card)).toEqual([]);
  return card;
}
const auditOf = (subject: `${'member' | 'access-request'}:${string}`) => auditOfSubject(ctx().store, subject);

describe('an unknown person joins', () => {
  it('unknown → request → the right approver approves → the next help shows the role; every step audited', async () => {
    // 1. Sam says help (or anything that is not a command): only the request-access card, his organisation proposed from his e-mail domain.
    for (const text of ['help', 'hello, what is this?']) {
      const card = await say(SAM, text);
      const shown = textOfCard(card);
      expect(shown).toContain('Hello Sam Newton');
      expect(shown).toContain('You are not registered with the concordat yet');
      expect(shown).toContain('From your sign-in you look to be with Stockport Homes');
      expect(shown).not.toContain('Report incident');
      expect(card.body.find((b: any) => b.id === 'organisationId')?.value).toBe('stockport-homes');
      expect(card.actions.map((a: any) => a.verb)).toEqual(['access.request']);
      expect(validateAdaptiveCard(card)).toEqual([]);
    }
    // A members' command is refused by the gate, pointing him to asking for access.
    expect(textOfCard(await say(SAM, 'incidents'))).toContain('Say help in your personal chat with Concordat to ask for access');

    // 2. A reason is required: the card comes back with the error beside it and the values kept.
    const bad = await invoke(SAM, 'access.request', { organisationId: 'stockport-homes', role: 'staff', jobTitle: 'Housing officer', reason: '' });
    expect(textOfCard(bad)).toContain('Say in a few words why you need access');
    expect(bad.body.find((b: any) => b.id === 'jobTitle')?.value).toBe('Housing officer');
    expect(await findRequest(ctx(), SAM.aadObjectId)).toBeUndefined();

    const before = bot.connector.sent.length;
    const sent = await invoke(SAM, 'access.request', { organisationId: 'stockport-homes', role: 'staff', jobTitle: 'Housing officer', reason: 'I work ASB cases on the Brinnington estate' });
    expect(textOfCard(sent)).toContain("Stockport Homes' approvers will decide; you will hear the answer here.");
    expect((await findRequest(ctx(), SAM.aadObjectId))?.value).toMatchObject({ status: 'pending', routedTo: 'organisation', organisationId: 'stockport-homes', email: 'sam.newton@stockporthomes.org.uk' });
    // While pending, Sam sees that and nothing else.
    expect(textOfCard(await say(SAM, 'help'))).toContain('Your request is waiting for a decision');

    // 3. The approval card reaches Maria (Stockport Homes' approver) only, not Olu (Salix Homes) nor Dan.
    await drain();
    const toMaria = bot.connector.sent.slice(before).filter((a) => textOfCard(cardOf(a)).includes('Sam Newton asks to join Stockport Homes'));
    expect(toMaria.map((a) => a.conversationId)).toEqual([personalChat(MARIA).id]);
    const approval = cardOf(toMaria[0]!);
    expect(validateAdaptiveCard(approval)).toEqual([]);
    expect(textOfCard(approval)).toContain('I work ASB cases on the Brinnington estate');
    expect(approval.actions.map((a: any) => [a.verb, a.data.requester])).toEqual([
      ['access.approve', SAM.aadObjectId],
      ['access.decline', SAM.aadObjectId],
    ]);

    // 4. An approver of another organisation cannot approve it (refused, recorded against the request); a member
    //    who is no approver is stopped by the gate (recorded against the route).
    expect(textOfCard(await invoke(OLU, 'access.approve', { requester: SAM.aadObjectId, roles: 'staff,orgLead' }))).toContain('Not yours to decide');
    expect(textOfCard(await invoke(PRIYA, 'access.approve', { requester: SAM.aadObjectId, roles: 'staff,orgLead' }))).toContain("Only an organisation's approvers and the concordat administrators manage people");
    expect(await findMember(ctx(), SAM.aadObjectId)).toBeUndefined();

    // 5. Maria approves him as staff.
    const sentBefore = bot.connector.sent.length;
    const approved = await invoke(MARIA, 'access.approve', { requester: SAM.aadObjectId, roles: 'staff', themes: '' });
    expect(textOfCard(approved)).toContain('Approved on 25 November 2026: Sam Newton is now Partner staff at Stockport Homes. They have been told.');
    expect(approved.actions ?? []).toEqual([]); // decided: no buttons left
    expect((await findMember(ctx(), SAM.aadObjectId))?.value).toMatchObject({ organisationId: 'stockport-homes', roles: ['staff'], tenantId: '00000000-0000-4000-8000-0000000c0dec', source: 'approval' });
    // Pressing Approve again changes nothing.
    expect(textOfCard(await invoke(MARIA, 'access.approve', { requester: SAM.aadObjectId, roles: 'staff,coordinator' }))).toContain('Already decided');
    expect((await findMember(ctx(), SAM.aadObjectId))?.value.roles).toEqual(['staff']);

    // 6. Sam hears the outcome in his chat, and his next help shows his role.
    await drain();
    const told = bot.connector.sent.slice(sentBefore).filter((a) => a.conversationId === personalChat(SAM).id);
    expect(told.map((a) => textOfCard(cardOf(a)))).toEqual([expect.stringContaining('Your Concordat access is approved')]);
    const help = textOfCard(await say(SAM, 'help'));
    expect(help).toContain('Hello Sam Newton — Stockport Homes · Partner staff');
    expect(help).toContain('Report incident');

    // 7. Each step's audit row: the request (by Sam), the other organisation's approver refused, the approval (by Maria);
    //    Priya's refusal by the gate is on the route.
    const requestRows = await auditOf(`access-request:${SAM.aadObjectId}`);
    expect(requestRows.map((e) => [e.action, e.actor.aadObjectId])).toEqual([
      ['collection', SAM.aadObjectId],
      ['refusal', OLU.aadObjectId],
    ]);
    expect((await auditTrail(ctx(), { type: 'route', id: 'action:access.approve' })).map((e) => e.actor.aadObjectId)).toContain(PRIYA.aadObjectId);
    const memberRows = await auditOf(`member:${SAM.aadObjectId}`);
    expect(memberRows).toEqual([expect.objectContaining({ action: 'alteration', actor: { aadObjectId: MARIA.aadObjectId, organisationId: 'stockport-homes' }, note: 'access approved for stockport-homes: roles staff' })]);
  });

  it('a declined request needs a reason, which the requester is told; they may ask again', async () => {
    await say(LEE, 'hello');
    await invoke(LEE, 'access.request', { organisationId: 'stockport-homes', role: 'coordinator', reason: 'I coordinate estate walkabouts' });
    const noReason = await invoke(MARIA, 'access.decline', { requester: LEE.aadObjectId, declineReason: '' });
    expect(textOfCard(noReason)).toContain('Say why, in a few words: they are told');
    expect((await findRequest(ctx(), LEE.aadObjectId))?.value.status).toBe('pending');

    const before = bot.connector.sent.length;
    const declined = await invoke(MARIA, 'access.decline', { requester: LEE.aadObjectId, declineReason: 'Not a Stockport Homes employee: ask your own organisation' });
    expect(textOfCard(declined)).toContain('Declined on 25 November 2026: Not a Stockport Homes employee');
    await drain();
    const told = bot.connector.sent.slice(before).filter((a) => a.conversationId === personalChat(LEE).id).map((a) => textOfCard(cardOf(a)));
    expect(told).toEqual([expect.stringMatching(/Your Concordat access request was declined[\s\S]*Not a Stockport Homes employee/)]);
    expect(await findMember(ctx(), LEE.aadObjectId)).toBeUndefined();
    expect((await auditOf(`access-request:${LEE.aadObjectId}`)).map((e) => [e.action, e.actor.aadObjectId])).toEqual(
      expect.arrayContaining([
        ['collection', LEE.aadObjectId],
        ['alteration', MARIA.aadObjectId],
      ]),
    );
    // Lee may ask again.
    expect(textOfCard(await say(LEE, 'help'))).toContain('You are not registered with the concordat yet');
  });

  it('a request from a tenant no organisation lists goes to the concordat administrators, not to an organisation approver', async () => {
    const ask = textOfCard(await say(OUTSIDER, 'help'));
    expect(ask).toContain('Your sign-in does not match an organisation of the concordat: the concordat administrators decide');
    const before = bot.connector.sent.length;
    await invoke(OUTSIDER, 'access.request', { organisationId: 'stockport-homes', role: 'staff', reason: 'Agency worker placed with Stockport Homes' });
    expect((await findRequest(ctx(), OUTSIDER.aadObjectId))?.value.routedTo).toBe('administrators');
    await drain();
    expect(bot.connector.sent.slice(before).filter((a) => textOfCard(cardOf(a)).includes('Robin Vale asks to join')).map((a) => a.conversationId)).toEqual([personalChat(DAN).id]);
    expect(textOfCard(await invoke(MARIA, 'access.approve', { requester: OUTSIDER.aadObjectId, roles: 'staff' }))).toContain('Not yours to decide');
    expect(textOfCard(await invoke(DAN, 'access.approve', { requester: OUTSIDER.aadObjectId, roles: 'staff' }))).toContain('Approved');
    expect((await findMember(ctx(), OUTSIDER.aadObjectId))?.value).toMatchObject({ organisationId: 'stockport-homes', tenantId: OUTSIDER.tenantId });
  });
});

describe('managing people from cards', () => {
  it("an approver finds a person, changes their roles, and removes them: removal takes effect on the person's next activity", async () => {
    const list = await say(MARIA, 'people sam');
    expect(textOfCard(list)).toContain('Sam Newton');
    expect(validateAdaptiveCard(list)).toEqual([]);
    const saved = await invoke(MARIA, 'member.save', { member: SAM.aadObjectId, roles: 'staff,themeLead', themes: '' });
    expect(textOfCard(saved)).toContain('A theme lead leads at least one theme');
    const ok = await invoke(MARIA, 'member.save', { member: SAM.aadObjectId, roles: 'staff,themeLead', themes: 'public-safety' });
    expect(textOfCard(ok)).toContain('Saved: it applies from their next message.');
    expect(textOfCard(await say(SAM, 'help'))).toContain('Stockport Homes · Partner staff, Theme lead');

    // Olu (Salix Homes) may not touch a Stockport Homes member.
    expect(textOfCard(await invoke(OLU, 'member.remove', { member: SAM.aadObjectId }))).toContain('Not yours to manage');
    expect(await findMember(ctx(), SAM.aadObjectId)).toBeDefined();

    const removed = await invoke(MARIA, 'member.remove', { member: SAM.aadObjectId });
    expect(textOfCard(removed)).toContain('Sam Newton has been removed');
    // His very next activity: no roles, only the request-access card; a card action of his is refused.
    expect(textOfCard(await say(SAM, 'help'))).toContain('You are not registered with the concordat yet');
    expect(textOfCard(await invoke(SAM, 'incident.report', {}))).not.toContain('Report an incident');
    const rows = await auditOf(`member:${SAM.aadObjectId}`);
    expect(rows.map((e) => e.note)).toEqual(
      expect.arrayContaining(['access approved for stockport-homes: roles staff', expect.stringMatching(/^roles staff → staff, themeLead/), 'removed from stockport-homes (roles were staff, themeLead)']),
    );
    expect(rows.find((e) => e.note?.startsWith('removed'))?.actor.aadObjectId).toBe(MARIA.aadObjectId);
  });

  it('a suspended member is told so and sees nothing else until reinstated', async () => {
    const olusCard = await invoke(DAN, 'member.suspend', { member: OLU.aadObjectId });
    expect(textOfCard(olusCard)).toContain('Suspended: from their next message');
    expect(textOfCard(await say(OLU, 'help'))).toContain('Your Concordat access is suspended');
    expect(textOfCard(await say(OLU, 'people'))).toContain('You are not registered with the concordat');
    await invoke(DAN, 'member.reinstate', { member: OLU.aadObjectId });
    expect(textOfCard(await say(OLU, 'help'))).toContain('Salix Homes · Partner staff, Organisation lead');
  });
});
