/**
 * The message extension over HTTP, as Teams sends it: "Report an incident"
 * from the compose box or a message's "…" menu (composeExtension/fetchTask,
 * then composeExtension/submitAction from the dialog), and "Find by
 * reference" (composeExtension/query), each through the one gate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stableId } from '../bot/common/stableId';
import { EXTENSION_ROUTES } from '../bot/commands';
import { loadIncident } from '../bot/incidents/repository/read';
import { plainTextOfMessage } from '../bot/teams/messageText';
import { actionDataProblems, cardBytes, CARD_BYTE_BUDGET } from '../cards/render';
import { activityFrom, AISHA, DAN, findById, personalChat, PRIYA, startBotHarness, STRANGER, textOfCard, TOM, type BotHarness, type Conversation } from './support/botHarness';
import { errorUnder, reportForm as goodForm } from './support/botTurns';
import { validateAdaptiveCard } from './support/schemas';
import { auditOf } from './support/audit';

type User = typeof PRIYA;

const GROUP: Conversation = { id: '19:estate-officers@thread.v2', conversationType: 'groupChat' };
const REPORT = 'reportIncident';
const FIND = 'findByReference';

let bot: BotHarness;
beforeAll(async () => {
  bot = await startBotHarness(); // 2026-11-25T10:00Z
  // Priya has a personal chat with Concordat (installed): the confirmation goes there.
  await bot.post(activityFrom(bot.connector.serviceUrl, PRIYA, personalChat(PRIYA), { type: 'conversationUpdate', membersAdded: [{ id: '28:concordat-bot' }] }));
});
afterAll(async () => bot?.close());

const store = () => bot.runtime.ctx.store;

async function invoke(user: User, name: string, value: Record<string, unknown>, conversation: Conversation = GROUP) {
  const res = await bot.post(activityFrom(bot.connector.serviceUrl, user, conversation, { type: 'invoke', name, value }));
  expect(res.status).toBe(200);
  return res.body as any;
}

const messagePayload = (content: string, contentType: 'html' | 'text' = 'html') => ({
  id: '1700000000000',
  messageType: 'message',
  from: { user: { id: '29:someone', displayName: 'A colleague' } },
  body: { contentType, content },
});

const fetchTask = (user: User, commandContext: 'compose' | 'message', payload?: ReturnType<typeof messagePayload>, conversation?: Conversation) =>
  invoke(user, 'composeExtension/fetchTask', { commandId: REPORT, commandContext, ...(payload ? { messagePayload: payload } : {}), context: { theme: 'default' } }, conversation);

const submitAction = (user: User, data: Record<string, unknown>, conversation?: Conversation) =>
  invoke(user, 'composeExtension/submitAction', { commandId: REPORT, commandContext: 'message', data, context: { theme: 'default' } }, conversation);

const query = (user: User, text: string, conversation?: Conversation) =>
  invoke(user, 'composeExtension/query', { commandId: FIND, parameters: [{ name: 'reference', value: text }], queryOptions: { skip: 0, count: 25 } }, conversation);

/** The dialog's card, asserting the response is a dialog. */
function dialogCard(body: any): any {
  expect(body.task?.type).toBe('continue');
  expect(body.task.value.title).toBe('Report an incident');
  const attachment = body.task.value.card;
  expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
  return attachment.content;
}

/** The text of a message shown in the dialog's place (a small card, never the report form). */
function dialogMessage(body: any): string {
  expect(body.task?.type).toBe('continue');
  expect(body.task.value.title).toBe('Concordat');
  const card = body.task.value.card.content;
  expect(validateAdaptiveCard(card)).toEqual([]);
  expect(card.actions ?? []).toEqual([]);
  return textOfCard(card);
}

async function incidentCount(): Promise<number> {
  return (await store().incidents.query("kind eq 'incident'")).length;
}

