import { describe, expect, it } from 'vitest';
import { JointOperation, operationIdFor, boroughOfOperationId } from '../bot/operations/model';
import { canManage, canRecordOutcomes, canSchedule, canSeeBriefing, outcomesRecipients } from '../bot/operations/rules/access';
import { parseOperationForm, parseOutcomesForm, parseRescheduleForm } from '../bot/operations/rules/form';
import { summariseJointActions } from '../bot/operations/rules/summary';
import { TimelineRow, timelineRowOf } from '../bot/operations/tables';
import { allReminders, decideReminder, describeUntil, planReminders, shiftByLocalDays } from '../bot/operations/rules/reminderSchedule';
import type { Member } from '../bot/common/member';

const TZ = 'Europe/London';
const TOM = '00000000-0000-4000-8000-000000000002';
const PRIYA = '00000000-0000-4000-8000-000000000001';
const AISHA = '00000000-0000-4000-8000-000000000005';

function op(startsAt: string, endsAt: string, extra: Partial<JointOperation> = {}): JointOperation {
  return JointOperation.parse({
    id: 'OP-STO-7K3Q9M',
    name: 'Brinnington day of action',
    type: 'day-of-action',
    borough: 'stockport',
    area: 'Brinnington',
    startsAt,
    endsAt,
    leadOrganisationId: 'gmp',
    partnerOrganisationIds: ['stockport-homes'],
    participants: [PRIYA, TOM],
    coordinator: TOM,
    linkedIncidents: [],
    reminderOffsetsMin: [10080, 1440, 120],
    outcomesAfterMin: 1440,
    status: 'scheduled',
    ...extra,
  });
}

const dues = (o: JointOperation) => Object.fromEntries(allReminders(o, TZ).map((r) => [r.id.replace(/^.*-v\d+-/, ''), r.dueAt]));

