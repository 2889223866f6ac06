/**
 * Who may reach the bot, and what a tampered card can do.
 *
 * - Production mode: activities without a Bot Framework JWT, or with a bad
 *   one, are answered 401 by botbuilder's CloudAdapter; the app never runs.
 * - Past the JWT check (stubbed in test/support/acceptingAuth.ts), an
 *   activity from another tenant is refused by the app.
 * - Card actions whose data names things the user may not touch (another
 *   organisation's incident, an alert the organisation was not asked to
 *   acknowledge, an operation the user does not run) are refused and audited.
 */
import { loadOperation } from '../bot/operations/repository';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseAlert } from '../bot/alerts/raise';
import { ACTION_ROUTES } from '../bot/commands';
import { INCIDENT_VERBS } from '../bot/incidents/verbs';
import { auditTrail } from '../bot/audit/repository';
import { loadConfig, type Config } from '../bot/kernel/config';
import type { Logger } from '../bot/kernel/logger';
import { DEMO_MEMBERS } from './support/demoDirectory';
import { scheduleOperation } from '../bot/operations/schedule';
import { createRuntime, type Runtime } from '../bot/runtime';
import { applyDemoPartnershipIfEmpty } from '../scripts/demoPartnership';
import { safeKey } from '../bot/store/entityTable';
import { startLocalHost, type LocalHost } from '../scripts/localFunctionsHost';
import { auditOf } from './support/audit';
import { runtimeWithAcceptingAuth } from './support/acceptingAuth';
import { activityFrom, cardOf, personalChat, PRIYA, startBotHarness, STRANGER, TENANT, textOfCard, type BotHarness, type Conversation } from './support/botHarness';
import { inChannel } from './support/teamSetup';
import { pressButton } from './support/botTurns';
import { startFakeConnector, type FakeConnector } from './support/fakeConnector';
import { freshStore } from './support/storage';

const APP_ID = '11111111-2222-4333-8444-555555555555';
const OTHER_TENANT = '99999999-0000-4000-8000-00000000beef';
const TOM = { id: '29:tom', aadObjectId: '00000000-0000-4000-8000-000000000002', name: 'Tom Bradley' }; // GMP, coordinator
const KWAME = { id: '29:kwame', aadObjectId: '00000000-0000-4000-8000-000000000007', name: 'Kwame Mensah' }; // City West, partner tenant
const CITY_WEST_TENANT = 'c1700000-0000-4000-8000-00000000c1e5';
const AISHA = { id: '29:aisha', aadObjectId: '00000000-0000-4000-8000-000000000005', name: 'Aisha Rahman' }; // Salix Homes
const GARETH = { id: '29:gareth', aadObjectId: '00000000-0000-4000-8000-000000000006', name: 'Gareth Lowe' }; // Probation, theme lead
const HELEN = { id: '29:helen', aadObjectId: '00000000-0000-4000-8000-000000000003', name: 'Helen Okafor' }; // GMP, theme lead
const INCIDENT_FORM = {
  category: 'asb-nuisance', hateCrimeStrand: '', borough: 'stockport', area: 'Brinnington estate', postcodeDistrict: 'SK5', fullAddress: '',
  occurredDate: '2026-11-24', occurredTime: '21:30', summary: 'Group of youths throwing stones at passing buses near the shops.',
  details: 'Restricted: the caller at number 4.', victims: '0', suspects: '4', witnesses: '2', vulnerablePerson: 'false', childrenPresent: 'false',
  policeReference: '', risk: 'standard', actions: 'reported-to-police', sharedWith: 'gmp', marking: 'OFFICIAL-SENSITIVE',
};

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const unsignedJwt = (claims: Record<string, unknown>) => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;

