import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashComplaintReference } from '../bot/incidents/rules/complaintReference';
import { StoreUnavailableError } from '../bot/store/errors';
import { incidentsForDetection } from '../bot/warnings/incidents';
import { readWeekStats } from '../bot/digests/sources';
import { auditOf } from './support/audit';
import { DAN, PRIYA, startBotHarness, textOfCard, TOM, type BotHarness } from './support/botHarness';
import { errorUnder, inputOf, newSubmissionId, pressButton, reportForm as filledReportForm, reportIncident } from './support/botTurns';
import { validateAdaptiveCard } from './support/schemas';

/**
 * Correcting where and when an incident happened (issue 17): the edit form's
 * borough, date and time. The incident moves to its new borough-week
 * partition, keeps its reference, and everything that finds it follows.
 */

type User = typeof PRIYA;

let bot: BotHarness;
beforeAll(async () => {
  bot = await startBotHarness(); // the clock stands at 2026-11-25T10:00Z (GMT), a Wednesday of ISO week 48
});
afterAll(async () => bot?.close());
beforeEach(() => {
  bot.now.value = new Date('2026-11-25T10:00:00Z');
});

const store = () => bot.runtime.ctx.store;
const ctx = () => bot.runtime.ctx;

const invoke = (user: User, verb: string, data: Record<string, unknown> = {}) => pressButton(bot, user, verb, data);

/** The report form with a household reference (kept through corrections), with `over` typed in. */
const reportForm = (over: Record<string, unknown> = {}) => filledReportForm({ householdReference: 'TEN-0042', ...over });

const report = (over: Record<string, unknown> = {}): Promise<string> => reportIncident(bot, PRIYA, reportForm(over));

/** The edit form's inputs as the client would send them back, with `over` typed in, and the card's own data. */
async function editCard(user: User, reference: string) {
  const form = await invoke(user, 'incident.edit.form', { reference });
  const save = form.actions.find((a: any) => a.title === 'Save changes');
  return { form, data: save.data as Record<string, unknown> };
}

/** Every row of an incident in the Incidents table, wherever it is: "<partition> <kind> v<version>". */
async function rowsOf(reference: string): Promise<string[]> {
  const rows = await store().incidents.query(`RowKey ge '${reference}' and RowKey lt '${reference}|~'`);
  return rows
    .map((r) => `${r.keys.partitionKey} ${r.value.kind}${r.value.kind === 'weekMark' ? '' : ` v${r.value.version}${r.value.kind === 'incident' && r.value.move ? ' moving' : ''}`}`)
    .sort();
}

const listed = async (user: User, borough: string) =>
  textOfCard(await invoke(user, 'incidents.list', { borough, category: 'all', days: '30' }));

const counted = async (borough: 'stockport' | 'tameside', reference: string) =>
  (await incidentsForDetection(ctx(), borough, new Date('2026-11-01T00:00:00Z'), bot.now.value, ['asb-nuisance'])).filter((i) => i.reference === reference).length;

/** Fails the next call of one store method, as an outage would. */
function failOnce(table: object, method: string, onCall = 1): void {
  const t = table as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const original = t[method]!;
  let calls = 0;
  t[method] = async function (this: unknown, ...args: unknown[]) {
    calls++;
    if (calls === onCall) {
      t[method] = original;
      throw new StoreUnavailableError(new Error('injected outage'));
    }
    return original.apply(table, args);
  };
}

