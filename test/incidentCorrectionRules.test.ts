import { describe, expect, it } from 'vitest';
import { mayRecordIn } from '../bot/incidents/rules/incidentAccess';
import { validateIncidentForm } from '../bot/incidents/rules/incidentForm';
import { firstRecordedFact, historyLines } from '../bot/incidents/present';
import { correctionReasonProblem, MOVE_LEASE_MS, placement, settleAction } from '../bot/incidents/rules/correction';
import { incidentPartitionKey } from '../bot/incidents/tables';
import type { BoroughId } from '../bot/common/borough';
import { DEMO_ORGANISATIONS } from './support/demoDirectory';

/** The pure rules of correcting where and when an incident happened (issue 17). */

const TZ = 'Europe/London';
/** The Incidents table's partition key on the London calendar. */
const inLondon = (borough: BoroughId, occurredAt: string) => incidentPartitionKey(borough, occurredAt, TZ);
const intent = { to: 'tameside-2026-W48', version: 2, submissionId: 'abcdefgh12345678', at: '2026-11-25T10:00:00.000Z' };

describe('placement: where an incident lives before and after a correction', () => {
  it('moves with the borough, and with a date in another ISO week, not with a date in the same week', () => {
    const before = { borough: 'stockport' as const, occurredAt: '2026-11-24T21:30:00.000Z' };
    expect(placement(before, { ...before, borough: 'tameside' }, inLondon)).toEqual({ from: 'stockport-2026-W48', to: 'tameside-2026-W48', moves: true });
    expect(placement(before, { ...before, occurredAt: '2026-11-20T22:15:00.000Z' }, inLondon)).toMatchObject({ to: 'stockport-2026-W47', moves: true });
    expect(placement(before, { ...before, occurredAt: '2026-11-23T00:30:00.000Z' }, inLondon)).toMatchObject({ to: 'stockport-2026-W48', moves: false });
    // Weeks are counted on the London calendar: 23:30 UTC on Sunday 29 March 2026 is already Monday 00:30 BST, week 14.
    expect(placement(before, { ...before, occurredAt: '2026-03-29T23:30:00.000Z' }, inLondon).to).toBe('stockport-2026-W14');
  });
});

describe('settling a move found half done', () => {
  it('finishes when the new rows are all there, waits for its editor within the lease, undoes after it', () => {
    const at = Date.parse(intent.at);
    expect(settleAction(intent, true, new Date(at + 10 * MOVE_LEASE_MS))).toBe('finish');
    expect(settleAction(intent, true, new Date(at))).toBe('finish');
    expect(settleAction(intent, false, new Date(at + 1_000))).toBe('wait');
    expect(settleAction(intent, false, new Date(at + MOVE_LEASE_MS))).toBe('wait');
    expect(settleAction(intent, false, new Date(at + MOVE_LEASE_MS + 1))).toBe('undo');
  });
});

describe('the reason for a correction', () => {
  it('is required only when the borough, date or time changes, and is plain, short and free of personal data', () => {
    expect(correctionReasonProblem('', true)).toMatch(/Say why/);
    expect(correctionReasonProblem('   ', true)).toMatch(/Say why/);
    expect(correctionReasonProblem('', false)).toBeUndefined();
    expect(correctionReasonProblem('The wrong borough was picked in the report', true)).toBeUndefined();
    expect(correctionReasonProblem('x'.repeat(301), true)).toMatch(/301 characters long; the most is 300/);
    expect(correctionReasonProblem('see [this](http://evil.example)', true)).toBeDefined();
    expect(correctionReasonProblem('Complainant phone 07700 900123 gave the wrong date', true)).toBeDefined();
  });
});

describe('who may move an incident into a borough', () => {
  const org = (id: string) => DEMO_ORGANISATIONS.find((o) => o.id === id)!;
  it('an administrator anywhere; anyone else only where their organisation works', () => {
    const priya = { member: { roles: ['staff' as const], organisationId: 'stockport-homes' }, organisation: org('stockport-homes') };
    expect(mayRecordIn(priya, 'stockport')).toBe(true);
    expect(mayRecordIn(priya, 'tameside')).toBe(false);
    const dan = { member: { roles: ['staff' as const, 'admin' as const], organisationId: 'stockport-council' }, organisation: org('stockport-council') };
    expect(mayRecordIn(dan, 'tameside')).toBe(true);
    const pennine = { member: { roles: ['staff' as const], organisationId: 'pennine-edge-housing' }, organisation: org('pennine-edge-housing') };
    expect(mayRecordIn(pennine, 'rochdale')).toBe(true);
    expect(mayRecordIn(pennine, 'oldham')).toBe(true);
    expect(mayRecordIn(pennine, 'bury')).toBe(false);
    expect(mayRecordIn({}, 'stockport')).toBe(false);
  });
});