describe('production mode', () => {
  let runtime: Runtime;
  let host: LocalHost;
  let accepting: LocalHost;
  let connector: FakeConnector;
  const logs: { level: string; msg: string }[] = [];
  const logger: Logger = {
    info: (msg) => logs.push({ level: 'info', msg }),
    warn: (msg) => logs.push({ level: 'warn', msg }),
    error: (msg) => logs.push({ level: 'error', msg }),
  };

  beforeAll(async () => {
    const { connectionString, prefix } = await freshStore();
    // loadConfig rightly refuses Azurite's development account in production: load with a real-looking
    // account, then point the storage at the test Azurite.
    const loaded = loadConfig({
      CONCORDAT_MODE: 'production', HOST: '127.0.0.1', PORT: '0', TABLE_PREFIX: prefix,
      STORAGE_CONNECTION: `DefaultEndpointsProtocol=https;AccountName=concordattest;AccountKey=${Buffer.from('k'.repeat(64)).toString('base64')};EndpointSuffix=core.windows.net`,
      MicrosoftAppId: APP_ID, MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: TENANT, MicrosoftAppPassword: 'not-a-real-secret-for-tests-only',
      PARTNER_KEYS: '{}', REFERENCE_HASH_KEY: 'test-only-reference-hash-key-0123456789abcdef',
    });
    const config: Config = { ...loaded, storage: { connectionString } };
    expect(config.mode).toBe('production');
    runtime = createRuntime(config, logger);
    await runtime.teams(); // loaded in set-up, as a warm host has it (bot/runtime.ts loads it on the first bot call)
    await applyDemoPartnershipIfEmpty(runtime.ctx);
    connector = await startFakeConnector();
    host = await startLocalHost(runtime, { host: '127.0.0.1', port: 0, timers: false });
    accepting = await startLocalHost(runtimeWithAcceptingAuth(runtime.ctx), { host: '127.0.0.1', port: 0, timers: false });
  });
  afterAll(async () => {
    await host?.close();
    await accepting?.close();
    await connector?.close();
  });

  const post = async (url: string, activity: Record<string, unknown>, authorization?: string) => {
    const res = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    return { status: res.status, text };
  };
  const help = (tenant = TENANT) => {
    const a = activityFrom(connector.serviceUrl, PRIYA, personalChat(PRIYA), { type: 'message', text: 'help' });
    return { ...a, conversation: { ...(a.conversation as object), tenantId: tenant }, channelData: { tenant: { id: tenant } } };
  };
  const install = (tenant = TENANT) => ({
    ...activityFrom(connector.serviceUrl, PRIYA, personalChat(PRIYA), { type: 'conversationUpdate', membersAdded: [{ id: '28:concordat-bot' }] }),
    conversation: { id: `a:install-${tenant}`, conversationType: 'personal', tenantId: tenant },
    channelData: { tenant: { id: tenant } },
  });
  const conversations = async () => (await runtime.ctx.store.conversations.query("PartitionKey ne ''")).length;

  it.each([
    ['no Authorization header', undefined],
    ['a token that is not a JWT', 'Bearer not-a-jwt'],
    ['an unsigned JWT from a foreign issuer', `Bearer ${unsignedJwt({ iss: 'https://evil.example', aud: APP_ID, exp: 4102444800, serviceurl: 'http://127.0.0.1' })}`],
    ['an unsigned JWT claiming to be the Bot Framework', `Bearer ${unsignedJwt({ iss: 'https://api.botframework.com', aud: APP_ID, exp: 4102444800 })}`],
    ['Basic credentials', `Basic ${Buffer.from('user:pass').toString('base64')}`],
  ])('refuses an activity with %s: 401, and the app never runs', async (_what, authorization) => {
    const sentBefore = connector.sent.length;
    const before = await conversations();
    for (const activity of [help(), install()]) {
      const res = await post(host.url, activity, authorization);
      // A token naming the Bot Framework as issuer makes botbuilder fetch its signing keys from
      // login.botframework.com: offline (as here) that fails with 500 before any check, online the
      // signature check fails with 401. Either way it is refused before the app.
      if (/Bot Framework/.test(_what)) expect([401, 500]).toContain(res.status);
      else expect(res.status).toBe(401);
    }
    expect(connector.sent.length).toBe(sentBefore); // no reply
    expect(await conversations()).toBe(before); // no installation recorded
    expect(logs.filter((l) => l.msg === 'turn failed')).toEqual([]);
  }, 20_000);

  it('past the JWT check, serves its own tenant (the stub works) and refuses another tenant', async () => {
    const ours = await post(accepting.url, help());
    expect(ours.status).toBe(200);
    const reply = await connector.waitFor((a) => textOfCard(a.activity.attachments?.[0]?.content).includes('Report incident'), 5000);
    expect(reply).toBeDefined();

    const sentBefore = connector.sent.length;
    const before = await conversations();
    const theirs = await post(accepting.url, help(OTHER_TENANT));
    const theirInstall = await post(accepting.url, install(OTHER_TENANT));
    // Every activity type from an unlisted tenant is answered 403, not only invokes.
    expect(theirs.status).toBe(403);
    expect(theirInstall.status).toBe(403);
    const theirInvoke = await post(accepting.url, {
      ...activityFrom(connector.serviceUrl, PRIYA, personalChat(PRIYA), {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb: 'incident.report', data: { verb: 'incident.report' } } },
      }),
      conversation: { id: 'a:x', conversationType: 'personal', tenantId: OTHER_TENANT },
      channelData: { tenant: { id: OTHER_TENANT } },
    });
    expect(theirInvoke.text).not.toContain('Report an incident'); // no card handed out
    expect(theirInvoke.status).toBe(403);
    // The message extension too: no report dialog, no search results.
    for (const [name, value] of [
      ['composeExtension/fetchTask', { commandId: 'reportIncident', commandContext: 'compose' }],
      ['composeExtension/query', { commandId: 'findByReference', parameters: [{ name: 'reference', value: 'STO-2026-000001' }] }],
    ] as const) {
      const theirExtension = await post(accepting.url, {
        ...activityFrom(connector.serviceUrl, PRIYA, personalChat(PRIYA), { type: 'invoke', name, value }),
        conversation: { id: 'a:x', conversationType: 'personal', tenantId: OTHER_TENANT },
        channelData: { tenant: { id: OTHER_TENANT } },
      });
      expect(theirExtension.status).toBe(403);
      expect(theirExtension.text).not.toMatch(/Report an incident|composeExtension|task/);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(connector.sent.length).toBe(sentBefore);
    expect(await conversations()).toBe(before);
    expect(logs.filter((l) => l.msg === 'activity from a tenant the directory does not list refused')).toHaveLength(5);
  });

  it('serves a partner tenant the directory lists: Kwame, in City West Housing Trust\'s own tenant, is a member there', async () => {
    const kwameHelp = {
      ...activityFrom(connector.serviceUrl, KWAME, personalChat(KWAME), { type: 'message', text: 'help' }),
      conversation: { id: 'a:kwame-personal', conversationType: 'personal', tenantId: CITY_WEST_TENANT },
      channelData: { tenant: { id: CITY_WEST_TENANT } },
    };
    const res = await post(accepting.url, kwameHelp);
    expect(res.status).toBe(200);
    const reply = await connector.waitFor((a) => a.conversationId === 'a:kwame-personal', 5000);
    expect(textOfCard(reply.activity.attachments?.[0]?.content)).toContain('Hello Kwame Mensah — City West Housing Trust · Partner staff');
  });

  it('treats a member signing in from a listed tenant that is not their organisation\'s as unknown, and logs it', async () => {
    // Priya (Stockport Homes, host tenant) with an activity claiming City West's tenant: listed, but not hers.
    const a = activityFrom(connector.serviceUrl, PRIYA, personalChat(PRIYA), { type: 'message', text: 'help' });
    const res = await post(accepting.url, { ...a, conversation: { id: 'a:priya-elsewhere', conversationType: 'personal', tenantId: CITY_WEST_TENANT }, channelData: { tenant: { id: CITY_WEST_TENANT } } });
    expect(res.status).toBe(200);
    const reply = await connector.waitFor((x) => x.conversationId === 'a:priya-elsewhere', 5000);
    const text = textOfCard(reply.activity.attachments?.[0]?.content);
    expect(text).not.toContain('Stockport Homes ·');
    expect(text).not.toContain('Report incident');
    expect(logs.some((l) => l.msg === 'member signed in from a tenant not theirs')).toBe(true);
  });
});

