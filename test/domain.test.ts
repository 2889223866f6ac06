import { describe, expect, it } from 'vitest';
import { Alert } from '../bot/alerts/model';
import { AuditEvent } from '../bot/audit/event';
import { findBorough } from '../bot/common/borough';
import { ConversationReference } from '../bot/conversation/model';
import { formatIncidentReference, IncidentSummary } from '../bot/incidents/rules/incident';
import { Member } from '../bot/common/member';
import { JointOperation, Reminder } from '../bot/operations/model';
import { Organisation } from '../bot/common/organisation';
import { PrioritySet } from '../bot/priorities/model';
import { Theme } from '../bot/common/theme';
import { DEMO_MEMBERS, DEMO_ORGANISATIONS, DEMO_THEMES } from './support/demoDirectory';

const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) => r.error?.issues.map((i) => i.message) ?? [];
const ID = '00000000-0000-4000-8000-000000000001';

describe('boroughs', () => {
  it('are found by id, code or name in any case', () => {
    expect(findBorough('Stockport')?.code).toBe('STO');
    expect(findBorough('wig')?.name).toBe('Wigan');
    expect(findBorough('Cheshire')).toBeUndefined();
  });
});

describe('organisations and members', () => {
  it('an organisation serves at least one borough, each once', () => {
    expect(messages(Organisation.safeParse({ id: 'x-homes', name: 'X Homes', kind: 'landlord', boroughs: [] }))).toContain('an organisation serves at least one borough');
    expect(messages(Organisation.safeParse({ id: 'x-homes', name: 'X Homes', kind: 'landlord', boroughs: ['bury', 'bury'] }))).toContain('boroughs are listed once each');
  });

  it('a theme lead leads a theme, and only theme leads do', () => {
    const base = { aadObjectId: ID, displayName: 'A', organisationId: 'gmp' };
    expect(messages(Member.safeParse({ ...base, roles: ['themeLead'], leadsThemes: [] }))).toContain('a theme lead leads at least one theme');
    expect(messages(Member.safeParse({ ...base, roles: ['staff'], leadsThemes: ['crime'] }))).toContain('only theme leads lead themes');
    expect(Member.safeParse({ ...base, roles: ['staff'] }).success).toBe(true);
  });

  it('the demo data set is valid and consistent: every member belongs to a known organisation and leads known themes', () => {
    const orgs = new Set(DEMO_ORGANISATIONS.map((o) => Organisation.parse(o).id));
    const themes = new Set(DEMO_THEMES.map((t) => Theme.parse(t).id));
    for (const m of DEMO_MEMBERS) {
      Member.parse(m);
      expect(orgs.has(m.organisationId)).toBe(true);
      for (const t of m.leadsThemes) expect(themes.has(t)).toBe(true);
    }
    const served = new Set(DEMO_ORGANISATIONS.filter((o) => o.kind === 'landlord').flatMap((o) => o.boroughs));
    expect(served.size).toBe(10);
  });
});

describe('priorities', () => {
  const set = {
    borough: 'stockport',
    version: 1,
    effectiveFrom: '2026-04-01',
    publishedAt: '2026-04-01T09:00:00Z',
    publishedBy: ID,
    priorities: [{ themeId: 'public-safety', title: 'Residential burglary' }],
  };
  it('an update (version 2+) says what changed', () => {
    expect(PrioritySet.safeParse(set).success).toBe(true);
    expect(messages(PrioritySet.safeParse({ ...set, version: 2 }))).toContain('an update says what changed');
  });
  it('a priority appears once under its theme', () => {
    const dup = { ...set, priorities: [...set.priorities, { themeId: 'public-safety', title: 'residential burglary' }] };
    expect(messages(PrioritySet.safeParse(dup))).toContain('a priority appears once under its theme');
  });
});

