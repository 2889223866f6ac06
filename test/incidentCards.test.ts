import { describe, expect, it } from 'vitest';
import { FORM_FIELDS, type FormErrors } from '../bot/incidents/rules/incidentForm';
import { channelAnnouncementCard } from '../bot/incidents/announce';
import type { IncidentHistoryEntry, IncidentRecord } from '../bot/incidents/model';
import { defaultFormValues, detailFacts, formChoices, formValuesOfRecord, historyLines, incidentButtons, redactedOf, reportTimeNote } from '../bot/incidents/present';
import { DEMO_ORGANISATIONS } from './support/demoDirectory';
import { incidentConfirmationCard } from '../cards/incidentConfirmation';
import { incidentDetailsCard } from '../cards/incidentDetails';
import { incidentFormCard } from '../cards/incidentForm';
import { incidentLinkCard } from '../cards/incidentLink';
import { incidentListCard } from '../cards/incidentList';
import { incidentRedactedCard } from '../cards/incidentRedacted';
import { incidentUpdateFormCard } from '../cards/incidentUpdateForm';
import { CARD_BYTE_BUDGET, cardBytes, type AdaptiveCard } from '../cards/render';
import { textOfCard } from './support/botHarness';
import { validateAdaptiveCard } from './support/schemas';
import { counted, countsInWords } from '../bot/common/words';

const stockportHomes = DEMO_ORGANISATIONS.find((o) => o.id === 'stockport-homes')!;
const now = new Date('2026-11-25T10:00:00Z');
const choices = formChoices(DEMO_ORGANISATIONS, 'stockport-homes');

const record: IncidentRecord = {
  kind: 'incident',
  reference: 'STO-2026-000123',
  borough: 'stockport',
  category: 'hate-crime',
  hateCrimeStrand: 'religion',
  area: 'Brinnington estate',
  postcodeDistrict: 'SK5',
  occurredAt: '2026-11-24T21:30:00.000Z',
  reportedAt: '2026-11-25T10:00:00.000Z',
  summary: 'Offensive graffiti painted on the community centre door.',
  people: { victims: 1, suspects: 2, witnesses: 0, vulnerablePerson: true, childrenPresent: false },
  policeReference: '791 of 24/11/26',
  risk: 'high',
  actions: ['reported-to-police', 'tenancy-warning'],
  sharedWith: ['gmp', 'stockport-council'],
  marking: 'OFFICIAL-SENSITIVE',
  reporter: { aadObjectId: '00000000-0000-4000-8000-000000000001', organisationId: 'stockport-homes', displayName: 'Priya Shah' },
  restricted: { fullAddress: '4 Example Road, Stockport SK5 7AB', details: 'Suspects named by a neighbour: A. and B.' },
  submissionId: 'abcdef0123456789',
  version: 2,
  updatedAt: '2026-11-25T11:00:00.000Z',
};
const history: IncidentHistoryEntry[] = [
  { kind: 'history', reference: record.reference, partitionKey: 'stockport-2026-W48', version: 1, type: 'created', at: record.reportedAt, by: record.reporter, changes: [] },
  {
    kind: 'history', reference: record.reference, partitionKey: 'stockport-2026-W48', version: 2, type: 'edit', at: record.updatedAt, by: record.reporter,
    changes: [{ field: 'risk', from: 'medium', to: 'high' }, { field: 'policeReference', to: '791 of 24/11/26' }],
  },
];

const allErrors: FormErrors = Object.fromEntries(FORM_FIELDS.map((f) => [f, `Problem with ${f}`]));

