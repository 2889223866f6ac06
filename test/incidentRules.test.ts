import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideAccess, mayAddUpdate, mayEdit } from '../bot/incidents/rules/incidentAccess';
import { validateIncidentForm } from '../bot/incidents/rules/incidentForm';
import { announcedInChannels, redactIncident } from '../bot/incidents/rules/incidentRedaction';
import { isoWeekOf } from '../bot/common/isoWeek';
import { incidentPartitionKey } from '../bot/incidents/tables';
import { parsePoliceReference } from '../bot/incidents/rules/policeReference';
import { allocate, counterKey, RECENT_ALLOCATIONS } from '../bot/incidents/rules/referenceCounter';
import { anonymiseHistoryEntry, anonymiseIncident, isPastRetention, retentionCutoff } from '../bot/retention/rules/schedule';
import { markupProblem, personalDataProblem } from '../bot/common/plainText';
import { fromWallClock, toWallClock } from '../bot/common/timezone';
import { DEMO_ORGANISATIONS } from './support/demoDirectory';

const utc = (wall: { ok: boolean; instant?: Date }) => (wall.ok ? wall.instant!.toISOString() : wall);

describe('Europe/London wall clock to UTC across the clock changes', () => {
  it('last Sunday of March: 01:00–01:59 does not exist; before is GMT, after is BST', () => {
    expect(utc(fromWallClock('2026-03-29', '00:30'))).toBe('2026-03-29T00:30:00.000Z');
    expect(fromWallClock('2026-03-29', '01:00')).toEqual({ ok: false, reason: 'nonexistent' });
    expect(fromWallClock('2026-03-29', '01:59')).toEqual({ ok: false, reason: 'nonexistent' });
    expect(utc(fromWallClock('2026-03-29', '02:00'))).toBe('2026-03-29T01:00:00.000Z');
    expect(utc(fromWallClock('2027-03-28', '12:00'))).toBe('2027-03-28T11:00:00.000Z');
    expect(fromWallClock('2027-03-28', '01:15')).toEqual({ ok: false, reason: 'nonexistent' });
  });

  it('last Sunday of October: 01:00–01:59 happens twice and is read as the first (BST) hour', () => {
    expect(utc(fromWallClock('2026-10-25', '00:30'))).toBe('2026-10-24T23:30:00.000Z');
    expect(fromWallClock('2026-10-25', '01:30')).toEqual({ ok: true, instant: new Date('2026-10-25T00:30:00.000Z'), ambiguous: true });
    expect(utc(fromWallClock('2026-10-25', '02:30'))).toBe('2026-10-25T02:30:00.000Z');
    expect(utc(fromWallClock('2027-10-31', '01:59'))).toBe('2027-10-31T00:59:00.000Z');
    // Both UTC instants of the repeated hour read back as 01:30.
    expect(toWallClock('2026-10-25T00:30:00Z')).toEqual({ date: '2026-10-25', time: '01:30' });
    expect(toWallClock('2026-10-25T01:30:00Z')).toEqual({ date: '2026-10-25', time: '01:30' });
  });

  it('refuses dates and times that are not real', () => {
    for (const [d, t] of [['2026-02-29', '10:00'], ['2026-13-01', '10:00'], ['2026-11-25', '24:00'], ['25/11/2026', '10:00'], ['2026-11-25', '9:5']]) {
      expect(fromWallClock(d!, t!)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(utc(fromWallClock('2028-02-29', '10:00'))).toBe('2028-02-29T10:00:00.000Z');
  });

  it('round-trips every wall-clock minute that exists', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T23:59:00Z'), noInvalidDate: true }), (d) => {
        const wall = toWallClock(d);
        const back = fromWallClock(wall.date, wall.time);
        expect(back.ok).toBe(true);
        if (!back.ok) return;
        expect(toWallClock(back.instant)).toEqual(wall);
        // Only the repeated October hour may map to another instant (the first of the two).
        const minute = Math.floor(d.getTime() / 60_000) * 60_000;
        if (back.instant.getTime() !== minute) expect(back.ambiguous && back.instant.getTime() === minute - 3_600_000).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('ISO weeks and incident partitions', () => {
  it('follows ISO 8601 at year ends', () => {
    expect(isoWeekOf('2026-11-25')).toEqual({ year: 2026, week: 48 });
    expect(isoWeekOf('2026-01-01')).toEqual({ year: 2026, week: 1 });
    expect(isoWeekOf('2027-01-01')).toEqual({ year: 2026, week: 53 });
    expect(isoWeekOf('2024-12-30')).toEqual({ year: 2025, week: 1 });
    expect(isoWeekOf('2021-01-03')).toEqual({ year: 2020, week: 53 });
    expect(isoWeekOf('2026-12-28')).toEqual({ year: 2026, week: 53 });
  });

  it('puts an incident in the week of its local date in the configured zone', () => {
    expect(incidentPartitionKey('stockport', '2026-11-25T09:00:00Z', 'Europe/London')).toBe('stockport-2026-W48');
    // 23:30 UTC on Sunday 28 June is 00:30 BST on Monday 29 June: the next week.
    expect(incidentPartitionKey('wigan', '2026-06-28T23:30:00Z', 'Europe/London')).toBe('wigan-2026-W27');
    expect(incidentPartitionKey('wigan', '2026-11-29T23:30:00Z', 'Europe/London')).toBe('wigan-2026-W48');
    // 01:00 UTC on Monday 30 November is still Sunday evening in New York: the week before.
    expect(incidentPartitionKey('wigan', '2026-11-30T01:00:00Z', 'Europe/London')).toBe('wigan-2026-W49');
    expect(incidentPartitionKey('wigan', '2026-11-30T01:00:00Z', 'America/New_York')).toBe('wigan-2026-W48');
  });
});

describe('police references', () => {
  const now = new Date('2026-11-25T10:00:00Z');
  it.each([
    ['791 of 14/04/23', '791 of 14/04/23', 'log'],
    ['Log 0791 of 14/4/2023', '791 of 14/04/23', 'log'],
    ['log no. 12 OF 1.11.26', '12 of 01/11/26', 'log'],
    ['CRI/06AA/0012345/26', 'CRI/06AA/0012345/26', 'crime'],
    ['cri 06aa 12345 26', 'CRI/06AA/0012345/26', 'crime'],
    ['06AA0012345/26', 'CRI/06AA/0012345/26', 'crime'],
  ])('accepts %s as %s', (text, normalised, kind) => {
    expect(parsePoliceReference(text, now)).toEqual({ ok: true, value: { kind, normalised } });
  });

  it.each([
    ['791', /not a police reference/],
    ['791 of 32/01/23', /not a real date/],
    ['791 of 26/11/27', /future/],
    ['0 of 14/04/23', /cannot be 0/],
    ['CRI/06AA/0012345/27', /future/],
    ['CRI/06A/0012345/26', /not a police reference/],
    ['CRI/06AA/00123456789/26', /not a police reference/],
    ['<script>', /not a police reference/],
  ])('refuses %s', (text, message) => {
    const r = parsePoliceReference(text, now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});

describe('free-text checks', () => {
  it('lets ordinary plain text through', () => {
    for (const text of [
      'Group of youths throwing stones at passing buses near the shops.',
      'Two cars damaged on the car park; 3 suspects left on e-bikes towards the park - police called.',
      "Resident's door kicked in (again) at around 9pm.",
    ]) {
      expect(markupProblem(text)).toBeUndefined();
      expect(personalDataProblem(text)).toBeUndefined();
    }
  });

  it('names what it found, so the reporter knows what to remove', () => {
    expect(personalDataProblem('DOB 12/03/2009, youth seen')?.message).toMatch(/date of birth/);
    expect(personalDataProblem('Aged 15, seen with others')?.message).toMatch(/an age/);
    expect(personalDataProblem('Ring 0161 496 0000 for access')?.message).toMatch(/phone number/);
    expect(personalDataProblem('Ring +44 7700 900123 for access')?.message).toMatch(/phone number/);
    expect(personalDataProblem('Seen on 3rd March 2026 near shops')?.message).toMatch(/full date/);
    expect(personalDataProblem('Mrs Patel reported it')?.message).toMatch(/name/);
    expect(personalDataProblem('Noise from flat 12 every night')?.message).toMatch(/flat number/);
    expect(markupProblem('text with \u202e hidden direction')?.message).toMatch(/control characters/);
    expect(markupProblem('<a href="x">link</a>')?.message).toMatch(/HTML tags/);
    expect(markupProblem('see www.example.com')?.message).toMatch(/web links/);
  });
});

describe('access decisions', () => {
  const incident = { reporterOrganisationId: 'stockport-homes', sharedWith: ['gmp', 'stockport-council'] };
  const viewer = (organisationId: string, kind: string, roles: ('staff' | 'admin')[] = ['staff']) => ({
    member: { organisationId, roles },
    organisation: { id: organisationId, kind: kind as 'landlord' },
  });

  it('grants the reporter\'s organisation, those shared with, the police and admins; others see only that it exists', () => {
    expect(decideAccess(viewer('stockport-homes', 'landlord'), incident)).toEqual({ level: 'details', grant: 'reporter-organisation' });
    expect(decideAccess(viewer('stockport-council', 'council'), incident)).toEqual({ level: 'details', grant: 'shared-with' });
    expect(decideAccess(viewer('gmp', 'police'), { ...incident, sharedWith: [] })).toEqual({ level: 'details', grant: 'police' });
    expect(decideAccess(viewer('salix-homes', 'landlord', ['staff', 'admin']), incident)).toEqual({ level: 'details', grant: 'admin' });
    expect(decideAccess(viewer('salix-homes', 'landlord'), incident).level).toBe('existence');
    expect(decideAccess({}, incident).level).toBe('none');
  });

  it('lets only the reporting organisation and admins edit, and anyone with access add updates', () => {
    expect(mayEdit(viewer('stockport-homes', 'landlord'), incident)).toBe(true);
    expect(mayEdit(viewer('gmp', 'police'), incident)).toBe(false);
    expect(mayEdit(viewer('salix-homes', 'landlord', ['admin']), incident)).toBe(true);
    expect(mayAddUpdate(viewer('gmp', 'police'), incident)).toBe(true);
    expect(mayAddUpdate(viewer('salix-homes', 'landlord'), incident)).toBe(false);
  });
});

describe('reference counters', () => {
  it('count up per borough and local year, and give a submission its number back', () => {
    expect(counterKey('stockport', new Date('2026-12-31T23:30:00Z'))).toEqual({ key: 'STO-2026', code: 'STO', year: 2026 });
    // The year is the local one: 23:30 on 31 December is still 2026, 00:30 on 1 January is 2027.
    expect(counterKey('wigan', new Date('2027-01-01T00:30:00Z')).key).toBe('WIG-2027');
    const a = allocate(undefined, 'STO-2026', 'sub-a');
    expect([a.sequence, a.changed]).toEqual([1, true]);
    const b = allocate(a.next, 'STO-2026', 'sub-b');
    expect(b.sequence).toBe(2);
    expect(allocate(b.next, 'STO-2026', 'sub-a')).toEqual({ next: b.next, sequence: 1, changed: false });
  });

  it('remembers a bounded window of recent allocations', () => {
    let state = allocate(undefined, 'BOL-2026', 's0').next;
    for (let i = 1; i <= RECENT_ALLOCATIONS + 5; i++) state = allocate(state, 'BOL-2026', `s${i}`).next;
    expect(state.recent).toHaveLength(RECENT_ALLOCATIONS);
    expect(state.last).toBe(RECENT_ALLOCATIONS + 6);
    expect(allocate(state, 'BOL-2026', 's0').changed).toBe(true); // fell out of the window: a new number
  });
});

describe('redaction', () => {
  it('keeps only reference, category, borough, district, risk and reporting organisation', () => {
    const r = redactIncident({ reference: 'STO-2026-000001', category: 'weapons', borough: 'stockport', postcodeDistrict: 'SK5', risk: 'high' }, 'Stockport Homes');
    expect(Object.keys(r).sort()).toEqual(['borough', 'category', 'postcodeDistrict', 'reference', 'reporterOrganisation', 'risk', 'riskLabel']);
    expect(announcedInChannels('standard')).toBe(false);
    expect(announcedInChannels('medium')).toBe(true);
  });
});

describe('retention', () => {
  it('counts calendar months back, clamping at month ends', () => {
    expect(retentionCutoff(new Date('2027-12-26T02:30:00Z'), 13).toISOString()).toBe('2026-11-26T02:30:00.000Z');
    expect(retentionCutoff(new Date('2027-12-31T02:30:00Z'), 13).toISOString()).toBe('2026-11-30T02:30:00.000Z');
    expect(retentionCutoff(new Date('2028-03-31T00:00:00Z'), 1).toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(isPastRetention('2026-11-25T10:00:00Z', new Date('2027-12-25T10:00:00Z'), 13)).toBe(false);
    expect(isPastRetention('2026-11-25T10:00:00Z', new Date('2027-12-25T10:00:01Z'), 13)).toBe(true);
  });

  it('clears free text and reports only the names of what it cleared', () => {
    const { value, erased } = anonymiseIncident(
      { summary: 'Youths', area: 'Estate', policeReference: '1 of 01/01/26', restricted: { details: 'x' }, people: { victims: 1 } },
      new Date('2028-01-01T00:00:00Z'),
    );
    expect(value).toEqual({ summary: '', area: '', restricted: {}, people: { victims: 1 }, anonymisedAt: '2028-01-01T00:00:00.000Z' });
    expect(erased).toEqual(['summary', 'area', 'police reference', 'details']);
    expect(anonymiseHistoryEntry({ note: 'n', changes: [{ field: 'summary', from: 'a', to: 'b' }] })).toEqual({
      value: { changes: [{ field: 'summary' }] },
      erased: true,
    });
  });
});

describe('the form rules', () => {
  const env = { now: new Date('2026-11-25T10:00:00Z'), timeZone: 'Europe/London', organisations: DEMO_ORGANISATIONS };
  const raw = {
    category: 'hate-crime',
    hateCrimeStrand: 'race',
    borough: 'salford',
    area: 'Ordsall',
    postcodeDistrict: 'm5',
    occurredDate: '2026-11-24',
    occurredTime: '23:15',
    summary: 'Racist graffiti painted on a front door overnight.',
    victims: 1,
    vulnerablePerson: true,
    risk: 'high',
    actions: ['reported-to-police'],
    sharedWith: 'salford-council',
    marking: 'OFFICIAL-SENSITIVE',
    policeReference: 'cri 06aa 12345 26',
  };

  it('turns a good form into a draft: normalised, police always included', () => {
    const r = validateIncidentForm(raw, env);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.draft).toMatchObject({
      postcodeDistrict: 'M5',
      occurredAt: '2026-11-24T23:15:00.000Z',
      policeReference: 'CRI/06AA/0012345/26',
      sharedWith: ['gmp', 'salford-council'],
      people: { victims: 1, suspects: 0, witnesses: 0, vulnerablePerson: true, childrenPresent: false },
    });
  });

  it('shows every problem with a field at once, not one per submit', () => {
    const problemsOf = (summary: string) => {
      const r = validateIncidentForm({ ...raw, summary }, env);
      return r.ok ? [] : r.errors.summary!.split(' · ');
    };
    expect(problemsOf('<b>ab')).toEqual([expect.stringContaining('needs at least'), expect.stringContaining('HTML')]);
    expect(problemsOf('<b>Call back on 07700 900123')).toEqual([expect.stringContaining('HTML'), expect.stringContaining('a phone number')]);
  });

  it('accepts only real UK postcode districts (outward codes)', () => {
    for (const good of ['SK5', 'm14', 'BL1', 'OL16', 'WN8', 'W1A', 'EC1A', 'SW1A', 'N1C']) {
      const r = validateIncidentForm({ ...raw, postcodeDistrict: good }, env);
      expect({ good, ok: r.ok }).toEqual({ good, ok: true });
    }
    for (const bad of ['SK5Q', 'M1Q', 'QK5', 'SK', '5SK', 'EC1Z', 'SKA1']) {
      const r = validateIncidentForm({ ...raw, postcodeDistrict: bad }, env);
      expect(r.ok).toBe(false);
      if (!r.ok) expect({ bad, error: r.errors.postcodeDistrict }).toEqual({ bad, error: expect.stringMatching(/postcode/) });
    }
  });

  it('reads a non-object as an empty form, with a message for each required field', () => {
    for (const input of [null, 'text', [1, 2], 42]) {
      const r = validateIncidentForm(input, env);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['actions', 'area', 'borough', 'category', 'marking', 'occurredDate', 'occurredTime', 'postcodeDistrict', 'risk', 'summary']);
    }
  });
});