describe('reminder times across the clock changes (Europe/London, stored in UTC)', () => {
  it('spring 2026 (clocks forward Sun 29 March): "7 days before" a BST start is the same wall time in GMT', () => {
    // Sat 4 April 2026 09:00 BST = 08:00Z
    expect(dues(op('2026-04-04T08:00:00.000Z', '2026-04-04T15:00:00.000Z'))).toEqual({
      b10080: '2026-03-28T09:00:00.000Z', // Sat 28 March 09:00 GMT
      b1440: '2026-04-03T08:00:00.000Z', // Fri 3 April 09:00 BST
      b120: '2026-04-04T06:00:00.000Z', // 07:00 BST
      out: '2026-04-05T15:00:00.000Z', // Sun 5 April 16:00 BST
    });
  });

  it('spring 2026: an operation the day after the change, and one on the day itself', () => {
    // Mon 30 March 09:00 BST: a day before is Sunday 29th 09:00 BST (after the change)
    expect(dues(op('2026-03-30T08:00:00.000Z', '2026-03-30T12:00:00.000Z'))).toMatchObject({
      b10080: '2026-03-23T09:00:00.000Z',
      b1440: '2026-03-29T08:00:00.000Z',
      b120: '2026-03-30T06:00:00.000Z',
    });
    // Sun 29 March 10:00 BST: a day before is Saturday 10:00 GMT (25 hours earlier); 2 hours before is 08:00 BST
    expect(dues(op('2026-03-29T09:00:00.000Z', '2026-03-29T12:00:00.000Z'))).toMatchObject({
      b1440: '2026-03-28T10:00:00.000Z',
      b120: '2026-03-29T07:00:00.000Z',
    });
  });

  it('autumn 2026 (clocks back Sun 25 October): GMT start, BST reminders, and outcomes across the change', () => {
    // Mon 26 October 09:00 GMT = 09:00Z, ends 17:00 GMT
    expect(dues(op('2026-10-26T09:00:00.000Z', '2026-10-26T17:00:00.000Z'))).toEqual({
      b10080: '2026-10-19T08:00:00.000Z', // Mon 19 October 09:00 BST
      b1440: '2026-10-25T09:00:00.000Z', // Sun 25 October 09:00 GMT
      b120: '2026-10-26T07:00:00.000Z',
      out: '2026-10-27T17:00:00.000Z',
    });
    // Ends Sat 24 October 18:00 BST: outcomes a day later are Sunday 18:00 GMT, 25 hours on
    expect(dues(op('2026-10-24T08:00:00.000Z', '2026-10-24T17:00:00.000Z')).out).toBe('2026-10-25T18:00:00.000Z');
  });

  it('2027 (28 March and 31 October) gives the same wall-clock times', () => {
    expect(dues(op('2027-04-03T08:00:00.000Z', '2027-04-03T12:00:00.000Z'))).toMatchObject({
      b10080: '2027-03-27T09:00:00.000Z', // Sat 27 March 09:00 GMT
      b1440: '2027-04-02T08:00:00.000Z',
    });
    expect(dues(op('2027-11-06T09:00:00.000Z', '2027-11-06T12:00:00.000Z'))).toMatchObject({
      b10080: '2027-10-30T08:00:00.000Z', // Sat 30 October 09:00 BST
      b1440: '2027-11-05T09:00:00.000Z',
    });
    // Mon 1 November 2027 08:00 GMT: a day before is Sunday 31st, the day of the change, 08:00 GMT
    expect(dues(op('2027-11-01T08:00:00.000Z', '2027-11-01T12:00:00.000Z')).b1440).toBe('2027-10-31T08:00:00.000Z');
  });

  it('a wall time the clocks skip is read as calendars do: 01:30 on 29 March 2026 becomes 02:30 BST', () => {
    expect(shiftByLocalDays(new Date('2026-04-05T00:30:00.000Z'), -7, TZ).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('leaves out "before" reminders already past when planning, and always keeps the outcomes request', () => {
    const o = op('2026-12-03T09:00:00.000Z', '2026-12-03T15:00:00.000Z');
    const planned = planReminders(o, new Date('2026-11-30T10:00:00Z'), TZ).map((r) => r.id);
    expect(planned).toEqual(['OP-STO-7K3Q9M-v1-b1440', 'OP-STO-7K3Q9M-v1-b120', 'OP-STO-7K3Q9M-v1-out']);
  });
});

describe('what to do with a due reminder', () => {
  const o = op('2026-12-03T09:00:00.000Z', '2026-12-03T15:00:00.000Z');
  const before = { kind: 'before' as const, dueAt: '2026-12-03T07:00:00.000Z', subjectVersion: 1 };
  const outcomes = { kind: 'outcomes' as const, dueAt: '2026-12-04T15:00:00.000Z', subjectVersion: 1 };

  it('sends on time, or late after downtime', () => {
    expect(decideReminder(before, o, new Date('2026-12-03T07:00:30Z'))).toEqual({ action: 'send', late: false });
    expect(decideReminder(before, o, new Date('2026-12-03T09:00:00Z'))).toEqual({ action: 'send', late: true });
  });

  it('once the operation has ended only the outcomes request goes', () => {
    const after = new Date('2026-12-05T09:00:00Z');
    expect(decideReminder(before, o, after)).toMatchObject({ action: 'drop', status: 'skipped', reason: 'the operation had already ended' });
    expect(decideReminder(outcomes, o, after)).toEqual({ action: 'send', late: true });
  });

  it('drops reminders of a cancelled, moved or completed operation', () => {
    const now = new Date('2026-12-03T07:00:00Z');
    expect(decideReminder(before, { ...o, status: 'cancelled' }, now)).toMatchObject({ action: 'drop', status: 'cancelled' });
    expect(decideReminder(before, { ...o, version: 2 }, now)).toMatchObject({ action: 'drop', reason: 'the operation was rescheduled' });
    expect(decideReminder(outcomes, { ...o, status: 'completed' }, now)).toMatchObject({ action: 'drop', reason: 'the outcomes were already recorded' });
    expect(decideReminder(before, undefined, now)).toMatchObject({ action: 'drop', status: 'cancelled' });
  });

  it('says how far off the start is', () => {
    expect([7 * 86400_000, 86400_000, 2 * 3600_000, 25 * 60_000, 0].map(describeUntil)).toEqual(['in 7 days', 'in 24 hours', 'in 2 hours', 'in 25 minutes', 'now']);
  });
});

describe('the scheduling form', () => {
  const ctx = {
    now: new Date('2026-03-20T10:00:00Z'),
    timeZone: TZ,
    organisationIds: new Set(['gmp', 'stockport-homes', 'stockport-council']),
    memberIds: new Set([TOM, PRIYA]),
  };
  const good = {
    name: 'Brinnington day of action', type: 'day-of-action', borough: 'stockport', area: 'Brinnington',
    startDate: '2026-04-04', startTime: '09:00', endDate: '2026-04-04', endTime: '16:00',
    lead: 'gmp', partners: 'stockport-homes,stockport-council', participants: `${PRIYA},${TOM}`,
    briefing: 'Meet at the police office.', incidents: 'sto-2026-000123', reminders: '10080,1440,120', outcomesAfter: '1440',
  };

  it('turns London wall times into UTC and tidies the lists', () => {
    const r = parseOperationForm(good, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      startsAt: '2026-04-04T08:00:00.000Z',
      endsAt: '2026-04-04T15:00:00.000Z',
      partnerOrganisationIds: ['stockport-homes', 'stockport-council'],
      linkedIncidents: ['STO-2026-000123'],
      reminderOffsetsMin: [10080, 1440, 120],
    });
  });

  it('puts an error beside each bad field and keeps every value', () => {
    const bad = { ...good, name: 'x', area: '12 Hall Street, SK5 7AB', startDate: '2026-03-29', startTime: '01:30', participants: '', lead: 'gmp', partners: 'gmp', reminders: '999' };
    const r = parseOperationForm(bad, ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.values.area).toBe('12 Hall Street, SK5 7AB');
    expect(Object.keys(r.errors).sort()).toEqual(['area', 'name', 'participants', 'partners', 'reminders', 'startTime']);
    expect(r.errors.startTime).toMatch(/01:30 does not exist on 2026-03-29/);
    expect(r.errors.area).toMatch(/not an address/);
  });

  it('refuses a past start, an end before the start, and strangers', () => {
    const r = parseOperationForm({ ...good, startDate: '2026-03-01', endDate: '2026-02-28', participants: '00000000-0000-4000-8000-0000000000ff' }, ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toMatchObject({ startDate: 'the start must be in the future', endTime: 'it must end after it starts', participants: expect.stringMatching(/from the list/) });
  });

  it('takes the first 01:30 when the clocks go back (BST), as the card says', () => {
    const r = parseRescheduleForm({ startDate: '2026-10-25', startTime: '01:30', endDate: '2026-10-25', endTime: '04:00' }, { now: ctx.now, timeZone: TZ });
    expect(r.ok && r.value).toEqual({ startsAt: '2026-10-25T00:30:00.000Z', endsAt: '2026-10-25T04:00:00.000Z' });
  });

  it('validates outcomes as whole numbers', () => {
    const r = parseOutcomesForm({ arrests: '3', warrantsExecuted: '-1', premisesClosed: 'two', vehiclesSeized: '', referrals: '100000', notes: '' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual({
      warrantsExecuted: 'a whole number, 0 or more',
      premisesClosed: 'a whole number, 0 or more',
      vehiclesSeized: 'enter a number (0 if none)',
      referrals: 'at most 9999',
    });
    expect(parseOutcomesForm({ arrests: '3', warrantsExecuted: '1', premisesClosed: '0', vehiclesSeized: '2', referrals: '4', notes: ' ok ' })).toMatchObject({
      ok: true,
      value: { arrests: 3, warrantsExecuted: 1, premisesClosed: 0, vehiclesSeized: 2, referrals: 4, notes: 'ok' },
    });
  });
});

describe('who may do what', () => {
  const m = (id: string, organisationId: string, roles: Member['roles']): Member => ({ aadObjectId: id, displayName: id, organisationId, roles, leadsThemes: [] });
  const tom = m(TOM, 'gmp', ['staff', 'coordinator']);
  const priya = m(PRIYA, 'stockport-homes', ['staff']);
  const aisha = m(AISHA, 'salix-homes', ['staff']);
  const admin = m('00000000-0000-4000-8000-000000000004', 'stockport-council', ['staff', 'admin']);
  const o = op('2026-12-03T09:00:00.000Z', '2026-12-03T15:00:00.000Z', { participants: [PRIYA, AISHA], leadOrganisationId: 'stockport-homes', partnerOrganisationIds: ['gmp'] });

  it('only coordinators schedule; the coordinator or an admin manages', () => {
    expect([tom, priya, admin, undefined].map(canSchedule)).toEqual([true, false, false, false]);
    expect([tom, priya, admin].map((x) => canManage(x, o))).toEqual([true, false, true]);
  });

  it('the briefing is for participants; outcomes are for the coordinator and the lead agency', () => {
    expect([tom, priya, aisha, admin, m('00000000-0000-4000-8000-000000000003', 'gmp', ['staff'])].map((x) => canSeeBriefing(x, o))).toEqual([true, true, true, true, false]);
    expect([tom, priya, aisha].map((x) => canRecordOutcomes(x, o))).toEqual([true, true, false]);
    expect(outcomesRecipients(o, new Map([[PRIYA, priya], [AISHA, aisha]]))).toEqual([TOM, PRIYA]);
  });
});

describe('ids and the digest summary', () => {
  it('an operation id is stable per card instance and names its borough', () => {
    const id = operationIdFor('stockport', '6f1c2a4e-3b5d-4c7e-9f10-112233445566');
    expect(id).toMatch(/^OP-STO-[0-9A-Z]{6}$/);
    expect(operationIdFor('stockport', '6f1c2a4e-3b5d-4c7e-9f10-112233445566')).toBe(id);
    expect(boroughOfOperationId(id.toLowerCase())?.id).toBe('stockport');
    expect(boroughOfOperationId('OP-XXX-123456')).toBeUndefined();
  });

  it('totals the outcomes of operations completed in the period and lists upcoming ones, by borough', () => {
    const outcomes = (n: number) => ({ arrests: n, warrantsExecuted: 1, premisesClosed: 0, vehiclesSeized: 2, referrals: 3, notes: '', recordedBy: TOM, recordedAt: '2026-11-20T10:00:00.000Z' });
    const ops = [
      op('2026-11-17T09:00:00.000Z', '2026-11-17T15:00:00.000Z', { id: 'OP-STO-AAAAAA', status: 'completed', outcomes: outcomes(5) }),
      op('2026-11-18T09:00:00.000Z', '2026-11-18T15:00:00.000Z', { id: 'OP-STO-BBBBBB', status: 'completed', outcomes: outcomes(2) }),
      op('2026-11-19T09:00:00.000Z', '2026-11-19T15:00:00.000Z', { id: 'OP-STO-CCCCCC' }),
      op('2026-11-19T09:00:00.000Z', '2026-11-19T15:00:00.000Z', { id: 'OP-STO-DDDDDD', status: 'cancelled', cancelledAt: '2026-11-18T09:00:00.000Z' }),
      op('2026-11-19T09:00:00.000Z', '2026-11-19T15:00:00.000Z', { id: 'OP-SAL-EEEEEE', borough: 'salford', status: 'completed', outcomes: outcomes(9) }),
      op('2026-11-24T09:00:00.000Z', '2026-11-24T15:00:00.000Z', { id: 'OP-STO-FFFFFF' }),
      op('2026-12-24T09:00:00.000Z', '2026-12-24T15:00:00.000Z', { id: 'OP-STO-GGGGGG' }),
    ];
    const s = summariseJointActions(ops, {
      boroughs: ['stockport'],
      from: new Date('2026-11-16T00:00:00Z'),
      to: new Date('2026-11-23T00:00:00Z'),
      upcomingUntil: new Date('2026-12-07T00:00:00Z'),
    });
    expect(s.completed.map((l) => l.id)).toEqual(['OP-STO-AAAAAA', 'OP-STO-BBBBBB', 'OP-STO-CCCCCC']);
    expect(s.totals).toEqual({ arrests: 7, warrantsExecuted: 2, premisesClosed: 0, vehiclesSeized: 4, referrals: 6 });
    expect([s.withOutcomes, s.awaitingOutcomes]).toEqual([2, 1]);
    expect(s.upcoming.map((l) => l.id)).toEqual(['OP-STO-FFFFFF']);
  });

  it('the upcoming list\'s timeline row and the digest\'s line copy the same fields of an operation, and nothing restricted', () => {
    const full = op('2026-11-24T09:00:00.000Z', '2026-11-24T15:00:00.000Z', { briefing: 'Meet at the rear entrance', version: 3 });
    const line = { id: full.id, name: full.name, type: full.type, borough: full.borough, area: full.area, startsAt: full.startsAt, endsAt: full.endsAt, leadOrganisationId: full.leadOrganisationId };
    expect(timelineRowOf(full)).toEqual({ kind: 'timeline', ...line, version: 3 });
    const digestLine = summariseJointActions([full], { from: new Date('2026-11-16T00:00:00Z'), to: new Date('2026-11-23T00:00:00Z'), upcomingUntil: new Date('2026-12-07T00:00:00Z') }).upcoming[0];
    expect(digestLine).toEqual(line);
    // The stored row parses back to itself: the schema and the copy name the same fields.
    expect(TimelineRow.parse(timelineRowOf(full))).toEqual(timelineRowOf(full));
    expect(JSON.stringify(timelineRowOf(full))).not.toMatch(/rear entrance|participants|coordinator/);
  });
});