/** Every card the incident builders can produce, in each of their states. */
const cards: [string, AdaptiveCard][] = [
  ['report form, fresh', incidentFormCard({ mode: { kind: 'report', submissionId: 'sub-00000001' }, values: defaultFormValues(stockportHomes, DEMO_ORGANISATIONS, now, 'Europe/London'), today: '2026-11-25', reportedAt: 'Wed 25 Nov 2026, 10:00', timeZoneLabel: 'UK time', timeNote: reportTimeNote('Europe/London'), choices })],
  ['report form, every field in error, odd values kept', incidentFormCard({
    mode: { kind: 'report', submissionId: 'sub-00000001' },
    values: { ...defaultFormValues(stockportHomes, DEMO_ORGANISATIONS, now, 'Europe/London'), victims: 'abc', summary: '<script>x</script>', occurredDate: 'not a date', actions: 'x,y' },
    errors: allErrors,
    today: '2026-11-25', reportedAt: 'Wed 25 Nov 2026, 10:00', timeZoneLabel: 'UK time', timeNote: reportTimeNote('Europe/London'), choices,
  })],
  ['edit form', incidentFormCard({ mode: { kind: 'edit', submissionId: 'sub-00000002', reference: record.reference, baseVersion: 2, placeNote: 'STO-2026-000123 keeps its number if you correct the borough, date or time.' }, values: formValuesOfRecord(record, 'Europe/London'), today: '2026-11-25', reportedAt: 'Wed 25 Nov 2026, 10:00', timeZoneLabel: 'UK time', choices })],
  ['edit form with errors', incidentFormCard({ mode: { kind: 'edit', submissionId: 'sub-00000002', reference: record.reference, baseVersion: 2, placeNote: 'x', correctionReason: 'wrong borough chosen', correctionError: 'The reason is too long' }, values: formValuesOfRecord(record, 'Europe/London'), errors: { summary: 'Summary is required' }, today: '2026-11-25', reportedAt: 'x', timeZoneLabel: 'UK time', choices })],
  ['confirmation', incidentConfirmationCard({ reference: record.reference, marking: 'OFFICIAL-SENSITIVE', facts: [{ title: 'Category', value: 'Hate crime' }], channelNote: 'Announced.', buttons: incidentButtons(record.reference, { view: true, update: true, edit: true }) })],
  ['channel announcement', channelAnnouncementCard(record, DEMO_ORGANISATIONS)],
  ['existence only (refused)', incidentRedactedCard({ title: 'Incident', incident: redactedOf(record, DEMO_ORGANISATIONS), notice: 'No access', tone: 'attention', buttons: [] })],
  ['details', incidentDetailsCard({ reference: record.reference, category: 'Hate crime (religion)', marking: 'OFFICIAL-SENSITIVE', subtitle: 's', facts: [{ title: 'a', value: 'b' }], summary: record.summary, restricted: [{ title: 'Details', value: 'd' }], history: [{ heading: 'Reported', text: '' }, { heading: 'Edited', text: '• risk' }], buttons: incidentButtons(record.reference, { update: true, edit: true }) })],
  ['details, anonymised, nothing restricted', incidentDetailsCard({ reference: record.reference, category: 'c', marking: 'OFFICIAL', subtitle: 's', facts: [], summary: '(removed)', restricted: [], history: [{ heading: 'Anonymised', text: '' }], buttons: incidentButtons(record.reference, { update: false, edit: false }) })],
  ['update form', incidentUpdateFormCard({ reference: record.reference, submissionId: 'sub-00000003' })],
  ['update form with error', incidentUpdateFormCard({ reference: record.reference, submissionId: 'sub-00000003', note: '<b>x</b>', error: 'HTML tags are not allowed' })],
  ['link form', incidentLinkCard({ reference: record.reference, borough: 'Stockport', operations: [{ title: 'Day of action · Wed 2 Dec', value: 'OP-STO-7K3Q9M' }] })],
  ['link form with error', incidentLinkCard({ reference: record.reference, borough: 'Stockport', operations: [{ title: 'Day of action', value: 'OP-STO-7K3Q9M' }], selected: 'OP-STO-7K3Q9M', error: 'Only partners can link' })],
  ['list, empty', incidentListCard({ title: 't', subtitle: 's', filters: { borough: 'all', category: 'all', days: '30' }, choices: { borough: [{ title: 'All', value: 'all' }], category: [{ title: 'All', value: 'all' }], days: [{ title: '30', value: '30' }] }, rows: [], emptyText: 'None', pageText: '', buttons: [{ title: 'Apply filters', verb: 'incidents.list', data: { page: 0 } }] })],
  ['list, a page', incidentListCard({ title: 't', subtitle: 's', filters: { borough: 'bury', category: 'all', days: '7' }, choices: { borough: [{ title: 'Bury', value: 'bury' }], category: [{ title: 'All', value: 'all' }], days: [{ title: '7', value: '7' }] }, rows: Array.from({ length: 8 }, (_, i) => ({ reference: `BUR-2026-00000${i + 1}`, heading: 'h', line: 'l' })), emptyText: 'None', pageText: 'Page 2 of 3', buttons: [{ title: 'Previous', verb: 'incidents.list', data: { page: 0 } }, { title: 'Next', verb: 'incidents.list', data: { page: 2 } }] })],
];

