import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueReminders } from '../bot/operations/reminderEngine';
import { scheduleOperation } from '../bot/operations/schedule';
import { runRetention } from '../bot/retention/run';
import { auditOf } from './support/audit';
import { DEMO_MEMBERS } from './support/demoDirectory';
import { applyDirectoryFile } from '../bot/directory/apply';
import { DEMO_PARTNERSHIP } from '../scripts/demoPartnership';
import { activityFrom, AISHA, KWAME, TENANT as HOST_TENANT, PRIYA, TOM, STRANGER, personalChat, startBotHarness, textOfCard, type BotHarness, type Conversation } from './support/botHarness';
import { pressButton } from './support/botTurns';
import { validateAdaptiveCard } from './support/schemas';
import { installAndMapChannel } from './support/teamSetup';

/**
 * Private views for people with no personal chat with Concordat. Kwame Mensah (City West Housing Trust) signs in
 * from City West's own tenant and meets the bot only in the host tenant's shared Salford channel (B2B direct
 * connect): Teams gives apps no one-to-one chat with external users. What is private to him reaches him as the
 * answer to a button he presses (shown to his client alone), never as a post in the channel.
 */

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

const invoke = (user: typeof PRIYA, verb: string, data: Record<string, unknown>, conversation: Conversation = personalChat(user)) =>
  pressButton(bot, user, verb, data, conversation);

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

/** A City West Housing Trust colleague of Kwame's who is a guest in the host tenant: she has a personal chat, and reports. */
const GRACE = { id: '29:grace', aadObjectId: '00000000-0000-4000-8000-0000000000a1', name: 'Grace Adeyemi' };

async function setRoles(aadObjectId: string, roles: ('staff' | 'coordinator')[]) {
  const row = (await store().members.get({ partitionKey: 'member', rowKey: aadObjectId }))!;
  await store().members.update({ ...row.value, roles }, row.etag);
}

const complaint = (occurredDate: string) => ({
  submissionId: randomUUID().replace(/-/g, ''),
  category: 'asb-nuisance', hateCrimeStrand: '', borough: 'salford', area: 'Ordsall', postcodeDistrict: 'M5', fullAddress: '',
  occurredDate, occurredTime: '23:00', summary: 'Loud parties and shouting from a flat until the early hours, again.', details: '',
  victims: '1', suspects: '1', witnesses: '0', vulnerablePerson: 'false', childrenPresent: 'false', policeReference: '', risk: 'standard',
  actions: 'none-yet', sharedWith: 'gmp', marking: 'OFFICIAL-SENSITIVE', householdReference: 'CWH/TEN/0077',
});

