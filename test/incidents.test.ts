import { loadOperation } from '../bot/operations/repository';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention } from '../bot/incidents/retention';
import { StoreUnavailableError } from '../bot/store/errors';
import { TIMER_FUNCTIONS } from '../functions/registry';
import { auditOf } from './support/audit';
import { activityFrom, AISHA, DAN, personalChat, PRIYA, startBotHarness, STRANGER, textOfCard, TOM, type BotHarness, type Conversation } from './support/botHarness';
import { errorUnder, inputOf, newSubmissionId, pressButton, referenceOf, reportForm as goodForm } from './support/botTurns';
import { validateAdaptiveCard } from './support/schemas';

type User = typeof PRIYA;

let bot: BotHarness;
beforeAll(async () => {
  bot = await startBotHarness(); // the clock stands at 2026-11-25T10:00Z (GMT)
});
afterAll(async () => bot?.close());

const store = () => bot.runtime.ctx.store;
const invoke = (user: User, verb: string, data: Record<string, unknown> = {}, conversation: Conversation = personalChat(user)) =>
  pressButton(bot, user, verb, data, conversation);

const submit = (user: User, form: Record<string, unknown>, submissionId = newSubmissionId()) =>
  invoke(user, 'incident.submit', { submissionId, ...form });

const inputValue = (card: any, field: string): unknown => inputOf(card, field)?.value;

async function countRows(): Promise<Record<string, number>> {
  const all = async (t: { query(f: string): Promise<unknown[]> }) => (await t.query("PartitionKey ne ''")).length;
  const audit = (await store().audit.query("PartitionKey ge 'incident' and PartitionKey lt 'incidenu' and kind eq 'event'")).length;
  return {
    incidents: await all(store().incidents),
    index: await all(store().incidentIndex),
    submissions: await all(store().incidentSubmissions),
    counters: await all(store().counters),
    audit,
  };
}

describe('the report card', () => {
  it('opens from "report" and from the help card\'s button, with sensible defaults', async () => {
    const before = bot.connector.sent.length;
    await bot.say(PRIYA, 'report');
    const sent = await bot.connector.waitFor((a) => a.conversationId === personalChat(PRIYA).id && bot.connector.sent.indexOf(a) >= before);
    const fromCommand = sent.activity.attachments![0]!.content;
    expect(textOfCard(fromCommand)).toContain('Report an incident');

    const help = await invoke(PRIYA, 'help');
    expect(help.actions).toContainEqual(expect.objectContaining({ title: 'Report incident', verb: 'incident.report' }));
    const form = await invoke(PRIYA, 'incident.report');
    expect(validateAdaptiveCard(form)).toEqual([]);
    expect(inputValue(form, 'borough')).toBe('stockport'); // Stockport Homes' first borough
    expect(inputValue(form, 'marking')).toBe('OFFICIAL-SENSITIVE');
    expect(inputValue(form, 'occurredDate')).toBe('2026-11-25');
    expect(form.actions[0]).toMatchObject({ type: 'Action.Execute', verb: 'incident.submit' });
    expect(form.actions[0].data.submissionId).toMatch(/^[a-f0-9]{32}$/);
    // Each card instance has its own submission id.
    const again = await invoke(PRIYA, 'incident.report');
    expect(again.actions[0].data.submissionId).not.toBe(form.actions[0].data.submissionId);
  });

  it('refuses people who are not registered', async () => {
    const card = await invoke(STRANGER, 'incident.report');
    expect(textOfCard(card)).toContain('Only registered partner staff');
  });
});