describe('the corrected date and time on the edit form', () => {
  const form = (date: string, time: string) => ({
    category: 'asb-nuisance', borough: 'stockport', area: 'Brinnington estate', postcodeDistrict: 'SK5', occurredDate: date, occurredTime: time,
    summary: 'Group of youths throwing stones at passing buses.', risk: 'standard', actions: 'reported-to-police', sharedWith: 'gmp', marking: 'OFFICIAL',
  });
  const env = (occurredAt: string) => ({
    now: new Date('2026-11-26T09:00:00Z'),
    timeZone: TZ,
    organisations: DEMO_ORGANISATIONS,
    editing: { occurredAt, reportedAt: '2026-11-25T10:00:00.000Z' },
  });

  it('keeps the stored instant when the form shows the same minute (it may carry seconds the form does not show)', () => {
    const stored = '2026-11-24T21:30:42.123Z';
    const r = validateIncidentForm(form('2026-11-24', '21:30'), env(stored));
    expect(r.ok && r.draft.occurredAt).toBe(stored);
  });

  it('refuses, beside the date, a time in the future, after it was reported, or more than a year before it was reported', () => {
    const stored = '2026-11-24T21:30:00.000Z';
    const errorFor = (date: string, time: string) => {
      const r = validateIncidentForm(form(date, time), env(stored));
      return r.ok ? undefined : r.errors.occurredDate;
    };
    expect(errorFor('2026-11-27', '09:00')).toMatch(/cannot have happened in the future/);
    expect(errorFor('2026-11-25', '18:00')).toBe('It was reported on 2026-11-25 at 10:00, so it cannot have happened later: check the date and time');
    expect(errorFor('2025-11-20', '10:00')).toMatch(/more than 365 days before it was reported: check the year/);
    expect(errorFor('2025-11-26', '10:00')).toBeUndefined();
    expect(errorFor('2026-11-25', '10:00')).toBeUndefined();
    const moved = validateIncidentForm(form('2026-11-20', '22:15'), env(stored));
    expect(moved.ok && moved.draft.occurredAt).toBe('2026-11-20T22:15:00.000Z');
  });
});

describe('what the history and the card say about a correction', () => {
  it('history shows borough names and local dates, not ids and instants', () => {
    const [line] = historyLines(
      [{
        kind: 'history', reference: 'STO-2026-000123', partitionKey: 'tameside-2026-W47', version: 2, type: 'edit', at: '2026-11-25T11:00:00.000Z',
        by: { aadObjectId: '00000000-0000-4000-8000-000000000004', organisationId: 'stockport-council', displayName: 'Dan Whitworth' },
        note: 'Reason for correcting the borough, date or time: wrong borough',
        changes: [{ field: 'borough', from: 'stockport', to: 'tameside' }, { field: 'occurredAt', from: '2026-11-24T21:30:00.000Z', to: '2026-07-20T21:15:00.000Z' }],
      }],
      TZ,
      DEMO_ORGANISATIONS,
    );
    expect(line!.text).toContain('• borough: "Stockport" → "Tameside"');
    // July is summer time: 21:15 UTC is 22:15 in London.
    expect(line!.text).toContain('• when it happened: "Tue, 24 Nov 2026, 21:30" → "Mon, 20 Jul 2026, 22:15"');
    expect(line!.text).toContain('Reason for correcting the borough, date or time: wrong borough');
  });

  it('a reference from another borough says where it was first recorded; one from its own borough says nothing', () => {
    expect(firstRecordedFact({ reference: 'STO-2026-000123', borough: 'tameside' })).toEqual([
      { title: 'Reference', value: 'Given in Stockport, where it was first recorded; the borough was corrected since, and a reference never changes' },
    ]);
    expect(firstRecordedFact({ reference: 'STO-2026-000123', borough: 'stockport' })).toEqual([]);
  });
});