describe('incident summaries', () => {
  const incident = {
    reference: 'STO-2026-000123',
    borough: 'stockport',
    category: 'asb-nuisance',
    area: 'Brinnington',
    postcodeDistrict: 'sk5',
    occurredAt: '2026-11-24T21:30:00Z',
    reportedAt: '2026-11-25T08:10:00Z',
    summary: 'Group of youths on e-bikes riding on footpaths and shouting at residents.',
    people: { victims: 0, suspects: 5, witnesses: 2, vulnerablePerson: false, childrenPresent: true },
    risk: 'medium',
    actions: ['reported-to-police'],
    sharedWith: ['gmp'],
    marking: 'OFFICIAL-SENSITIVE',
    reporter: { aadObjectId: ID, organisationId: 'stockport-homes' },
    restricted: {},
  };
  it('normalises the postcode district and accepts a valid summary', () => {
    expect(IncidentSummary.parse(incident).postcodeDistrict).toBe('SK5');
  });
  it('cannot have happened after it was reported', () => {
    expect(messages(IncidentSummary.safeParse({ ...incident, occurredAt: '2026-11-26T00:00:00Z' }))).toContain('it cannot have happened after it was reported');
  });
  it('refuses a full postcode where only the district belongs', () => {
    expect(IncidentSummary.safeParse({ ...incident, postcodeDistrict: 'SK5 7AB' }).success).toBe(false);
  });
  it('a hate crime has a strand, and only a hate crime', () => {
    expect(messages(IncidentSummary.safeParse({ ...incident, category: 'hate-crime' }))).toContain('a hate crime has a strand, and only a hate crime');
    expect(IncidentSummary.safeParse({ ...incident, category: 'hate-crime', hateCrimeStrand: 'race' }).success).toBe(true);
  });
  it('"none yet" stands alone among actions, and the reference belongs to the borough', () => {
    expect(messages(IncidentSummary.safeParse({ ...incident, actions: ['none-yet', 'tenancy-warning'] }))).toContain('"none yet" cannot be combined with actions taken');
    expect(messages(IncidentSummary.safeParse({ ...incident, reference: 'WIG-2026-000001' }))).toContain("the reference belongs to the incident's borough");
  });
  it('formats references per borough and year with six digits', () => {
    expect(formatIncidentReference('STO', 2026, 123)).toBe('STO-2026-000123');
    expect(() => formatIncidentReference('STO', 2026, 0)).toThrow(RangeError);
    expect(() => formatIncidentReference('STO', 2026, 1_000_000)).toThrow(RangeError);
  });
});

describe('alerts, operations and reminders', () => {
  it('an alert expires after it is raised, within 90 days', () => {
    const alert = {
      id: 'alert-1', severity: 'high', boroughs: ['salford'], themeId: 'public-safety', title: 'Closure order granted',
      body: 'Closure order granted on a flat in Pendleton for 3 months.', raisedAt: '2026-11-25T10:00:00Z', expiresAt: '2026-11-24T10:00:00Z',
      raisedBy: { organisationId: 'gmp', displayName: 'Salford district' }, marking: 'OFFICIAL',
    };
    expect(messages(Alert.safeParse(alert))).toContain('an alert expires after it is raised');
    expect(messages(Alert.safeParse({ ...alert, expiresAt: '2027-06-01T10:00:00Z' }))).toContain('an alert lasts at most 90 days');
    expect(messages(Alert.safeParse({ ...alert, boroughs: [] }))).toContain('an alert is for at least one borough');
  });

  it('a joint operation ends after it starts and does not list its lead as a partner', () => {
    const op = {
      id: 'op-brinnington', name: 'Brinnington day of action', type: 'day-of-action', borough: 'stockport', area: 'Brinnington',
      startsAt: '2026-12-03T08:00:00Z', endsAt: '2026-12-03T07:00:00Z', leadOrganisationId: 'gmp', partnerOrganisationIds: ['gmp'],
      participants: [ID], coordinator: ID, linkedIncidents: [], reminderOffsetsMin: [10080, 1440, 120], outcomesAfterMin: 1440, status: 'scheduled',
    };
    const m = messages(JointOperation.safeParse(op));
    expect(m).toContain('it ends after it starts');
    expect(m).toContain('the lead agency is not also listed as a partner');
  });

  it('a claimed reminder carries a lease and a sent one records when', () => {
    const r = { id: 'rem-1', kind: 'before', subjectId: 'op-1', dueAt: '2026-12-02T08:00:00Z' };
    expect(messages(Reminder.safeParse({ ...r, status: 'claimed' }))).toContain('a claimed reminder has a lease, and only a claimed one');
    expect(messages(Reminder.safeParse({ ...r, status: 'sent' }))).toContain('a sent reminder records when');
    expect(Reminder.safeParse({ ...r, status: 'claimed', leaseUntil: '2026-12-02T08:01:00Z' }).success).toBe(true);
  });
});

describe('conversation references and audit events', () => {
  it('a channel reference names its team and channel', () => {
    const ref = { kind: 'channel', conversationId: '19:a@thread.tacv2', serviceUrl: 'https://smba.trafficmanager.net/uk/', tenantId: 't', installedAt: '2026-11-25T10:00:00Z' };
    expect(ConversationReference.safeParse(ref).success).toBe(false);
    expect(ConversationReference.safeParse({ ...ref, teamId: '19:a@thread.tacv2', channelId: '19:a@thread.tacv2' }).success).toBe(true);
  });

  it('a consultation records why, and a disclosure records to whom (DPA 2018 s.62)', () => {
    const e = { id: 'audit-0001', at: '2026-11-25T10:00:00Z', actor: { aadObjectId: ID, organisationId: 'gmp' }, subject: { type: 'incident', id: 'STO-2026-000001' } };
    expect(messages(AuditEvent.safeParse({ ...e, action: 'consultation' }))).toContain('consultation and disclosure record a justification');
    expect(messages(AuditEvent.safeParse({ ...e, action: 'disclosure', justification: 'joint visit' }))).toContain('a disclosure records its recipients');
    expect(AuditEvent.safeParse({ ...e, action: 'refusal' }).success).toBe(true);
  });
});