describe('a corpus of bad inputs', () => {
  const long = (n: number) => `${'Youths on the estate '.repeat(Math.ceil(n / 21)).slice(0, n - 1)}.`;
  const corpus: [field: string, value: unknown, message: RegExp, extra?: Record<string, unknown>][] = [
    ['category', '', /choose a category/i],
    ['category', 'arson', /not a category on the list/i],
    ['category', 42, /must be text/i],
    ['category', '<script>alert(1)</script>', /not a category/i],
    ['hateCrimeStrand', '', /needs its strand/i, { category: 'hate-crime' }],
    ['hateCrimeStrand', 'weather', /not a hate crime strand/i, { category: 'hate-crime' }],
    ['hateCrimeStrand', 'race', /only a hate crime has a strand/i],
    ['borough', '', /choose a borough/i],
    ['borough', 'gotham', /not a borough/i],
    ['borough', ['stockport'], /must be text/i],
    ['area', '', /required/i],
    ['area', 'x', /at least 2/i],
    ['area', long(81), /81 characters long; the most is 80/],
    ['area', '<b>Brinnington</b>', /HTML tags/],
    ['area', '12 Acacia Avenue', /house number and street/],
    ['postcodeDistrict', '', /first half of the postcode/i],
    ['postcodeDistrict', 'SK8 1AB', /only the first half/i],
    ['postcodeDistrict', '123', /first half of a postcode/i],
    ['postcodeDistrict', { district: 'SK8' }, /must be text/i],
    ['fullAddress', 'x'.repeat(201), /the most is 200/],
    ['fullAddress', '<img src=x onerror=alert(1)>', /HTML tags/],
    ['occurredDate', '', /enter the date/i],
    ['occurredDate', '2026-02-30', /real date/i],
    ['occurredDate', 'yesterday', /real date/i],
    ['occurredDate', '2026-11-26', /future/i],
    ['occurredDate', '2020-01-01', /more than 365 days ago/i],
    ['occurredTime', '', /enter the time/i],
    ['occurredTime', '25:00', /time such as/i],
    ['occurredTime', 'noon', /time such as/i],
    ['occurredDate', '2026-11-25', /future/i, { occurredTime: '10:05' }],
    ['occurredTime', '01:30', /clocks went forward/i, { occurredDate: '2026-03-29' }],
    ['summary', '', /summary is required/i],
    ['summary', 'Stones', /at least 10/i],
    ['summary', long(1001), /1001 characters long; the most is 1000/],
    ['summary', '<script>alert(1)</script> youths throwing stones', /HTML tags/],
    ['summary', 'See [the video](http://evil.example/x) of youths', /Markdown links/],
    ['summary', '**Urgent** youths throwing stones at buses', /Markdown formatting/],
    ['summary', '# Heading\nyouths throwing stones at buses', /Markdown headings/],
    ['summary', 'Youths throwing stones ${root.secret} at buses', /template expressions/],
    ['summary', 'Youths &lt;b&gt; throwing stones at buses', /HTML entities/],
    ['summary', 'One youth, born 12/03/2009, threw stones at buses', /date of birth/],
    ['summary', 'Call the resident on 07700 900123 about the stones', /phone number/],
    ['summary', 'Resident jo.bloggs@example.com reported stones thrown', /email address/],
    ['summary', 'Youths throwing stones outside SK5 7AB again tonight', /full postcode/],
    ['summary', 'Mr Smith reported youths throwing stones at buses', /name/],
    ['summary', 12345, /must be text/i],
    ['details', long(4001), /the most is 4000/],
    ['details', '<iframe src="https://evil.example"></iframe>', /HTML tags/],
    ['details', 'Follow javascript:alert(1) for the file', /script links/],
    ['victims', '-1', /whole number from 0 to 999/],
    ['victims', '1000', /whole number from 0 to 999/],
    ['suspects', 'four', /whole number from 0 to 999/],
    ['witnesses', '2.5', /whole number from 0 to 999/],
    ['witnesses', { n: 2 }, /whole number from 0 to 999/],
    ['vulnerablePerson', 'yes', /tick the box/],
    ['childrenPresent', 'perhaps', /tick the box/],
    ['policeReference', 'ABC123', /not a police reference we recognise/i],
    ['policeReference', '791 of 31/02/23', /not a real date/],
    ['policeReference', '791 of 14/04/27', /in the future/],
    ['policeReference', 'CRI/06AA/0012345/27', /in the future/],
    ['policeReference', 'CRI/6A/12/26', /not a police reference/i],
    ['policeReference', 'x'.repeat(41), /longest accepted is 40/],
    ['risk', '', /choose a risk level/i],
    ['risk', 'critical', /not a risk level/i],
    ['actions', '', /choose what has been done/i],
    ['actions', 'arrested', /not an action on the list/i],
    ['actions', 'none-yet,tenancy-warning', /cannot be combined/],
    ['actions', 7, /unexpected value/],
    ['sharedWith', 'nosuch-org', /not a partner organisation/],
    ['marking', '', /choose a protective marking/i],
    ['marking', 'TOP SECRET', /not a protective marking/i],
  ];

  it.each(corpus)('%s = %j is refused with a message under the field', async (field, value, message, extra) => {
    const form = goodForm({ ...extra, [field]: value });
    const card = await submit(PRIYA, form);
    expect(textOfCard(card)).toContain('Report an incident');
    expect(errorUnder(card, field)).toMatch(message);
    // Every value typed is kept (text inputs hold exactly what was sent).
    for (const f of ['area', 'summary', 'details', 'policeReference', 'fullAddress']) {
      if (typeof form[f] === 'string') expect(inputValue(card, f)).toBe(form[f]);
    }
    expect(validateAdaptiveCard(card)).toEqual([]);
  });

  it('stored nothing for any of them: no incident, reference, index, submission or audit row', async () => {
    expect(await countRows()).toEqual({ incidents: 0, index: 0, submissions: 0, counters: 0, audit: 0 });
  });

  it('shows every problem of one submission at once', async () => {
    const card = await submit(PRIYA, goodForm({ summary: '', area: '', risk: 'nope', victims: 'x' }));
    expect(textOfCard(card)).toContain('4 fields need attention');
    for (const f of ['summary', 'area', 'risk', 'victims']) expect(errorUnder(card, f)).toBeTruthy();
    expect(errorUnder(card, 'category')).toBeUndefined();
  });
});