describe('private notices for a shared-channel member: kept, shown to him alone, audited, and deleted on time', () => {
  let warned = '';
  beforeAll(async () => {
    // City West's entry in the partnership file lists the host tenant too (for its guests, such as Grace) besides its
    // own (Kwame's), and its approver has made Kwame a coordinator: the organisation's leads get repeat warnings.
    const file = structuredClone(DEMO_PARTNERSHIP) as { organisations: { id: string; tenantIds: string[] }[]; people: Record<string, unknown>[] };
    file.organisations.find((o) => o.id === 'city-west-housing')!.tenantIds.push(HOST_TENANT);
    file.people.find((p) => p.aadObjectId === KWAME.aadObjectId)!.roles = ['staff', 'coordinator'];
    file.people.push({ aadObjectId: GRACE.aadObjectId, tenantId: HOST_TENANT, displayName: GRACE.name, jobTitle: 'Tenancy officer', organisation: 'city-west-housing', roles: ['staff'] });
    const applied = await applyDirectoryFile(bot.runtime.ctx, file, 'system');
    if (!applied.ok) throw new Error(applied.errors.join('\n'));
    await bot.post(activityFrom(bot.connector.serviceUrl, GRACE, personalChat(GRACE), { type: 'installationUpdate', action: 'add' }));
    await bot.post(activityFrom(bot.connector.serviceUrl, TOM, personalChat(TOM), { type: 'installationUpdate', action: 'add' }));
  });

  it('a repeat-complaint warning he cannot be sent is kept for him; "My private notices" in the channel shows it to him alone, and opening it is audited as a disclosure', async () => {
    const before = bot.connector.sent.length;
    await invoke(GRACE, 'incident.submit', complaint('2026-10-02'));
    await invoke(GRACE, 'incident.submit', complaint('2026-11-01'));
    const third = await invoke(GRACE, 'incident.submit', complaint('2026-11-24'));
    const m = /Recorded: ([A-Z]{3}-\d{4}-\d{6})/.exec(textOfCard(third));
    if (!m) throw new Error(JSON.stringify(third).match(/.{200}"color":"Attention".{100}/g)?.join('\n'));
    warned = m[1]!;
    expect(textOfCard(third)).toContain('repeat: 3rd in 6 months');
    await new Promise((r) => setTimeout(r, 300));
    // Tom (GMP coordinator) has a personal chat: his warning goes there, as before. Kwame's is kept, not sent.
    const warnings = (await store().outbox.listPartition(`repeat-${warned}`)).map((r) => r.value);
    expect(warnings.map((w) => w.target.conversationId)).toContain(personalChat(TOM).id);
    expect(warnings.map((w) => w.id)).not.toContain(`repeat:${warned}:${KWAME.aadObjectId}`);
    // Nothing about it went to the channel.
    const toChannel = bot.connector.sent.slice(before).filter((a) => a.conversationId.startsWith(SALFORD.id));
    expect(toChannel.map((a) => textOfCard(a.activity.attachments?.[0]?.content))).not.toEqual(expect.arrayContaining([expect.stringContaining('case review')]));

    const list = await invoke(KWAME, 'notices.list', {}, inSalford);
    expect(validateAdaptiveCard(list)).toEqual([]);
    expect(list.version).toBe('1.5');
    const listText = textOfCard(list);
    expect(listText).toContain('Only you can see this');
    expect(listText).toContain(`ASB case review threshold: 3rd complaint in 6 months (${warned})`);
    const openButton = JSON.stringify(list).match(/"noticeId":"(repeat:[^"]+)"/)![1]!;
    expect(openButton).toBe(`repeat:${warned}`);

    const beforeOpen = await sentAndQueued();
    const opened = await invoke(KWAME, 'notices.open', { noticeId: openButton }, inSalford);
    expect(validateAdaptiveCard(opened)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(opened))).toBeLessThan(28_000);
    expect(textOfCard(opened)).toContain('Only you can see this');
    expect(textOfCard(opened)).toContain(warned);
    expect(textOfCard(opened)).toMatch(/case review/i);
    expect(await sentAndQueued()).toEqual(beforeOpen); // shown to him alone: nothing posted or queued

    const disclosure = (await auditOf(store(), `incident:${warned}`)).filter((e) => e.action === 'disclosure' && e.recipients?.includes(KWAME.aadObjectId));
    expect(disclosure).toEqual([
      expect.objectContaining({
        actor: { aadObjectId: KWAME.aadObjectId, organisationId: 'city-west-housing' },
        recipients: [KWAME.aadObjectId],
        justification: expect.stringContaining('kept as a private notice'),
      }),
    ]);
    const combination = (await auditOf(store(), `incident:${warned}`)).find((e) => e.action === 'combination');
    expect(combination?.note).toMatch(/sent to \d+ leads?, kept for \d+ with no personal chat/);

    // Opened: marked so on his list.
    expect(textOfCard(await invoke(KWAME, 'notices.list', {}, inSalford))).toContain('Opened');
  });

  it('a reminder for an operation he takes part in is kept for him; the channel reminder offers "My private notices"; opening it is audited on the operation', async () => {
    const tom = DEMO_MEMBERS.find((m) => m.aadObjectId === TOM.aadObjectId)!;
    const result = await scheduleOperation(bot.runtime.ctx, { aadObjectId: tom.aadObjectId, displayName: tom.displayName, member: tom }, {
      submissionId: randomUUID(),
      name: 'Ordsall day of action', type: 'day-of-action', borough: 'salford', area: 'Ordsall',
      startDate: '2026-11-27', startTime: '09:00', endDate: '2026-11-27', endTime: '15:00',
      lead: 'gmp', partners: 'city-west-housing', participants: KWAME.aadObjectId,
      briefing: 'Meet at the Ordsall police office.', incidents: '', reminders: '1440', outcomesAfter: '1440',
    });
    if (result.kind !== 'scheduled') throw new Error(JSON.stringify(result));
    const op = result.op;
    bot.now.value = new Date('2026-11-26T09:01:00Z');
    await runDueReminders(bot.runtime.ctx);
    const channelReminder = (await store().outbox.query("PartitionKey ne ''")).map((r) => r.value).find((i) => i.target.conversationId === SALFORD.id && JSON.stringify(i.payload?.card ?? {}).includes('Reminder'));
    expect(channelReminder, 'the de-identified reminder in the channel').toBeDefined();
    expect(JSON.stringify(channelReminder!.payload!.card)).toContain('"verb":"notices.list"');
    expect(textOfCard(channelReminder!.payload!.card)).not.toContain('Meet at the Ordsall police office');

    const list = await invoke(KWAME, 'notices.list', {}, inSalford);
    expect(textOfCard(list)).toContain('Reminder: Ordsall day of action');
    const opened = await invoke(KWAME, 'notices.open', { noticeId: JSON.stringify(list).match(/"noticeId":"(reminder:[^"]+)"/)![1]! }, inSalford);
    expect(textOfCard(opened)).toContain('Ordsall day of action');
    expect(textOfCard(opened)).toContain('Only you can see this');
    expect(validateAdaptiveCard(opened)).toEqual([]);
    const audit = (await auditOf(store(), `operation:${op.id}`)).filter((e) => e.action === 'disclosure');
    expect(audit.at(-1)).toMatchObject({ actor: { aadObjectId: KWAME.aadObjectId }, recipients: [KWAME.aadObjectId] });
  });

  it('each open checks his access now: after his coordinator role is taken away, the warning is withdrawn, not shown', async () => {
    await setRoles(KWAME.aadObjectId, ['staff']);
    const refused = await invoke(KWAME, 'notices.open', { noticeId: `repeat:${warned}` }, inSalford);
    expect(textOfCard(refused)).toContain('no longer available');
    expect(textOfCard(refused)).not.toContain(warned);
    expect((await auditOf(store(), `incident:${warned}`)).at(-1)).toMatchObject({ action: 'refusal', actor: { aadObjectId: KWAME.aadObjectId } });
    const list = textOfCard(await invoke(KWAME, 'notices.list', {}, inSalford));
    expect(list).not.toContain(warned);
    expect(list).toContain('Reminder: Ordsall day of action'); // still a participant
  });

  it('nobody else sees his notices: another member sees only their own (none), someone unregistered is refused', async () => {
    const priya = textOfCard(await invoke(PRIYA, 'notices.list', {}, inSalford));
    expect(priya).toContain('Nothing is waiting for you');
    expect(priya).not.toContain('Ordsall');
    const forged = textOfCard(await invoke(PRIYA, 'notices.open', { noticeId: JSON.stringify(await invoke(KWAME, 'notices.list', {}, inSalford)).match(/"noticeId":"([^"]+)"/)![1]! }, inSalford));
    expect(forged).toContain('no longer available'); // his id in her press finds nothing in her own notices
    const stranger = textOfCard(await invoke(STRANGER, 'notices.list', {}, inSalford));
    expect(stranger).not.toContain('Ordsall');
    expect(stranger).toMatch(/not registered/i);
  });

  it('typed in the channel, "notices" is posted for everyone, so it carries only the button', async () => {
    const before = bot.connector.sent.length;
    await bot.say(KWAME as typeof PRIYA, 'notices', inSalford);
    const reply = await bot.connector.waitFor((a) => a.conversationId.startsWith(SALFORD.id) && bot.connector.sent.indexOf(a) >= before);
    const card = reply.activity.attachments![0]!.content;
    expect(textOfCard(card)).not.toContain('Ordsall');
    expect(JSON.stringify(card)).toContain('"verb":"notices.list"');
  });

  it('retention deletes an opened notice 7 days after it was opened, and an unopened one 30 days after it was kept', async () => {
    const mine = async () => (await store().privateNotices.listPartition(KWAME.aadObjectId)).map((r) => r.value.id);
    expect((await mine()).length).toBe(1); // the reminder (the warning was withdrawn)
    const unopened = { recipient: KWAME.aadObjectId, id: 'reminder:unopened-test', about: { kind: 'reminder' as const, operationId: 'SAL-OP-2026-9999' }, title: 'Reminder: test', card: { type: 'AdaptiveCard' as const, version: '1.5', body: [] }, keptAt: bot.now.value.toISOString() };
    await store().privateNotices.create(unopened);
    const start = bot.now.value.getTime();
    bot.now.value = new Date(start + 6 * 86_400_000);
    await runRetention(bot.runtime.ctx);
    expect((await mine()).sort()).toEqual(['reminder:unopened-test', expect.stringMatching(/^reminder:/)].sort());
    bot.now.value = new Date(start + 8 * 86_400_000);
    await runRetention(bot.runtime.ctx);
    expect(await mine()).toEqual(['reminder:unopened-test']);
    bot.now.value = new Date(start + 29 * 86_400_000);
    await runRetention(bot.runtime.ctx);
    expect(await mine()).toEqual(['reminder:unopened-test']);
    bot.now.value = new Date(start + 30 * 86_400_000 + 1000);
    const everyone = (await store().privateNotices.query("PartitionKey ne ''")).length; // other leads' warnings too (Helen has no personal chat here)
    const report = await runRetention(bot.runtime.ctx);
    expect(await mine()).toEqual([]);
    expect(report.steps.find((s) => s.table === 'PrivateNotices')).toEqual({ table: 'PrivateNotices', action: expect.any(String), count: everyone });
    expect(await store().privateNotices.query("PartitionKey ne ''")).toEqual([]);
  });
});