describe('incident cards', () => {
  it.each(cards)('%s validates against the Adaptive Cards 1.5 schema and stays small', (_name, card) => {
    expect(validateAdaptiveCard(card)).toEqual([]);
    expect(cardBytes(card)).toBeLessThan(CARD_BYTE_BUDGET);
    // A binding that found no data would leave its expression in the card.
    expect(JSON.stringify(card)).not.toMatch(/\$\{|"\$when"|"\$data"/);
  });

  it('puts each error right under its field, in the Attention colour', () => {
    const card = cards[1]![1];
    const json = JSON.stringify(card);
    for (const f of FORM_FIELDS) expect(json).toContain(`"text":"Problem with ${f}","color":"Attention"`);
    expect(textOfCard(card)).toContain(`${FORM_FIELDS.length} fields need attention`);
  });

  it('the date field\'s own message (shown by the client, for an empty or a future date) covers both', () => {
    const field = JSON.parse(JSON.stringify(cards[0]![1]).match(/\{[^{}]*"id":"occurredDate"[^{}]*\}/)![0]);
    expect(field.max).toBe('2026-11-25');
    expect(field.errorMessage).toBe('Enter the date it happened: today or earlier');
  });

  it('history shows the labels people chose, not stored codes', () => {
    const entry = {
      kind: 'history', reference: record.reference, partitionKey: 'stockport-2026-W48', version: 3, type: 'edit', at: '2026-11-25T12:00:00Z',
      by: { aadObjectId: '00000000-0000-4000-8000-000000000001', organisationId: 'stockport-homes', displayName: 'Priya Shah' },
      changes: [
        { field: 'risk', from: 'medium', to: 'high' },
        { field: 'actions', from: 'reported-to-police', to: 'closure-notice, reported-to-police' },
        { field: 'sharedWith', from: 'gmp', to: 'gmp, stockport-council' },
        { field: 'category', from: 'asb-nuisance', to: 'criminal-damage' },
      ],
    } as IncidentHistoryEntry;
    const [line] = historyLines([entry], 'Europe/London', DEMO_ORGANISATIONS);
    expect(line!.text).toContain('risk: "Medium" → "High"');
    expect(line!.text).toMatch(/actions taken: "Reported to (the )?police" → "Closure notice[^"]*, Reported to (the )?police"/);
    expect(line!.text).toContain('shared with: "Greater Manchester Police" → "Greater Manchester Police, Stockport Council"');
    expect(line!.text).toContain('category: "Anti-social behaviour – nuisance" → "Criminal damage');
    expect(line!.text).not.toMatch(/"(?:medium|high|reported-to-police|gmp)"/);
  });

  it('the channel card carries no free text, names or addresses', () => {
    const text = JSON.stringify(cards[5]![1]);
    for (const secret of [record.summary, record.area, record.restricted.fullAddress!, record.restricted.details!, record.policeReference!, 'Priya', '7AB', 'religion']) {
      expect(text).not.toContain(secret);
    }
    expect(textOfCard(cards[5]![1])).toContain('STO-2026-000123');
  });

  it('the redacted card refuses free text even if a caller tries to pass it', () => {
    expect(() =>
      incidentRedactedCard({ title: 't', incident: { ...redactedOf(record, DEMO_ORGANISATIONS), summary: 'leak' } as never, buttons: [] }),
    ).toThrow();
  });

  it('says who was involved in plain English, not as a form ("1 victim(s)")', () => {
    const people = (p: Partial<IncidentRecord['people']>) =>
      detailFacts({ ...record, people: { ...record.people, vulnerablePerson: false, childrenPresent: false, ...p } }, DEMO_ORGANISATIONS, 'Europe/London').find((f) => f.title === 'People')!.value;
    expect(people({ victims: 0, suspects: 1, witnesses: 2 })).toBe('No victims, 1 suspect, 2 witnesses');
    expect(people({ victims: 1, suspects: 0, witnesses: 1 })).toBe('1 victim, no suspects, 1 witness');
    expect(people({ victims: 3, suspects: 2, witnesses: 0, vulnerablePerson: true, childrenPresent: true })).toBe('3 victims, 2 suspects, no witnesses; vulnerable person involved; children present');
    expect(people({ victims: 0, suspects: 0, witnesses: 0 })).toBe('No victims, suspects or witnesses');
    for (const f of detailFacts(record, DEMO_ORGANISATIONS, 'Europe/London')) expect(f.value).not.toMatch(/\((?:s|es)\)/);
  });

  it('counts meet their nouns in one place: one, many, irregular plurals', () => {
    expect([counted(0, 'step'), counted(1, 'step'), counted(2, 'witness', 'witnesses')]).toEqual(['0 steps', '1 step', '2 witnesses']);
    expect(countsInWords([[0, 'victim']])).toBe('No victims');
    expect(countsInWords([[0, 'victim'], [0, 'witness', 'witnesses']])).toBe('No victims or witnesses');
  });
});