describe('a good report', () => {
  let reference = '';

  it('is stored first, then confirmed with a reference and the four buttons', async () => {
    const sid = newSubmissionId();
    const card = await submit(PRIYA, goodForm({ policeReference: 'log 0791 of 14/4/2026', details: 'Named youth: J. Doe, 15.' }), sid);
    reference = referenceOf(card);
    expect(reference).toBe('STO-2026-000001');
    expect(validateAdaptiveCard(card)).toEqual([]);
    expect(card.actions.map((a: any) => [a.title, a.verb])).toEqual([
      ['View details', 'incident.view'],
      ['Add an update', 'incident.update.form'],
      ['Edit', 'incident.edit.form'],
      ['Link to a joint operation', 'incident.link'],
    ]);
    const row = await store().incidents.get({ partitionKey: 'stockport-2026-W48', rowKey: reference });
    expect(row?.value).toMatchObject({
      kind: 'incident',
      occurredAt: '2026-11-24T21:30:00.000Z',
      reportedAt: '2026-11-25T10:00:00.000Z',
      policeReference: '791 of 14/04/26',
      sharedWith: ['gmp', 'stockport-council'],
      restricted: { details: 'Named youth: J. Doe, 15.' },
      version: 1,
    });
    expect((await store().incidentIndex.get({ partitionKey: reference, rowKey: 'i' }))?.value.partitionKey).toBe('stockport-2026-W48');
    const audit = (await auditOf(store(), `incident:${reference}`)).map((a) => a.action).sort();
    expect(audit).toEqual(['collection', 'disclosure']);
  });

  it('submitted twice (one card instance), is stored once and confirmed the same way, also when both arrive together', async () => {
    const sid = newSubmissionId();
    const first = await submit(PRIYA, goodForm({ summary: 'Abandoned car set alight on the car park overnight.' }), sid);
    const second = await submit(PRIYA, goodForm({ summary: 'Abandoned car set alight on the car park overnight.' }), sid);
    expect(second).toEqual(first);
    const sid2 = newSubmissionId();
    const [a, b] = await Promise.all([submit(PRIYA, goodForm(), sid2), submit(PRIYA, goodForm(), sid2)]);
    expect(referenceOf(a)).toBe(referenceOf(b));
    const counter = await store().counters.get({ partitionKey: 'ref', rowKey: 'STO-2026' });
    expect(counter?.value.last).toBe(3); // 000001 above, then one each for the two double submissions
    const rows = (await store().incidents.listPartition('stockport-2026-W48')).map((r) => r.value);
    expect(rows.filter((r) => r.kind === 'incident')).toHaveLength(3);
    expect(rows.filter((r) => r.kind === 'history')).toHaveLength(3);
  });

  it('gives 20 concurrent reports in one borough 20 distinct, consecutive references', async () => {
    const started = performance.now();
    const cards = await Promise.all(
      Array.from({ length: 20 }, (_, i) => submit(PRIYA, goodForm({ borough: 'bury', postcodeDistrict: 'BL9', summary: `Concurrent report number ${i + 1} of nuisance on the estate.` }))),
    );
    const elapsed = performance.now() - started;
    const refs = cards.map(referenceOf).sort();
    expect(refs).toEqual(Array.from({ length: 20 }, (_, i) => `BUR-2026-${String(i + 1).padStart(6, '0')}`));
    console.log(`20 concurrent reports stored in ${elapsed.toFixed(0)} ms`);
    const stored = (await store().incidents.query("kind eq 'incident'")).flatMap((r) => (r.value.kind === 'incident' ? [r.value.reference] : [])).filter((r) => r.startsWith('BUR'));
    expect(stored.sort()).toEqual(refs);
  });
});