/** Reports one incident through the dialog and returns its reference. */
async function reportThroughDialog(user: User, form: Record<string, unknown> = goodForm()): Promise<string> {
  const card = dialogCard(await fetchTask(user, 'compose'));
  const body = await submitAction(user, { ...form, ...card.actions[0].data });
  const m = /Recorded: ([A-Z]{3}-\d{4}-\d{6})/.exec(dialogMessage(body));
  if (!m) throw new Error(`not recorded: ${JSON.stringify(body)}`);
  return m[1]!;
}

describe('"Report an incident" from a message\'s "…" menu', () => {
  it('opens the report form in a dialog with the message\'s text offered as the summary, and no error when it is fine', async () => {
    const card = dialogCard(await fetchTask(PRIYA, 'message', messagePayload('<p>Youths throwing stones at buses by the shops again tonight.</p>')));
    expect(findById(card, 'summary').value).toBe('Youths throwing stones at buses by the shops again tonight.');
    expect(errorUnder(card, 'summary')).toBeUndefined();
    expect(textOfCard(card)).not.toMatch(/fields? needs? attention/);
    // A dialog's form is submitted with Action.Submit (its submission comes back as composeExtension/submitAction).
    expect(card.actions).toHaveLength(1);
    expect(card.actions[0]).toMatchObject({ type: 'Action.Submit', title: 'Submit report' });
    expect(card.actions[0].data.submissionId).toMatch(/^[a-f0-9]{32}$/);
    expect(card.actions[0]).not.toHaveProperty('verb');
    // The card rules: Adaptive Cards 1.5, explicit version, within the budget, no reserved action-data names.
    expect(card.version).toBe('1.5');
    expect(validateAdaptiveCard(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
    expect(actionDataProblems(card)).toEqual([]);
  });

  it('offers a message with a link, but shows the summary\'s error: never silently accepted', async () => {
    const card = dialogCard(await fetchTask(PRIYA, 'message', messagePayload('<p>Drug dealing on the <a href="http://evil.example/x">estate car park</a> every night</p>')));
    expect(findById(card, 'summary').value).toBe('Drug dealing on the estate car park (http://evil.example/x) every night');
    expect(errorUnder(card, 'summary')).toMatch(/web links are not allowed/);
    expect(textOfCard(card)).toContain('One field needs attention');
  });

  it('offers a message with markup typed into it, and shows the error', async () => {
    const card = dialogCard(await fetchTask(PRIYA, 'message', messagePayload('<p>See **this** report about the stairwell fires</p>')));
    expect(findById(card, 'summary').value).toBe('See **this** report about the stairwell fires');
    expect(errorUnder(card, 'summary')).toMatch(/Markdown formatting/);
  });

  it('offers a message with personal data, and shows the error (names belong in the restricted details)', async () => {
    const card = dialogCard(await fetchTask(PRIYA, 'message', messagePayload('<p>Loud party again, call her on 07700 900123 about it</p>')));
    expect(findById(card, 'summary').value).toBe('Loud party again, call her on 07700 900123 about it');
    expect(errorUnder(card, 'summary')).toMatch(/must not identify anyone/);
  });

  it('from the compose box, opens the blank form with the reporter\'s defaults and no errors', async () => {
    const card = dialogCard(await fetchTask(PRIYA, 'compose'));
    expect(findById(card, 'summary').value ?? '').toBe('');
    expect(findById(card, 'borough').value).toBe('stockport');
    expect(errorUnder(card, 'summary')).toBeUndefined();
    expect(errorUnder(card, 'category')).toBeUndefined();
  });

  it('gives someone the directory does not know nothing but a message saying why', async () => {
    const body = await fetchTask(STRANGER, 'message', messagePayload('<p>Youths throwing stones at buses</p>'));
    expect(dialogMessage(body)).toMatch(/not registered with the concordat/);
    expect(JSON.stringify(body)).not.toContain('Youths throwing stones');
    const refusals = await auditOf(store(), 'route:extension:reportIncident');
    expect(refusals.map((e) => [e.action, e.actor.aadObjectId])).toEqual([['refusal', STRANGER.aadObjectId]]);
  });
});

describe('the dialog\'s submission', () => {
  it('with bad fields, shows the dialog again with every error beside its field and the values kept; nothing stored', async () => {
    const before = await incidentCount();
    const first = dialogCard(await fetchTask(PRIYA, 'compose'));
    const submissionId = first.actions[0].data.submissionId;
    const bad = goodForm({ category: '', summary: 'Short', postcodeDistrict: 'SK5Q', area: 'Brinnington estate' });
    const card = dialogCard(await submitAction(PRIYA, { ...bad, submissionId }));
    expect(errorUnder(card, 'category')).toBeTruthy();
    expect(errorUnder(card, 'summary')).toMatch(/at least 10 characters/);
    expect(errorUnder(card, 'postcodeDistrict')).toBeTruthy();
    expect(findById(card, 'summary').value).toBe('Short');
    expect(findById(card, 'area').value).toBe('Brinnington estate');
    // The same card instance: submitting it again converges on one report.
    expect(card.actions[0]).toMatchObject({ type: 'Action.Submit', data: { submissionId } });
    expect(validateAdaptiveCard(card)).toEqual([]);
    expect(await incidentCount()).toBe(before);
  });

  it('with good fields, records the incident through the report use case and says the reference; nothing is posted to the chat', async () => {
    const before = await incidentCount();
    const sentBefore = bot.connector.sent.length;
    const card = dialogCard(await fetchTask(PRIYA, 'message', messagePayload('<p>Group of youths throwing stones at passing buses near the shops.</p>')));
    const values = goodForm({ summary: findById(card, 'summary').value });
    const body = await submitAction(PRIYA, { ...values, ...card.actions[0].data });
    const said = dialogMessage(body);
    const reference = /Recorded: (STO-2026-\d{6})/.exec(said)?.[1];
    expect(reference).toBeDefined();
    expect(said).toContain('Nothing was posted to this chat');
    // The dialog's answer is de-identified: no summary, area or name.
    expect(said).not.toMatch(/youths|Brinnington|Priya/i);

    const stored = await loadIncident(bot.runtime.ctx, reference!);
    expect(stored?.record).toMatchObject({ summary: 'Group of youths throwing stones at passing buses near the shops.', reporter: { aadObjectId: PRIYA.aadObjectId, organisationId: 'stockport-homes' } });
    expect(await incidentCount()).toBe(before + 1);

    // The confirmation, with its buttons, goes to Priya's personal chat through the outbox; nothing to the group chat.
    const items = (await store().outbox.listPartition(`incident-confirmation-${reference}`)).map((i) => i.value);
    expect(items).toHaveLength(1);
    expect(items[0]!.target).toMatchObject({ kind: 'personal', conversationId: personalChat(PRIYA).id });
    expect(textOfCard(items[0]!.payload!.card)).toContain(`Recorded: ${reference}`);
    expect(textOfCard(items[0]!.payload!.card)).toContain('View details');
    expect(bot.connector.sent.slice(sentBefore).filter((a) => a.conversationId === GROUP.id)).toEqual([]);

    // Submitted again (Teams retries an invoke it timed out on): the same reference, nothing new stored.
    const again = await submitAction(PRIYA, { ...values, ...card.actions[0].data });
    expect(dialogMessage(again)).toContain(`Recorded: ${reference}`);
    expect(await incidentCount()).toBe(before + 1);
  });
});

describe('"Find by reference"', () => {
  let reference: string;
  beforeAll(async () => {
    reference = await reportThroughDialog(PRIYA); // Stockport Homes, shared with GMP and Stockport Council
  });

  const resultsOf = (body: any) => {
    expect(body.composeExtension).toMatchObject({ type: 'result', attachmentLayout: 'list' });
    return body.composeExtension.attachments as any[];
  };

  it('inserts the de-identified card of an incident for someone whose organisation may see it, with a preview line', async () => {
    for (const user of [PRIYA, TOM, DAN]) {
      const [result, ...rest] = resultsOf(await query(user, reference.toLowerCase()));
      expect(rest).toEqual([]);
      expect(result.contentType).toBe('application/vnd.microsoft.card.adaptive');
      expect(result.preview).toMatchObject({ contentType: 'application/vnd.microsoft.card.thumbnail', content: { title: `Incident ${reference}` } });
      const card = result.content;
      const text = textOfCard(card);
      expect(text).toContain(reference);
      expect(text).toContain('Stockport Homes');
      // De-identified: no summary, area, reporter's name or restricted fields.
      expect(text).not.toMatch(/youths|Brinnington|Priya|stones/i);
      expect(card.version).toBe('1.5');
      expect(validateAdaptiveCard(card)).toEqual([]);
      expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BYTE_BUDGET);
      expect(actionDataProblems(card)).toEqual([]);
    }
    const reads = (await auditOf(store(), `incident:${reference}`)).filter((e) => e.action === 'consultation');
    expect(reads.map((e) => e.actor.aadObjectId).sort()).toEqual([PRIYA.aadObjectId, TOM.aadObjectId, DAN.aadObjectId].sort());
    expect(reads[0]!.justification).toMatch(/message extension search/);
  });

  it('finds nothing for someone whose organisation may not see it, exactly as for a reference that does not exist (the refusal audited)', async () => {
    const forbidden = await query(AISHA, reference);
    const missing = await query(AISHA, 'STO-2026-999999');
    expect(resultsOf(forbidden)).toEqual([]);
    expect(forbidden).toEqual(missing);
    const refusals = async () => (await auditOf(store(), `incident:${reference}`)).filter((e) => e.action === 'refusal');
    expect((await refusals()).map((e) => e.actor.aadObjectId)).toEqual([AISHA.aadObjectId]);
    // Teams queries again as the person pauses: the same search in the same hour is one audit row.
    await query(AISHA, reference);
    expect(await refusals()).toHaveLength(1);
  });

  it('finds nothing at all for someone the directory does not know', async () => {
    expect(resultsOf(await query(STRANGER, reference))).toEqual([]);
    expect(resultsOf(await query(STRANGER, 'help'))).toEqual([]);
  });

  it('finds a joint operation by its id as its channel card, and an alert only for people of its boroughs', async () => {
    const ctx = bot.runtime.ctx;
    await ctx.store.operations.upsert({
      id: 'OP-STO-7K3Q9M', name: 'Operation Nightjar', type: 'day-of-action', borough: 'stockport', area: 'Brinnington',
      startsAt: '2026-11-28T09:00:00Z', endsAt: '2026-11-28T15:00:00Z', leadOrganisationId: 'gmp', partnerOrganisationIds: ['stockport-homes'],
      participants: [PRIYA.aadObjectId], coordinator: TOM.aadObjectId, briefing: 'Restricted briefing: door 14', linkedIncidents: [reference],
      reminderOffsetsMin: [], outcomesAfterMin: 60, status: 'scheduled', version: 1, marking: 'OFFICIAL-SENSITIVE', channelConversationIds: [],
    });
    const [op] = resultsOf(await query(AISHA, 'op-sto-7k3q9m'));
    expect(op.preview.content.title).toBe('Operation Nightjar');
    const opText = textOfCard(op.content);
    expect(opText).toContain('Operation Nightjar');
    expect(opText).not.toMatch(/Restricted briefing|Priya|Tom Bradley|door 14/);
    expect(validateAdaptiveCard(op.content)).toEqual([]);
    expect(resultsOf(await query(AISHA, 'OP-STO-000000'))).toEqual([]);

    /** A Stockport alert, stored as raising one stores it. */
    const storeAlert = (id: string, title: string, raisedAt: string, source: 'card' | 'api') =>
      ctx.store.alerts.upsert({
        alert: {
          id, severity: 'warning', boroughs: ['stockport'], themeId: 'public-safety', title, body: `${title}.`, raisedAt,
          expiresAt: new Date(Date.parse(raisedAt) + 7 * 86_400_000).toISOString(), raisedBy: { organisationId: 'gmp', displayName: 'Tom Bradley' }, marking: 'OFFICIAL',
        },
        source, batchId: `alert-${id}`, expectedOrganisations: ['gmp', 'stockport-homes'], acknowledgements: [],
      });
    const alertId = 'a'.repeat(24);
    await storeAlert(alertId, 'Closure order granted on Hillside Road', '2026-11-25T09:00:00Z', 'card');
    const [alert] = resultsOf(await query(PRIYA, alertId));
    expect(textOfCard(alert.content)).toContain('Closure order granted on Hillside Road');
    expect(validateAdaptiveCard(alert.content)).toEqual([]);
    expect(resultsOf(await query(AISHA, alertId))).toEqual([]); // Salford: not hers

    // An alert raised today has the id the alert form and the partner API give it (their 202 answer names it).
    const raisedId = stableId('alert', 'partner-api', 'closure-2');
    await storeAlert(raisedId, 'Second closure order on Hillside Road', '2026-11-26T09:00:00Z', 'api');
    const [raised] = resultsOf(await query(PRIYA, ` ${raisedId} `));
    expect(textOfCard(raised.content)).toContain('Second closure order on Hillside Road');
    // Its letters' case is part of it: another case is another id, and finds nothing.
    expect(resultsOf(await query(PRIYA, raisedId.toUpperCase().replace('ALERT-', 'alert-')))).toEqual([]);
  });

  it('answers anything that is not a reference with no results', async () => {
    for (const text of ['', 'Brinnington', 'STO-2026', '<b>x</b>', 'x'.repeat(500)]) expect(resultsOf(await query(PRIYA, text))).toEqual([]);
  });
});

describe('the declarations', () => {
  it('go through the one gate: both commands are for registered members, in any chat', () => {
    expect([...EXTENSION_ROUTES.keys()].sort()).toEqual([FIND, REPORT]);
    for (const r of EXTENSION_ROUTES.values()) expect(r.access).toMatchObject({ who: [{}], scopes: ['personal', 'team', 'groupChat'] });
  });
});

describe('a message\'s text, as its reader saw it', () => {
  it('drops Teams\' formatting, keeps line breaks, mentions and link addresses, and decodes entities', () => {
    expect(plainTextOfMessage({ contentType: 'html', content: '<p>First&nbsp;line</p><p>Second <strong>bold</strong> line<br>third</p>' })).toBe('First line\nSecond bold line\nthird');
    expect(plainTextOfMessage({ contentType: 'html', content: '<p><at id="0">Jo Bloggs</at> saw it</p>' })).toBe('Jo Bloggs saw it');
    expect(plainTextOfMessage({ contentType: 'html', content: '<a href="https://x.example/a?b=1&amp;c=2">https://x.example/a?b=1&amp;c=2</a>' })).toBe('https://x.example/a?b=1&c=2');
    expect(plainTextOfMessage({ contentType: 'html', content: '<p>Typed &lt;b&gt;tags&lt;/b&gt; &amp; more</p>' })).toBe('Typed <b>tags</b> & more');
    expect(plainTextOfMessage({ contentType: 'text', content: '  plain  ' })).toBe('plain');
    expect(plainTextOfMessage({ contentType: 'html', content: '<p></p>' })).toBeUndefined();
    expect(plainTextOfMessage(undefined)).toBeUndefined();
  });

  it('is linear on hostile input', () => {
    const started = performance.now();
    plainTextOfMessage({ contentType: 'html', content: '<'.repeat(100_000) + '<a href="'.repeat(10_000) });
    expect(performance.now() - started).toBeLessThan(500);
  });
});
