import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf } from './support/audit';
import { activityFrom, KWAME, PRIYA, STRANGER, personalChat, startBotHarness, textOfCard, type BotHarness, type Conversation } from './support/botHarness';
import { validateAdaptiveCard } from './support/schemas';
import { installAndMapChannel } from './support/teamSetup';

/**
 * Private views for people with no personal chat with Concordat. Kwame Mensah (City West Housing Trust) signs in
 * from City West's own tenant and meets the bot only in the host tenant's shared Salford channel (B2B direct
 * connect): Teams gives apps no one-to-one chat with external users. What is private to him reaches him as the
 * answer to a button he presses (shown to his client alone), never as a post in the channel.
 */

const AISHA = { id: '29:aisha', aadObjectId: '00000000-0000-4000-8000-000000000005', name: 'Aisha Rahman' }; // Salix Homes, Salford
const SALFORD = { id: '19:salford-shared@thread.tacv2', name: 'Salford Partners (shared)' };
const inSalford: Conversation = { id: SALFORD.id, conversationType: 'channel', teamId: '19:stockport-team@thread.tacv2', channelId: SALFORD.id, teamName: 'Stockport Community Safety' };

let bot: BotHarness;
let reference: string;
beforeAll(async () => {
  bot = await startBotHarness();
  // The host tenant's admin installs Concordat in the team and maps the shared channel to Salford.
  await installAndMapChannel(bot, 'salford', SALFORD);
  // Salix Homes reports an incident in Salford and shares it with the police and City West Housing Trust.
  const confirmed = await invoke(AISHA, 'incident.submit', {
    submissionId: randomUUID().replace(/-/g, ''),
    category: 'asb-personal', hateCrimeStrand: '', borough: 'salford', area: 'Ordsall Lane flats', postcodeDistrict: 'M5',
    fullAddress: 'Flat 12, 40 Ordsall Lane, Salford M5 3AB', occurredDate: '2026-11-24', occurredTime: '22:10',
    summary: 'Repeated door-knocking and threats to a tenant late at night.',
    details: 'Tenant Ms J. Doe named two youths she recognised from the block.', victims: '1', suspects: '2', witnesses: '0',
    vulnerablePerson: 'false', childrenPresent: 'false', policeReference: '', risk: 'standard', actions: 'reported-to-police',
    sharedWith: 'gmp,city-west-housing', marking: 'OFFICIAL-SENSITIVE',
  });
  const m = /Recorded: ([A-Z]{3}-\d{4}-\d{6})/.exec(textOfCard(confirmed));
  if (!m) throw new Error(JSON.stringify(confirmed).match(/.{200}"color":"Attention".{100}/g)?.join("\n"));
  reference = m[1]!;
});
afterAll(async () => bot?.close());

const store = () => bot.runtime.ctx.store;

async function invoke(user: typeof PRIYA, verb: string, data: Record<string, unknown>, conversation: Conversation = personalChat(user)) {
  const res = await bot.post(
    activityFrom(bot.connector.serviceUrl, user, conversation, {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual' },
    }),
  );
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
  return res.body.value as any;
}

/** Everything that left the bot for Teams (posts and updates) and every outbox row, to show nothing new went anywhere. */
async function sentAndQueued(): Promise<{ sent: number; queued: string[] }> {
  await new Promise((r) => setTimeout(r, 150)); // a stray proactive send would have reached the connector by now
  const rows = await store().outbox.query("PartitionKey ne ''");
  return { sent: bot.connector.sent.length, queued: rows.map((r) => r.value.id).sort() };
}

describe('incident details for a shared-channel member with no personal chat', () => {
  it('Kwame presses View details in the channel: the details are the answer to his press alone, the channel gets nothing, and his view is audited', async () => {
    expect(await store().conversations.query(`PartitionKey eq 'personal' and userAadObjectId eq '${KWAME.aadObjectId}'`)).toEqual([]);
    const before = await sentAndQueued();

    const card = await invoke(KWAME, 'incident.view', { reference }, inSalford);
    const text = textOfCard(card);
    expect(text).toContain('Repeated door-knocking and threats');
    expect(text).toContain('Flat 12, 40 Ordsall Lane');
    expect(text).toContain('Only you can see this');
    expect(text).toContain("another organisation's tenant"); // he signs in from City West's tenant, not the host's
    expect(validateAdaptiveCard(card)).toEqual([]);
    expect(card.version).toBe('1.5');
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28_000);
    // Forms with restricted details work only in a personal chat: not offered here. He can hide the details again.
    const verbs = (card.actions ?? []).map((a: any) => a.verb);
    expect(verbs).toContain('incident.hide');
    expect(verbs).not.toContain('incident.update.form');
    expect(verbs).not.toContain('incident.edit.form');

    expect(await sentAndQueued()).toEqual(before); // nothing posted, updated or queued: not to the channel, not anywhere

    const views = (await auditOf(store(), `incident:${reference}`)).filter((e) => e.action === 'consultation');
    expect(views.at(-1)).toMatchObject({
      actor: { aadObjectId: KWAME.aadObjectId, organisationId: 'city-west-housing' },
      recipients: [KWAME.aadObjectId],
      justification: expect.stringContaining('shown to them alone in answer to their button'),
    });

    const hidden = await invoke(KWAME, 'incident.hide', { reference }, inSalford);
    expect(textOfCard(hidden)).not.toContain('door-knocking');
    expect(textOfCard(hidden)).not.toContain('Ordsall Lane flats');
    expect((hidden.actions ?? []).map((a: any) => a.verb)).toEqual(['incident.view']);
  });

  it('typed in the channel, "incident REF" is answered for everyone, so it carries no details: only a button that shows each presser their own view', async () => {
    const before = bot.connector.sent.length;
    await bot.say(KWAME as typeof PRIYA, `incident ${reference}`, inSalford);
    const reply = await bot.connector.waitFor((a) => a.conversationId.startsWith(SALFORD.id) && bot.connector.sent.indexOf(a) >= before);
    const text = textOfCard(reply.activity.attachments![0]!.content);
    expect(text).not.toContain('door-knocking');
    expect(text).not.toContain('Flat 12');
    expect(text).toContain('Press View details');
  });

  it('someone without access gets no details: another landlord sees only that it exists, an unregistered person nothing; both refusals audited', async () => {
    const priya = await invoke(PRIYA, 'incident.view', { reference }, inSalford);
    expect(textOfCard(priya)).not.toContain('door-knocking');
    expect(textOfCard(priya)).toContain('does not have access to the details');
    const stranger = await invoke(STRANGER, 'incident.view', { reference }, inSalford);
    expect(textOfCard(stranger)).not.toContain('door-knocking');
    expect(textOfCard(stranger)).not.toContain(reference.slice(0, 3) + '-') ; // not even the reference card
    const refusals = (await auditOf(store(), `incident:${reference}`)).filter((e) => e.action === 'refusal');
    expect(refusals.map((e) => e.actor.aadObjectId)).toEqual(expect.arrayContaining([PRIYA.aadObjectId]));
  });

  it('a member with a personal chat keeps today\'s behaviour: the details go to that chat, the channel card says so', async () => {
    await bot.post(activityFrom(bot.connector.serviceUrl, AISHA, personalChat(AISHA), { type: 'installationUpdate', action: 'add' }));
    const card = await invoke(AISHA, 'incident.view', { reference }, inSalford);
    expect(textOfCard(card)).toContain('sent the details to your private chat');
    expect(textOfCard(card)).not.toContain('door-knocking');
  });
});