describe('access to details', () => {
  let reference = '';
  beforeAll(async () => {
    reference = referenceOf(
      await submit(PRIYA, goodForm({ sharedWith: 'gmp', details: 'Resident at number 4 threatened.', fullAddress: '4 Example Road, Stockport', risk: 'medium' })),
    );
  });

  it('refuses an organisation it was not shared with, shows only that it exists, and audits the refusal', async () => {
    const card = await invoke(AISHA, 'incident.view', { reference });
    const text = textOfCard(card);
    expect(text).toContain(reference);
    expect(text).toContain('Salix Homes does not have access');
    expect(text).toContain('SK5');
    expect(text).not.toContain('throwing stones');
    expect(text).not.toContain('number 4');
    expect(text).not.toContain('Example Road');
    const refusals = (await auditOf(store(), `incident:${reference}`)).filter((a) => a.action === 'refusal');
    expect(refusals).toEqual([expect.objectContaining({ actor: { aadObjectId: AISHA.aadObjectId, organisationId: 'salix-homes' } })]);
  });

  it('shows details to the reporter\'s organisation, the police and admins, auditing each look', async () => {
    for (const user of [PRIYA, TOM, DAN]) {
      const card = await invoke(user, 'incident.view', { reference });
      expect(textOfCard(card)).toContain('Resident at number 4 threatened.');
      expect(validateAdaptiveCard(card)).toEqual([]);
    }
    const looks = (await auditOf(store(), `incident:${reference}`)).filter((a) => a.action === 'consultation');
    expect(looks.map((l) => l.actor.aadObjectId).sort()).toEqual([PRIYA, TOM, DAN].map((u) => u.aadObjectId).sort());
    expect(looks.every((l) => !!l.justification)).toBe(true);
  });

  it('by "incident REF" too, in any case', async () => {
    const before = bot.connector.sent.length;
    await bot.say(AISHA, `incident ${reference.toLowerCase()}`);
    const sent = await bot.connector.waitFor((a) => a.conversationId === personalChat(AISHA).id && bot.connector.sent.indexOf(a) >= before);
    expect(textOfCard(sent.activity.attachments![0]!.content)).toContain('does not have access');
  });

  it('says plainly that a well-formed reference has no incident, not "it looks like …"', async () => {
    const before = bot.connector.sent.length;
    await bot.say(AISHA, 'incident STO-2026-999999');
    const sent = await bot.connector.waitFor((a) => a.conversationId === personalChat(AISHA).id && bot.connector.sent.indexOf(a) >= before);
    const text = textOfCard(sent.activity.attachments![0]!.content);
    expect(text).toContain('No incident STO-2026-999999');
    expect(text).toContain('There is no incident with this reference');
    expect(text).not.toContain('looks like');
  });

  it('in a channel, sends the details to the person\'s private chat through the outbox, never into the channel', async () => {
    const channel: Conversation = { id: '19:stockport-asb@thread.tacv2', conversationType: 'channel', teamId: '19:team@thread.tacv2', channelId: '19:stockport-asb@thread.tacv2' };
    // Tom has a recorded personal chat; Dan has not.
    await bot.post(activityFrom(bot.connector.serviceUrl, TOM, personalChat(TOM), { type: 'installationUpdate', action: 'add' }));
    const card = await invoke(TOM, 'incident.view', { reference }, channel);
    expect(textOfCard(card)).toContain('sent the details to your private chat');
    expect(textOfCard(card)).not.toContain('number 4');
    const items = (await store().outbox.listPartition(`incident-details-${reference}`)).map((i) => i.value);
    expect(items).toHaveLength(1);
    expect(items[0]!.target).toMatchObject({ kind: 'personal', conversationId: personalChat(TOM).id });
    expect(textOfCard(items[0]!.payload!.card)).toContain('Resident at number 4 threatened.');

    // Dan has no personal chat: the details are the answer to his press alone (test/privateViews.test.ts), nothing is queued.
    const noChat = await invoke(DAN, 'incident.view', { reference }, channel);
    expect(textOfCard(noChat)).toContain('Only you can see this');
    expect(textOfCard(noChat)).toContain('Resident at number 4 threatened.');
    expect(await store().outbox.listPartition(`incident-details-${reference}`)).toHaveLength(1);
  });
});