describe('correcting the borough', () => {
  it('moves the incident to the new borough, keeps its reference, and lists, hotspots, repeat complaints, history and audit follow', async () => {
    const reference = await report();
    expect(reference).toMatch(/^STO-2026-/);
    expect(await rowsOf(reference)).toEqual(['stockport-2026-W48 history v1', 'stockport-2026-W48 incident v1']);

    // The edit form offers borough, date and time, filled in, and says the reference stays.
    const { form } = await editCard(PRIYA, reference);
    expect(validateAdaptiveCard(form)).toEqual([]);
    expect(inputOf(form, 'borough')?.value).toBe('stockport');
    expect(inputOf(form, 'occurredDate')?.value).toBe('2026-11-24');
    expect(inputOf(form, 'occurredTime')?.value).toBe('21:30');
    expect(inputOf(form, 'correctionReason')).toBeDefined();
    expect(textOfCard(form)).toContain(`${reference} keeps its number if you correct the borough`);

    // Priya's organisation works in Stockport only: she cannot move it to Tameside; no reason given either. Both
    // problems at once, beside their fields, her values kept; nothing stored, the refusal audited.
    const { data: priyaData } = await editCard(PRIYA, reference);
    const refused = await invoke(PRIYA, 'incident.edit.submit', { ...reportForm({ borough: 'tameside' }), ...priyaData });
    expect(errorUnder(refused, 'borough')).toMatch(/Stockport Homes does not work in Tameside/);
    expect(errorUnder(refused, 'correctionReason')).toMatch(/Say why the borough, date or time is being corrected/);
    expect(inputOf(refused, 'borough')?.value).toBe('tameside');
    expect(textOfCard(refused)).toContain('2 fields need attention');
    expect(await rowsOf(reference)).toEqual(['stockport-2026-W48 history v1', 'stockport-2026-W48 incident v1']);
    expect((await auditOf(store(), `incident:${reference}`)).some((e) => e.action === 'refusal' && /borough correction to tameside refused/.test(e.note ?? ''))).toBe(true);

    // The week's digest figures as cached before the move (the move must make them stale in both boroughs).
    const stockportBefore = (await readWeekStats(ctx(), 'stockport', '2026-W48')).incidents;
    const tamesideBefore = (await readWeekStats(ctx(), 'tameside', '2026-W48')).incidents;

    // Dan, a Concordat administrator, may record anywhere: he corrects it, giving the reason.
    bot.now.value = new Date('2026-11-25T11:00:00Z');
    const { data } = await editCard(DAN, reference);
    const moved = await invoke(DAN, 'incident.edit.submit', { ...reportForm({ borough: 'tameside', correctionReason: 'The estate is over the border in Tameside' }), ...data });
    const text = textOfCard(moved);
    expect(text).toContain('borough: "Stockport" → "Tameside"');
    expect(text).toContain('Reason for correcting the borough, date or time: The estate is over the border in Tameside');
    expect(text).toContain('Given in Stockport, where it was first recorded');

    // Exactly one copy, in Tameside's week partition; the reference opens it.
    expect(await rowsOf(reference)).toEqual(['tameside-2026-W48 history v1', 'tameside-2026-W48 history v2', 'tameside-2026-W48 incident v2']);
    expect((await store().incidentIndex.get({ partitionKey: reference, rowKey: 'i' }))?.value.partitionKey).toBe('tameside-2026-W48');
    const opened = textOfCard(await invoke(PRIYA, 'incident.view', { reference }));
    expect(opened).toContain(reference);
    expect(opened).toContain('Brinnington estate, SK5 · Tameside');

    // Lists: Tameside's show it, Stockport's do not.
    expect(await listed(PRIYA, 'tameside')).toContain(reference);
    expect(await listed(PRIYA, 'stockport')).not.toContain(reference);

    // Hotspot counts follow it; so do the week's digest figures of both boroughs.
    expect(await counted('tameside', reference)).toBe(1);
    expect(await counted('stockport', reference)).toBe(0);
    expect((await readWeekStats(ctx(), 'stockport', '2026-W48')).incidents).toBe(stockportBefore - 1);
    expect((await readWeekStats(ctx(), 'tameside', '2026-W48')).incidents).toBe(tamesideBefore + 1);

    // The repeat-complaint index points at where it is now.
    const hash = hashComplaintReference(ctx().config.referenceHashKey, 'TEN-0042');
    const complaints = (await store().complaintIndex.listPartition(hash)).map((r) => r.value).filter((c) => c.reference === reference);
    expect(complaints.map((c) => c.partitionKey)).toEqual(['tameside-2026-W48']);

    // Audited: who, when, from, to, why.
    const correction = (await auditOf(store(), `incident:${reference}`)).find((e) => e.action === 'alteration' && /corrected where or when/.test(e.note ?? ''));
    expect(correction).toMatchObject({ actor: { aadObjectId: DAN.aadObjectId }, at: '2026-11-25T11:00:00.000Z' });
    expect(correction!.note).toContain('borough Stockport → Tameside');
    expect(correction!.justification).toContain('The estate is over the border in Tameside');

    // The same card again changes nothing.
    await invoke(DAN, 'incident.edit.submit', { ...reportForm({ borough: 'tameside', correctionReason: 'The estate is over the border in Tameside' }), ...data });
    expect(await rowsOf(reference)).toEqual(['tameside-2026-W48 history v1', 'tameside-2026-W48 history v2', 'tameside-2026-W48 incident v2']);

    // A stale edit card (made for version 1) cannot move it back over Dan's correction.
    const stale = await invoke(PRIYA, 'incident.edit.submit', { ...reportForm({ borough: 'stockport', correctionReason: 'Back to Stockport' }), ...priyaData, submissionId: newSubmissionId() });
    expect(textOfCard(stale)).toContain('someone else changed it first');
    expect(await rowsOf(reference)).toEqual(['tameside-2026-W48 history v1', 'tameside-2026-W48 history v2', 'tameside-2026-W48 incident v2']);
  });
});