describe('tampered card actions', () => {
  let bot: BotHarness;
  beforeAll(async () => {
    bot = await startBotHarness();
  });
  afterAll(async () => bot?.close());

  const store = () => bot.runtime.ctx.store;
  /** Presses a card button as `user` (test/support/botTurns.ts): the text of the card the bot answers with. */
  const invoke = async (user: typeof PRIYA, verb: string, data: Record<string, unknown>) => textOfCard(await pressButton(bot, user, verb, data));
  const refusals = async (subject: string) =>
    (await auditOf(store(), subject as `incident:${string}`)).filter((a) => a.action === 'refusal');

  it("another organisation's incident: view, update and edit are refused, and each refusal is audited", async () => {
    const form = {
      category: 'asb-nuisance', hateCrimeStrand: '', borough: 'stockport', area: 'Brinnington estate', postcodeDistrict: 'SK5', fullAddress: '',
      occurredDate: '2026-11-24', occurredTime: '21:30', summary: 'Group of youths throwing stones at passing buses near the shops.',
      details: 'Restricted: the caller at number 4.', victims: '0', suspects: '4', witnesses: '2', vulnerablePerson: 'false', childrenPresent: 'false',
      policeReference: '', risk: 'standard', actions: 'reported-to-police', sharedWith: 'gmp', marking: 'OFFICIAL-SENSITIVE',
    };
    const confirmation = await invoke(PRIYA, 'incident.submit', { submissionId: randomUUID().replace(/-/g, ''), ...form });
    const reference = /Recorded: ([A-Z]{3}-\d{4}-\d{6})/.exec(confirmation)![1]!;

    // Aisha (Salix Homes) presses buttons carrying Stockport Homes' reference.
    const view = await invoke(AISHA, 'incident.view', { reference });
    expect(view).toContain('does not have access');
    expect(view).not.toContain('Restricted: the caller');
    const update = await invoke(AISHA, 'incident.update.submit', { reference, submissionId: randomUUID().replace(/-/g, ''), note: 'Tampered update from another organisation.' });
    expect(update).toContain('You cannot add an update to this incident');
    const edit = await invoke(AISHA, 'incident.edit.submit', { reference, submissionId: randomUUID().replace(/-/g, ''), baseVersion: 1, ...form, summary: 'Rewritten by someone who may not edit it.' });
    expect(edit).toContain('You cannot edit this incident');

    const loaded = await store().incidentIndex.get({ partitionKey: reference, rowKey: 'i' });
    const rows = (await store().incidents.listPartition(loaded!.value.partitionKey)).map((r) => r.value);
    expect(rows.filter((r) => r.kind === 'history' && 'reference' in r && r.reference === reference)).toHaveLength(1); // created only
    const audited = await refusals(`incident:${reference}`);
    expect(audited.map((a) => a.note).sort()).toEqual(['add an update to refused', 'details refused: not shared with salix-homes', 'edit refused'].sort());
    expect(audited.every((a) => a.actor.aadObjectId === AISHA.aadObjectId && a.actor.organisationId === 'salix-homes')).toBe(true);
  });

  it("replaying another reporter's submission id shows nothing of that incident; the refusal is audited once an hour", async () => {
    const submissionId = randomUUID().replace(/-/g, '');
    const form = {
      category: 'asb-personal', hateCrimeStrand: '', borough: 'stockport', area: 'Lancashire Hill flats', postcodeDistrict: 'SK4', fullAddress: '',
      occurredDate: '2026-11-24', occurredTime: '19:10', summary: 'Repeated door knocking and shouting at a neighbour late at night.',
      details: 'Restricted: flat 12, the caller is frightened.', victims: '1', suspects: '2', witnesses: '0', vulnerablePerson: 'true', childrenPresent: 'false',
      policeReference: '', risk: 'high', actions: 'reported-to-police', sharedWith: 'gmp', marking: 'OFFICIAL-SENSITIVE',
    };
    const mine = await invoke(PRIYA, 'incident.submit', { submissionId, ...form });
    const reference = /Recorded: ([A-Z]{3}-\d{4}-\d{6})/.exec(mine)![1]!;

    for (let i = 0; i < 4; i++) {
      const replayed = await invoke(AISHA, 'incident.submit', { submissionId, ...form, summary: 'Something else entirely about the stairwell.' });
      expect(replayed).toContain('This report card is not yours');
      expect(replayed).not.toContain(reference);
      expect(replayed).not.toContain('Lancashire Hill');
      expect(replayed).not.toMatch(/high/i);
    }
    const audited = await refusals(`incident:${reference}`);
    expect(audited).toEqual([expect.objectContaining({ actor: { aadObjectId: AISHA.aadObjectId, organisationId: 'salix-homes' }, note: expect.stringContaining('replayed') })]);
    // The reporter's own retry still gets the confirmation.
    expect(await invoke(PRIYA, 'incident.submit', { submissionId, ...form })).toContain(`Recorded: ${reference}`);
  });

  it('an alert the organisation was not asked to acknowledge, or one that does not exist: refused, nothing recorded, refusal audited', async () => {
    const raised = await raiseAlert(bot.runtime.ctx, {
      alertId: 'alert-tamper-1', source: 'api', organisationId: 'gmp', displayName: 'Salford district',
      input: { severity: 'warning', boroughs: ['salford'], themeId: 'public-safety', title: 'Warrant day in Eccles', body: 'Expect a police presence around Eccles from 06:00.', expiresInDays: 3, marking: 'OFFICIAL' },
    });
    expect(raised.ok && raised.record.expectedOrganisations).not.toContain('stockport-homes');
    const text = await invoke(PRIYA, 'alert.ack', { alertId: 'alert-tamper-1' });
    expect(text).toContain('Your organisation is not one of those this alert asks to acknowledge it');
    expect((await store().alerts.get({ partitionKey: 'alert', rowKey: 'alert-tamper-1' }))!.value.acknowledgements).toEqual([]);
    expect(await refusals('alert:alert-tamper-1')).toEqual([
      expect.objectContaining({ actor: { aadObjectId: PRIYA.aadObjectId, organisationId: 'stockport-homes' }, note: 'acknowledgement refused: not-expected' }),
    ]);
    // An alert that does not exist: refused and audited against the action, once an hour, never under the made-up id.
    for (let i = 0; i < 3; i++) expect(await invoke(PRIYA, 'alert.ack', { alertId: `alert-made-up-by-hand-${i}` })).toContain('That alert no longer exists');
    expect(await refusals('alert:alert-made-up-by-hand-0')).toEqual([]);
    expect(await refusals('route:action:alert.ack')).toEqual([
      expect.objectContaining({ actor: { aadObjectId: PRIYA.aadObjectId, organisationId: 'stockport-homes' }, note: expect.stringContaining('no such alert') }),
    ]);
  });

  it('an operation the user does not coordinate: reschedule, cancel and outcomes are refused, nothing changes, refusals audited', async () => {
    const tom = DEMO_MEMBERS.find((m) => m.aadObjectId === TOM.aadObjectId)!;
    const scheduled = await scheduleOperation(bot.runtime.ctx, { aadObjectId: tom.aadObjectId, displayName: tom.displayName, member: tom }, {
      submissionId: randomUUID(), name: 'Brinnington day of action', type: 'day-of-action', borough: 'stockport', area: 'Brinnington',
      startDate: '2026-12-05', startTime: '09:00', endDate: '2026-12-05', endTime: '15:00',
      lead: 'gmp', partners: '', participants: TOM.aadObjectId, briefing: '', incidents: '', reminders: '1440', outcomesAfter: '1440',
    });
    if (scheduled.kind !== 'scheduled') throw new Error('not scheduled');
    const op = scheduled.op;

    expect(await invoke(PRIYA, 'operation.cancel', { operationId: op.id, version: op.version, reason: '' })).toContain('Only the coordinator who scheduled it');
    expect(await invoke(PRIYA, 'operation.reschedule', { operationId: op.id, version: op.version, startDate: '2026-12-06', startTime: '09:00', endDate: '2026-12-06', endTime: '15:00' })).toContain('Only the coordinator who scheduled it');
    expect(await invoke(AISHA, 'operation.outcomes', { operationId: op.id, arrests: '9', warrantsExecuted: '0', premisesClosed: '0', vehiclesSeized: '0', referrals: '0', notes: '' })).toContain('Outcomes are recorded by the coordinator');

    const now = (await loadOperation({ store: store() }, op.id))!.value;
    expect(now).toMatchObject({ status: 'scheduled', version: op.version, startsAt: op.startsAt });
    expect(now.outcomes).toBeUndefined();
    const audited = await refusals(`operation:${op.id}`);
    expect(audited.map((a) => [a.actor.aadObjectId, a.note?.split(':')[0]]).sort()).toEqual(
      [
        [PRIYA.aadObjectId, 'reschedule or cancel refused'],
        [PRIYA.aadObjectId, 'reschedule or cancel refused'],
        [AISHA.aadObjectId, 'outcomes refused'],
      ].sort(),
    );
  });
});