describe('channel announcements', () => {
  it('post a redacted card for a new medium or high risk incident to the borough\'s mapped channels, once', async () => {
    const channelId = '19:stockport-alerts@thread.tacv2';
    await store().conversations.upsert({ kind: 'channel', conversationId: channelId, serviceUrl: bot.connector.serviceUrl, tenantId: 't', teamId: '19:team', channelId, installedAt: '2026-11-01T00:00:00.000Z' });
    await store().channelMappings.upsert({ conversationId: channelId, teamId: '19:team', boroughs: ['stockport'], themes: [], mappedBy: DAN.aadObjectId, mappedAt: '2026-11-01T00:00:00.000Z' });
    const secret = {
      summary: 'Youths threatened a resident with a knife near the shops.',
      details: 'Suspect known as Jay, lives at number 9.',
      fullAddress: '9 Sample Street, Stockport SK5 7AB',
      area: 'Lapwing Lane estate',
      policeReference: 'CRI/06AA/0012345/26',
    };
    const sid = newSubmissionId();
    const card = await submit(PRIYA, goodForm({ ...secret, risk: 'high', category: 'weapons' }), sid);
    const reference = referenceOf(card);
    await submit(PRIYA, goodForm({ ...secret, risk: 'high', category: 'weapons' }), sid); // a redelivery adds nothing

    const items = (await store().outbox.listPartition(`incident-${reference}`)).map((i) => i.value);
    expect(items).toHaveLength(1);
    expect(items[0]!.target.conversationId).toBe(channelId);
    const posted = items[0]!.payload!.card!;
    expect(validateAdaptiveCard(posted)).toEqual([]);
    const text = `${JSON.stringify(posted)}\n${items[0]!.payload!.summary}`;
    for (const value of Object.values(secret)) expect(text).not.toContain(value);
    for (const fragment of ['with a knife', 'Jay', 'Lapwing', 'Sample Street', '7AB', 'Priya']) expect(text).not.toContain(fragment);
    const shown = textOfCard(posted);
    for (const fragment of [reference, 'Weapons / knife crime', 'SK5', 'High', 'Stockport Homes']) expect(shown).toContain(fragment);
    expect(posted.actions).toEqual([expect.objectContaining({ type: 'Action.Execute', verb: 'incident.view', data: { reference, verb: 'incident.view' } })]);

    // A standard risk report is not announced.
    const quiet = referenceOf(await submit(PRIYA, goodForm()));
    expect(await store().outbox.listPartition(`incident-${quiet}`)).toHaveLength(0);
  });
});