describe('correcting the date and time', () => {
  it('into another week moves it within its borough; the history reads as dates; bad dates are field errors with the values kept', async () => {
    const reference = await report({ area: 'Lancashire Hill', summary: 'Motorbikes ridden across the playing fields late at night.' });
    const { data } = await editCard(PRIYA, reference);
    bot.now.value = new Date('2026-11-26T09:00:00Z');

    const future = await invoke(PRIYA, 'incident.edit.submit', { ...reportForm({ occurredDate: '2026-11-27', correctionReason: 'wrong day' }), ...data });
    expect(errorUnder(future, 'occurredDate')).toMatch(/cannot have happened in the future/);
    expect(inputOf(future, 'occurredDate')?.value).toBe('2026-11-27');
    expect(inputOf(future, 'correctionReason')?.value).toBe('wrong day');
    const afterReported = await invoke(PRIYA, 'incident.edit.submit', { ...reportForm({ occurredDate: '2026-11-25', occurredTime: '18:00', correctionReason: 'wrong day' }), ...data });
    expect(errorUnder(afterReported, 'occurredDate')).toMatch(/It was reported on 2026-11-25 at 10:00, so it cannot have happened later/);
    const tooOld = await invoke(PRIYA, 'incident.edit.submit', { ...reportForm({ occurredDate: '2025-11-01', correctionReason: 'wrong year' }), ...data });
    expect(errorUnder(tooOld, 'occurredDate')).toMatch(/more than 365 days before it was reported/);
    expect(await rowsOf(reference)).toEqual(['stockport-2026-W48 history v1', 'stockport-2026-W48 incident v1']);

    const moved = await invoke(PRIYA, 'incident.edit.submit', { ...reportForm({ occurredDate: '2026-11-20', occurredTime: '22:15', correctionReason: 'The caller gave last Friday' }), ...data });
    expect(textOfCard(moved)).toContain('when it happened: "Tue, 24 Nov 2026, 21:30" → "Fri, 20 Nov 2026, 22:15"');
    expect(await rowsOf(reference)).toEqual(['stockport-2026-W47 history v1', 'stockport-2026-W47 history v2', 'stockport-2026-W47 incident v2']);
    expect(await listed(PRIYA, 'stockport')).toContain(reference);

    // The repeat-complaint index row is keyed by when it happened: the old one is gone, the new one points here.
    const hash = hashComplaintReference(ctx().config.referenceHashKey, 'TEN-0042');
    const mine = (await store().complaintIndex.listPartition(hash)).map((r) => r.value).filter((c) => c.reference === reference);
    expect(mine.map((c) => `${c.occurredAt} ${c.partitionKey}`)).toEqual(['2026-11-20T22:15:00.000Z stockport-2026-W47']);
    const correction = (await auditOf(store(), `incident:${reference}`)).find((e) => /corrected where or when/.test(e.note ?? ''));
    expect(correction!.note).toContain('happened Tue, 24 Nov 2026, 21:30 → Fri, 20 Nov 2026, 22:15');
  });

  it('within the same week is an ordinary edit; an edit card without the borough, date and time inputs leaves them as they are', async () => {
    const reference = await report({ area: 'Offerton', summary: 'Car windows smashed along the parade overnight.' });
    const { data } = await editCard(PRIYA, reference);
    const edited = await invoke(PRIYA, 'incident.edit.submit', { ...reportForm({ occurredDate: '2026-11-23', occurredTime: '23:00', correctionReason: 'It was Monday night' }), ...data });
    expect(textOfCard(edited)).toContain('when it happened: "Tue, 24 Nov 2026, 21:30" → "Mon, 23 Nov 2026, 23:00"');
    expect(await rowsOf(reference)).toEqual(['stockport-2026-W48 history v1', 'stockport-2026-W48 history v2', 'stockport-2026-W48 incident v2']);

    // A card posted before this change has no borough, date or time inputs: an edit from it keeps them.
    const { data: next } = await editCard(PRIYA, reference);
    const { borough: _b, occurredDate: _d, occurredTime: _t, ...older } = reportForm({ summary: 'Car windows smashed along the parade overnight; CCTV requested.' });
    const fromOldCard = await invoke(PRIYA, 'incident.edit.submit', { ...older, ...next });
    expect(textOfCard(fromOldCard)).toContain('CCTV requested');
    expect(textOfCard(fromOldCard)).not.toContain('when it happened: "Mon');
    expect(await rowsOf(reference)).toEqual(['stockport-2026-W48 history v1', 'stockport-2026-W48 history v2', 'stockport-2026-W48 history v3', 'stockport-2026-W48 incident v3']);
  });
});