describe('the gate: who may use each command and card action, and where', () => {
  let bot: BotHarness;
  let opId = '';
  let reference = '';
  const TEAM_CHANNEL = inChannel('19:stockport-general@thread.tacv2');
  beforeAll(async () => {
    bot = await startBotHarness();
    const tom = DEMO_MEMBERS.find((m) => m.aadObjectId === TOM.aadObjectId)!;
    const scheduled = await scheduleOperation(bot.runtime.ctx, { aadObjectId: tom.aadObjectId, displayName: tom.displayName, member: tom }, {
      submissionId: randomUUID(), name: 'Operation Lantern: Brinnington warrant', type: 'warrant', borough: 'stockport', area: 'Brinnington',
      startDate: '2026-12-05', startTime: '06:00', endDate: '2026-12-05', endTime: '09:00',
      lead: 'gmp', partners: 'stockport-homes', participants: TOM.aadObjectId, briefing: '', incidents: '', reminders: '1440', outcomesAfter: '1440',
    });
    if (scheduled.kind !== 'scheduled') throw new Error('not scheduled');
    opId = scheduled.op.id;
    const confirmation = await invoke(PRIYA, 'incident.submit', { submissionId: randomUUID().replace(/-/g, ''), ...INCIDENT_FORM });
    reference = /Recorded: ([A-Z]{3}-\d{4}-\d{6})/.exec(confirmation)![1]!;
  });
  afterAll(async () => bot?.close());

  const store = () => bot.runtime.ctx.store;
  const invokeIn = async (user: typeof PRIYA, conversation: Conversation, verb: string, data: Record<string, unknown>) => {
    const res = await bot.post(
      activityFrom(bot.connector.serviceUrl, user, conversation, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual' },
      }),
    );
    expect(res.status).toBe(200);
    return textOfCard(res.body.value);
  };
  const invoke = (user: typeof PRIYA, verb: string, data: Record<string, unknown>) => invokeIn(user, personalChat(user), verb, data);
  /** What the bot answered to a typed command (the reply it sent to that conversation). */
  const say = async (user: typeof PRIYA, text: string, conversation: Conversation = personalChat(user)) => {
    const before = bot.connector.sent.length;
    expect((await bot.say(user, text, conversation)).status).toBe(200);
    const replies = bot.connector.sent.slice(before);
    expect(replies).toHaveLength(1);
    return textOfCard(cardOf(replies[0]!));
  };

  it('someone not registered cannot list or open joint operations: told to register, nothing about the operation shown', async () => {
    for (const text of ['operations', 'operations stockport', `operation ${opId}`]) {
      const reply = await say(STRANGER, text);
      expect(reply).toContain('Only registered partner staff can use this');
      expect(reply).toContain('You are not registered with the concordat');
      expect(reply).not.toContain('Lantern');
      expect(reply).not.toContain('Brinnington');
    }
    for (const [verb, data] of [['operation.view', { operationId: opId }], ['operation.list', {}]] as const) {
      const text = await invoke(STRANGER, verb, data);
      expect(text).toContain('Only registered partner staff');
      expect(text).not.toContain('Lantern');
    }
    // A member still sees it.
    expect(await say(PRIYA, `operation ${opId}`)).toContain('Lantern');
  });

  it('"incidents" and "report" are answered only in a personal chat: in a channel the list is not posted', async () => {
    for (const text of ['incidents', 'incidents stockport 30', 'report']) {
      const reply = await say(PRIYA, text, TEAM_CHANNEL);
      expect(reply).toContain('Use this in your personal chat with Concordat');
      expect(reply).not.toContain(reference);
    }
    expect(await invokeIn(PRIYA, TEAM_CHANNEL, 'incidents.list', { page: 0 })).not.toContain(reference);
    expect(await invokeIn(PRIYA, { id: '19:group@thread.v2', conversationType: 'groupChat' }, 'incident.report', {})).toContain('Use this in your personal chat');
    // The same person in their personal chat gets the list.
    expect(await say(PRIYA, 'incidents')).toContain(reference);
  });

  it('the help card offers what the gate admits: a probation theme lead is not offered "publish priorities" and is refused it; a police theme lead gets the form', async () => {
    const help = await say(GARETH, 'help');
    expect(help).not.toContain('publish priorities');
    expect(help).toContain('digest settings');
    const refused = await say(GARETH, 'publish priorities stockport');
    expect(refused).toContain('Only police leads and administrators publish priorities');
    expect(refused).toContain('You need to be an administrator, or a coordinator or theme lead at a police force');
    expect(refused).toContain('You are registered as Partner staff, Theme lead at Probation');
    expect(await say(HELEN, 'help')).toContain('publish priorities');
    expect(await say(HELEN, 'publish priorities stockport')).not.toContain('Only police leads');
  });

  it('police staff without a lead role are offered "alert" (they may raise alerts)', async () => {
    const officer = { id: '29:pc', aadObjectId: '00000000-0000-4000-8000-0000000000a1', name: 'PC Jo Reid' };
    await store().members.create({ aadObjectId: officer.aadObjectId, displayName: officer.name, organisationId: 'gmp', roles: ['staff'], leadsThemes: [] });
    const help = await say(officer, 'help');
    expect(help).toMatch(/\balert\b/);
    expect(await say(officer, 'alert')).not.toContain('Only authorised staff');
    // Landlord staff are neither offered it nor allowed it.
    expect(await say(PRIYA, 'help')).not.toMatch(/\*\*alert\*\*|^alert$/m);
    expect(await say(PRIYA, 'alert')).toContain('Only authorised staff can raise alerts');
  });

  it('refusals are audited, but a caller pressing buttons in a loop with invented ids writes one row per route and hour, and no invented id', async () => {
    const invented = Array.from({ length: 25 }, (_, i) => `alert-invented-${i}-${randomUUID()}`);
    for (const alertId of invented) expect(await invoke(STRANGER, 'alert.ack', { alertId })).toContain('Only registered partner staff');
    for (let i = 0; i < 5; i++) await say(STRANGER, 'operations');

    const routeRows = async (name: string) => auditTrail(bot.runtime.ctx, { type: 'route', id: name });
    expect(await routeRows('action:alert.ack')).toEqual([
      expect.objectContaining({ action: 'refusal', actor: { aadObjectId: STRANGER.aadObjectId }, subject: { type: 'route', id: 'action:alert.ack' } }),
    ]);
    expect(await routeRows('command:operations')).toHaveLength(1);
    for (const alertId of invented.slice(0, 3)) expect(await store().audit.listPartition(safeKey(`alert:${alertId}`))).toEqual([]);
    const everything = JSON.stringify((await store().audit.query("PartitionKey ne ''")).map((r) => r.value));
    expect(everything).toContain('action:alert.ack'); // the scan reads the log
    expect(everything).not.toContain('alert-invented-');

    // The next hour, the next refusal is recorded again.
    bot.now.value = new Date(bot.now.value.getTime() + 60 * 60 * 1000);
    await invoke(STRANGER, 'alert.ack', { alertId: 'alert-invented-again' });
    expect(await routeRows('action:alert.ack')).toHaveLength(2);
  });

  it('a damaged button (data its route does not accept) is answered without running the handler', async () => {
    // The route as bot/teams registered it, its handler watched: the Teams app reaches it only through the gate.
    const route = ACTION_ROUTES.get(INCIDENT_VERBS.view)!;
    const handler = route.handler;
    const reached: unknown[] = [];
    route.handler = async (ctx, request) => (reached.push(request.data), handler(ctx, request));
    try {
      const text = await invoke(PRIYA, INCIDENT_VERBS.view, { reference: { $ne: null } });
      expect(text).toContain('Concordat could not read that button');
      expect(text).not.toContain('object Object');
      expect(reached).toEqual([]);
      // The same button with good data reaches the handler, parsed, and shows the incident.
      expect(await invoke(PRIYA, INCIDENT_VERBS.view, { reference })).toContain(reference);
      expect(reached).toEqual([expect.objectContaining({ reference })]);
    } finally {
      route.handler = handler;
    }
  });
});