describe('updates and edits', () => {
  let reference = '';
  beforeAll(async () => {
    reference = referenceOf(await submit(PRIYA, goodForm({ summary: 'Fly-tipping behind the garages, mattresses and bags.', category: 'asb-environmental' })));
  });

  it('keep history: who, when, and what changed', async () => {
    const updateForm = await invoke(PRIYA, 'incident.update.form', { reference });
    expect(validateAdaptiveCard(updateForm)).toEqual([]);
    const updateSid = updateForm.actions[0].data.submissionId;
    const bad = await invoke(PRIYA, 'incident.update.submit', { reference, submissionId: updateSid, note: '<b>cleared</b>' });
    expect(textOfCard(bad)).toMatch(/HTML tags/);
    bot.now.value = new Date('2026-11-25T11:00:00Z');
    const afterUpdate = await invoke(PRIYA, 'incident.update.submit', { reference, submissionId: updateSid, note: 'Council cleared the site; warning letters sent.' });
    await invoke(PRIYA, 'incident.update.submit', { reference, submissionId: updateSid, note: 'Council cleared the site; warning letters sent.' }); // twice: once
    expect(textOfCard(afterUpdate)).toContain('Council cleared the site; warning letters sent.');

    const editForm = await invoke(PRIYA, 'incident.edit.form', { reference });
    expect(validateAdaptiveCard(editForm)).toEqual([]);
    expect(inputValue(editForm, 'summary')).toBe('Fly-tipping behind the garages, mattresses and bags.');
    const { submissionId, baseVersion } = editForm.actions[0].data;
    expect(baseVersion).toBe(2);
    // The edit form can be left without saving: Cancel sends none of the form and shows the incident unchanged.
    const cancel = editForm.actions.find((a: any) => a.title === 'Cancel');
    expect(cancel).toMatchObject({ type: 'Action.Execute', verb: 'incident.view', associatedInputs: 'none', data: { reference } });
    const back = await invoke(PRIYA, cancel.verb, cancel.data);
    expect(textOfCard(back)).toContain('Fly-tipping behind the garages, mattresses and bags.');
    expect(validateAdaptiveCard(back)).toEqual([]);
    const badEdit = await invoke(PRIYA, 'incident.edit.submit', { ...goodForm({ summary: '' }), reference, submissionId, baseVersion });
    expect(errorUnder(badEdit, 'summary')).toMatch(/required/);
    bot.now.value = new Date('2026-11-25T12:00:00Z');
    const edited = await invoke(PRIYA, 'incident.edit.submit', {
      ...goodForm({ summary: 'Fly-tipping behind the garages: mattresses, bags and a fridge.', category: 'asb-environmental', risk: 'medium' }),
      reference,
      submissionId,
      baseVersion,
    });
    const text = textOfCard(edited);
    expect(text).toMatch(/Edited · Wed, 25 Nov 2026, 12:00 · Priya Shah/);
    expect(text).toContain('summary: "Fly-tipping behind the garages, mattresses and bags." → "Fly-tipping behind the garages: mattresses, bags and a fridge."');
    // The labels people chose on the form, not the stored codes.
    expect(text).toContain('risk: "Standard" → "Medium"');
    expect(text).not.toMatch(/"(?:standard|medium|asb-nuisance|asb-environmental)"/);
    expect(text).toMatch(/Update · Wed, 25 Nov 2026, 11:00 · Priya Shah/);

    const loaded = (await store().incidents.listPartition('stockport-2026-W48', { from: reference, to: `${reference}|~` })).map((r) => r.value);
    expect(loaded.map((r) => (r.kind === 'history' ? `${r.version}:${r.type}` : r.kind === 'incident' ? `record v${r.version}` : r.kind))).toEqual(['record v3', '1:created', '2:update', '3:edit']);
    const alterations = (await auditOf(store(), `incident:${reference}`)).filter((a) => a.action === 'alteration');
    expect(alterations).toHaveLength(2);
    // Raised to medium: now announced (redacted) like a new medium risk incident would be.
    expect(await store().outbox.listPartition(`incident-${reference}`)).toHaveLength(1);

    // A stale edit card (version 2) cannot overwrite version 3.
    const stale = await invoke(PRIYA, 'incident.edit.submit', { ...goodForm(), reference, submissionId: newSubmissionId(), baseVersion: 2 });
    expect(textOfCard(stale)).toContain('someone else changed it first');
  });

  it('sharing with another organisation by an edit is a disclosure to it; a failure after the edit is stored is completed by submitting the card again', async () => {
    const ref = referenceOf(await submit(PRIYA, goodForm({ summary: 'Shopping trolleys dumped in the brook again.', sharedWith: 'gmp' })));
    const editForm = await invoke(PRIYA, 'incident.edit.form', { reference: ref });
    const { submissionId, baseVersion } = editForm.actions[0].data;
    const edit = { ...goodForm({ summary: 'Shopping trolleys dumped in the brook again.', sharedWith: 'gmp,stockport-council,salix-homes' }), reference: ref, submissionId, baseVersion };

    // Storage fails on the first audit write after the edit is stored: the user sees "not saved"...
    const audit = store().audit as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const method = 'transact'; // how an audit event is appended (bot/audit/repository.ts)
    const original = audit[method]!;
    audit[method] = async () => {
      audit[method] = original;
      throw new StoreUnavailableError(new Error('injected outage'));
    };
    const failed = await invoke(PRIYA, 'incident.edit.submit', edit);
    audit[method] = original;
    expect(textOfCard(failed)).toMatch(/Not saved/);
    // ...and submits the same card again: the edit is not repeated, what follows it is completed.
    const again = await invoke(PRIYA, 'incident.edit.submit', edit);
    expect(textOfCard(again)).toContain('shared with: "Greater Manchester Police" → "Greater Manchester Police, Salix Homes, Stockport Council"');
    await invoke(PRIYA, 'incident.edit.submit', edit); // and once more: nothing twice

    const events = (await auditOf(store(), `incident:${ref}`));
    expect(events.filter((e) => e.action === 'alteration')).toHaveLength(1);
    const disclosures = events.filter((e) => e.action === 'disclosure');
    expect(disclosures.map((d) => d.recipients?.join(',')).sort()).toEqual(['gmp', 'salix-homes,stockport-council']); // at the report, then by the edit
    expect(disclosures.every((d) => d.actor.aadObjectId === PRIYA.aadObjectId)).toBe(true);
  });

  it('are refused, and audited, for someone who may not make them', async () => {
    const card = await invoke(AISHA, 'incident.edit.form', { reference });
    expect(textOfCard(card)).toContain('You cannot edit this incident');
    const upd = await invoke(AISHA, 'incident.update.submit', { reference, submissionId: newSubmissionId(), note: 'sneaky' });
    expect(textOfCard(upd)).toContain('You cannot add an update to');
    const refusals = (await auditOf(store(), `incident:${reference}`)).filter((a) => a.action === 'refusal');
    expect(refusals).toHaveLength(2);
  });

  it('links to a joint operation in its borough, kept in history and audited as a combination', async () => {
    expect(textOfCard(await invoke(PRIYA, 'incident.link', { reference }))).toContain('No joint operations planned in Stockport');
    await store().operations.create({
      id: 'OP-STO-7K3Q9M',
      name: 'Brinnington day of action',
      type: 'day-of-action',
      borough: 'stockport',
      area: 'Brinnington',
      startsAt: '2026-12-02T08:00:00.000Z',
      endsAt: '2026-12-02T16:00:00.000Z',
      leadOrganisationId: 'gmp',
      partnerOrganisationIds: ['stockport-homes'],
      participants: [PRIYA.aadObjectId, TOM.aadObjectId],
      coordinator: TOM.aadObjectId,
      linkedIncidents: [],
      reminderOffsetsMin: [],
      outcomesAfterMin: 0,
      status: 'scheduled',
    });
    const form = await invoke(PRIYA, 'incident.link', { reference });
    expect(validateAdaptiveCard(form)).toEqual([]);
    expect(textOfCard(form)).toContain('Brinnington day of action');
    const bad = await invoke(PRIYA, 'incident.link.submit', { reference, operationId: 'OP-WIG-000000' });
    expect(textOfCard(bad)).toContain('Choose one of the operations listed');
    const linked = await invoke(PRIYA, 'incident.link.submit', { reference, operationId: 'OP-STO-7K3Q9M' });
    await invoke(PRIYA, 'incident.link.submit', { reference, operationId: 'OP-STO-7K3Q9M' }); // twice: once
    expect(textOfCard(linked)).toContain('Linked to a joint operation');
    expect(textOfCard(linked)).toContain('OP-STO-7K3Q9M Brinnington day of action');
    const op = await loadOperation({ store: store() }, 'OP-STO-7K3Q9M');
    expect(op?.value.linkedIncidents).toEqual([reference]);
    const audit = (await auditOf(store(), `incident:${reference}`)).map((a) => a.action);
    expect(audit.filter((a) => a === 'combination')).toHaveLength(1);
    // Someone without access to the incident cannot link it.
    expect(textOfCard(await invoke(AISHA, 'incident.link.submit', { reference, operationId: 'OP-STO-7K3Q9M' }))).toContain('You cannot link this incident');
  });
});