describe('a move interrupted by a failure', () => {
  it('stopped after the new rows were written: counted once meanwhile; the next reader finishes it (lookup, lists, complaint index, audit) and the retry of the same card adds nothing', async () => {
    const place = { area: 'Reddish Vale', summary: 'Fly-tipping of builders waste along the lane again.' };
    const reference = await report(place);
    const { data } = await editCard(DAN, reference);
    const edit = { ...reportForm({ ...place, borough: 'tameside', correctionReason: 'Wrong borough picked' }), ...data };
    failOnce(store().incidentIndex, 'mutate'); // the reference lookup cannot be re-pointed
    const failed = await invoke(DAN, 'incident.edit.submit', edit);
    expect(textOfCard(failed)).toMatch(/Not saved/);
    expect(await rowsOf(reference)).toEqual([
      'stockport-2026-W48 history v1',
      'stockport-2026-W48 incident v1 moving',
      'tameside-2026-W48 history v1',
      'tameside-2026-W48 history v2',
      'tameside-2026-W48 incident v2',
    ]);
    // Two rows, one incident: the one being moved away is not counted.
    expect((await counted('stockport', reference)) + (await counted('tameside', reference))).toBe(1);

    // Dan never comes back: the next person to open it finishes the move, and what the edit card would have done next.
    expect(textOfCard(await invoke(TOM, 'incident.view', { reference }))).toContain('Reddish Vale, SK5 · Tameside');
    expect(await rowsOf(reference)).toEqual(['tameside-2026-W48 history v1', 'tameside-2026-W48 history v2', 'tameside-2026-W48 incident v2']);
    expect(await listed(PRIYA, 'tameside')).toContain(reference);
    expect(await listed(PRIYA, 'stockport')).not.toContain(reference);
    const hash = hashComplaintReference(ctx().config.referenceHashKey, 'TEN-0042');
    expect((await store().complaintIndex.listPartition(hash)).map((r) => r.value).filter((c) => c.reference === reference).map((c) => c.partitionKey)).toEqual(['tameside-2026-W48']);
    expect((await auditOf(store(), `incident:${reference}`)).filter((e) => /corrected where or when/.test(e.note ?? ''))).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ aadObjectId: DAN.aadObjectId }) }),
    ]);

    // Dan's retry of the same card: nothing twice.
    const again = await invoke(DAN, 'incident.edit.submit', edit);
    expect(textOfCard(again)).toContain('borough: "Stockport" → "Tameside"');
    expect(await rowsOf(reference)).toEqual(['tameside-2026-W48 history v1', 'tameside-2026-W48 history v2', 'tameside-2026-W48 incident v2']);
    expect((await store().incidentIndex.get({ partitionKey: reference, rowKey: 'i' }))?.value.partitionKey).toBe('tameside-2026-W48');
    expect((await auditOf(store(), `incident:${reference}`)).filter((e) => /corrected where or when/.test(e.note ?? ''))).toHaveLength(1);
  });

  it('stopped before the new rows were written: others see the old copy and wait; the retry of the same card finishes it', async () => {
    const place = { area: 'Heaton Mersey', summary: 'Graffiti sprayed on the community centre doors.' };
    const reference = await report(place);
    const { data } = await editCard(DAN, reference);
    const edit = { ...reportForm({ ...place, borough: 'tameside', correctionReason: 'Wrong borough picked' }), ...data };
    failOnce(store().incidents, 'transact', 2); // the first transaction records the intent; the second, the new rows, fails
    expect(textOfCard(await invoke(DAN, 'incident.edit.submit', edit))).toMatch(/Not saved/);
    expect(await rowsOf(reference)).toEqual(['stockport-2026-W48 history v1', 'stockport-2026-W48 incident v1 moving']);

    // Meanwhile the incident opens as it was, and an update by someone else is not lost over the move: it waits.
    expect(textOfCard(await invoke(TOM, 'incident.view', { reference }))).toContain('Heaton Mersey, SK5 · Stockport');
    const update = await invoke(TOM, 'incident.update.submit', { reference, submissionId: newSubmissionId(), note: 'Patrol passed at 22:00, nothing seen.' });
    expect(textOfCard(update)).toContain('it is being corrected right now');

    const again = await invoke(DAN, 'incident.edit.submit', edit);
    expect(textOfCard(again)).toContain('borough: "Stockport" → "Tameside"');
    expect(await rowsOf(reference)).toEqual(['tameside-2026-W48 history v1', 'tameside-2026-W48 history v2', 'tameside-2026-W48 incident v2']);
    expect(await listed(PRIYA, 'tameside')).toContain(reference);
  });

  it('abandoned before the new rows were written: undone after the lease, so the incident is not frozen for ever', async () => {
    const reference = await report({ area: 'Adswood', summary: 'Stones thrown at windows of the flats on the corner.' });
    const { data } = await editCard(DAN, reference);
    failOnce(store().incidents, 'transact', 2);
    await invoke(DAN, 'incident.edit.submit', { ...reportForm({ borough: 'tameside', correctionReason: 'Wrong borough picked' }), ...data });
    expect(await rowsOf(reference)).toEqual(['stockport-2026-W48 history v1', 'stockport-2026-W48 incident v1 moving']);

    bot.now.value = new Date('2026-11-25T10:05:00Z'); // past the two-minute lease
    const update = await invoke(TOM, 'incident.update.submit', { reference, submissionId: newSubmissionId(), note: 'Patrol passed at 22:00, nothing seen.' });
    expect(textOfCard(update)).toContain('Patrol passed at 22:00, nothing seen.');
    expect(await rowsOf(reference)).toEqual(['stockport-2026-W48 history v1', 'stockport-2026-W48 history v2', 'stockport-2026-W48 incident v2']);
  });
});