describe('incidents', () => {
  it('lists the organisation\'s recent incidents a page at a time, newest first, with a signed "More" token bound to the caller', async () => {
    const before = bot.connector.sent.length;
    await bot.say(PRIYA, 'incidents bury 30');
    const sent = await bot.connector.waitFor((a) => a.conversationId === personalChat(PRIYA).id && bot.connector.sent.indexOf(a) >= before);
    const first = sent.activity.attachments![0]!.content;
    expect(validateAdaptiveCard(first)).toEqual([]);
    const refs = (card: unknown) => [...new Set(textOfCard(card).match(/BUR-\d{4}-\d{6}/g) ?? [])];
    expect(refs(first)).toHaveLength(8);
    expect(first.actions.map((a: any) => a.title)).toEqual(['Apply filters', 'More']);
    const more = first.actions.find((a: any) => a.title === 'More');
    const second = await invoke(PRIYA, 'incidents.list', { ...more.data, borough: 'bury', category: 'all', days: '30' });
    expect(refs(second)).toHaveLength(8);
    const third = await invoke(PRIYA, 'incidents.list', { ...second.actions.find((a: any) => a.title === 'More').data });
    expect(refs(third)).toHaveLength(4);
    expect(third.actions.map((a: any) => a.title)).toEqual(['Apply filters']);
    // Twenty different incidents, newest first across the pages.
    const all = [...refs(first), ...refs(second), ...refs(third)];
    expect(new Set(all).size).toBe(20);
    expect([...all].sort().reverse()).toEqual(all);

    const stockport = await invoke(PRIYA, 'incidents.list', { borough: 'stockport', category: 'asb-environmental', days: '7' });
    expect(textOfCard(stockport)).toContain('1 incident');
    // Another organisation's list does not show Stockport Homes' reports, even with Stockport Homes' token.
    const salix = await invoke(AISHA, 'incidents.list', { borough: 'all', category: 'all', days: '90', more: more.data.more });
    expect(textOfCard(salix)).toContain('No incidents match');
    expect(textOfCard(salix)).toContain('out of date');
    // A token edited by hand is refused the same way: the first page, never what it pointed at.
    const edited = `${more.data.more.slice(0, -3)}AAA`;
    expect(refs(await invoke(PRIYA, 'incidents.list', { borough: 'bury', category: 'all', days: '30', more: edited }))).toEqual(refs(first));
  });
});

describe('retention', () => {
  it('is a daily timer', () => {
    expect(TIMER_FUNCTIONS).toContainEqual(expect.objectContaining({ name: 'retention', schedule: '0 30 2 * * *' }));
  });

  it('anonymises incidents past 13 months, keeps what statistics need, and logs the erasure without the content', async () => {
    const reference = referenceOf(
      await submit(PRIYA, goodForm({ summary: 'Graffiti sprayed on the community centre wall.', details: 'Tag "KRZ" seen.', fullAddress: '1 Example Road', policeReference: '12 of 20/11/26' })),
    );
    await invoke(PRIYA, 'incident.update.submit', { reference, submissionId: newSubmissionId(), note: 'Tag matched to a known group.' });

    bot.now.value = new Date('2027-12-24T02:30:00Z'); // 13 months less a day: kept
    expect((await applyRetention(bot.runtime.ctx)).anonymised).toEqual([]);

    bot.now.value = new Date('2027-12-26T02:30:00Z');
    const result = await applyRetention(bot.runtime.ctx);
    expect(result.anonymised).toContain(reference);
    expect(result.failed).toEqual([]);
    const rows = (await store().incidents.listPartition('stockport-2026-W48', { from: reference, to: `${reference}|~` })).map((r) => r.value);
    const record = rows.find((r) => r.kind === 'incident')!;
    expect(record).toMatchObject({ summary: '', area: '', restricted: {}, category: 'asb-nuisance', postcodeDistrict: 'SK5', people: { suspects: 4, witnesses: 2 } });
    expect(record).not.toHaveProperty('policeReference');
    const all = JSON.stringify(rows);
    for (const gone of ['Graffiti', 'KRZ', 'Example Road', '12 of 20/11/26', 'Tag matched']) expect(all).not.toContain(gone);

    const erasure = (await auditOf(store(), `incident:${reference}`)).find((a) => a.action === 'erasure')!;
    expect(erasure.actor.aadObjectId).toBe('system');
    expect(erasure.note).toMatch(/summary, area, police reference, full address, details, 1 history entry/);
    for (const gone of ['Graffiti', 'KRZ', 'Example Road']) expect(JSON.stringify(erasure)).not.toContain(gone);

    // Running again changes nothing.
    expect((await applyRetention(bot.runtime.ctx)).anonymised).not.toContain(reference);
    const view = await invoke(PRIYA, 'incident.view', { reference });
    expect(textOfCard(view)).toContain('removed under the retention schedule');
  });

  it("deletes a reporter's remembered form choices once they are as old as the reports they came from", async () => {
    const old = { aadObjectId: AISHA.aadObjectId, borough: 'salford' as const, area: 'Pendleton', postcodeDistrict: 'M6', sharedWith: ['gmp'], marking: 'OFFICIAL-SENSITIVE' as const };
    bot.now.value = new Date('2028-03-01T02:30:00Z');
    await store().reportDefaults.upsert({ ...old, updatedAt: '2027-01-15T10:00:00.000Z' });
    await store().reportDefaults.upsert({ ...old, aadObjectId: TOM.aadObjectId, updatedAt: '2028-02-01T10:00:00.000Z' });
    await applyRetention(bot.runtime.ctx);
    expect(await store().reportDefaults.get({ partitionKey: 'defaults', rowKey: AISHA.aadObjectId })).toBeUndefined();
    expect(await store().reportDefaults.get({ partitionKey: 'defaults', rowKey: TOM.aadObjectId })).toBeDefined();
  });
});
