import { BOROUGHS, boroughById } from '../common/borough';
import { formatInstant, timeZoneLabel } from '../common/dates';
import type { FormValues } from './rules/incidentForm';
import { RISK_GUIDANCE, redactIncident, type RedactedIncident } from './rules/incidentRedaction';
import type { RiskLevel } from '../common/common';
import type { Organisation } from '../common/organisation';
import { ActionTaken, CATEGORY_LABELS, HateCrimeStrand, IncidentCategory } from '../common/taxonomy';
import { toWallClock } from '../common/timezone';
import { countsInWords } from '../common/words';
import type { Button, Fact } from '../../cards/incidentCommon';
import type { IncidentFormData } from '../../cards/incidentForm';
import type { IncidentHistoryEntry, IncidentRecord } from './model';
import { INCIDENT_VERBS } from './verbs';

/** Turning stored incidents into the words and choices the cards show. No I/O. */

export const STRAND_LABELS: Record<HateCrimeStrand, string> = {
  race: 'Race',
  religion: 'Religion or belief',
  'sexual-orientation': 'Sexual orientation',
  disability: 'Disability',
  transgender: 'Transgender identity',
  other: 'Other',
};

export const ACTION_LABELS: Record<ActionTaken, string> = {
  'tenancy-warning': 'Tenancy warning',
  'acceptable-behaviour-agreement': 'Acceptable behaviour agreement',
  'injunction-applied': 'Injunction applied for',
  'closure-notice': 'Closure notice',
  'social-care-referral': 'Referral to social care',
  'reported-to-police': 'Reported to police',
  'none-yet': 'None yet',
};

const FIELD_LABELS: Record<string, string> = {
  borough: 'borough',
  occurredAt: 'when it happened',
  category: 'category',
  hateCrimeStrand: 'hate crime strand',
  area: 'area',
  postcodeDistrict: 'postcode district',
  fullAddress: 'full address',
  summary: 'summary',
  details: 'details',
  people: 'people',
  policeReference: 'police reference',
  householdReference: 'household or complainant reference',
  risk: 'risk',
  actions: 'actions taken',
  sharedWith: 'shared with',
  marking: 'protective marking',
  operation: 'joint operation',
};

/** What a report form says about its times: the configured zone, and how the repeated hour of a clock change is read (the first). */
export function reportTimeNote(timeZone: string): string {
  return timeZone === 'Europe/London'
    ? 'Times are UK time; on the night the clocks go back, 01:00–01:59 is read as the first (BST) hour.'
    : `Times are ${timeZoneLabel(timeZone)}; on the night the clocks go back, the repeated hour is read as the first.`;
}

export function fieldLabel(field: string): string {
  return Object.hasOwn(FIELD_LABELS, field) ? FIELD_LABELS[field]! : field;
}

export function categoryLabel(r: Pick<IncidentRecord, 'category' | 'hateCrimeStrand'>): string {
  return r.hateCrimeStrand ? `${CATEGORY_LABELS[r.category]} (${STRAND_LABELS[r.hateCrimeStrand].toLowerCase()})` : CATEGORY_LABELS[r.category];
}

export function formChoices(organisations: readonly Organisation[], reporterOrganisationId: string): IncidentFormData['choices'] {
  const partners = organisations
    .filter((o) => o.id !== reporterOrganisationId)
    .sort((a, b) => Number(b.kind === 'police') - Number(a.kind === 'police') || a.name.localeCompare(b.name))
    .map((o) => ({ title: o.kind === 'police' ? `${o.name} (always)` : o.name, value: o.id }));
  return {
    category: IncidentCategory.options.map((c) => ({ title: CATEGORY_LABELS[c], value: c })),
    strand: HateCrimeStrand.options.map((s) => ({ title: STRAND_LABELS[s], value: s })),
    borough: BOROUGHS.map((b) => ({ title: b.name, value: b.id })),
    risk: (['high', 'medium', 'standard'] as const).map((r) => ({ title: `${RISK_GUIDANCE[r].label}: ${RISK_GUIDANCE[r].guidance}`, value: r })),
    action: ActionTaken.options.map((a) => ({ title: ACTION_LABELS[a], value: a })),
    share: partners,
    marking: [
      { title: 'OFFICIAL-SENSITIVE', value: 'OFFICIAL-SENSITIVE' },
      { title: 'OFFICIAL', value: 'OFFICIAL' },
    ],
  };
}

/** A fresh form: the reporter's organisation's first borough, now, standard risk, police and the borough's council. */
export function defaultFormValues(reporter: Organisation, organisations: readonly Organisation[], now: Date, timeZone: string): FormValues {
  const borough = reporter.boroughs[0]!;
  const local = toWallClock(now, timeZone);
  // The organisation's default sharing from the partnership file; without one, police and the borough's council.
  const configured = (reporter.defaultSharing ?? []).filter((id) => id !== reporter.id && organisations.some((o) => o.id === id));
  const share = configured.length
    ? configured
    : organisations.filter((o) => o.id !== reporter.id && (o.kind === 'police' || (o.kind === 'council' && o.boroughs.includes(borough)))).map((o) => o.id);
  return {
    category: '',
    hateCrimeStrand: '',
    borough,
    area: '',
    postcodeDistrict: '',
    fullAddress: '',
    occurredDate: local.date,
    occurredTime: local.time,
    summary: '',
    details: '',
    householdReference: '',
    victims: '0',
    suspects: '0',
    witnesses: '0',
    vulnerablePerson: 'false',
    childrenPresent: 'false',
    policeReference: '',
    risk: 'standard',
    actions: 'none-yet',
    sharedWith: share.join(','),
    marking: 'OFFICIAL-SENSITIVE',
  };
}

/** The stored incident as form values, for the edit form. */
export function formValuesOfRecord(r: IncidentRecord, timeZone: string): FormValues {
  const local = toWallClock(r.occurredAt, timeZone);
  return {
    category: r.category,
    hateCrimeStrand: r.hateCrimeStrand ?? '',
    borough: r.borough,
    area: r.area,
    postcodeDistrict: r.postcodeDistrict,
    fullAddress: r.restricted.fullAddress ?? '',
    occurredDate: local.date,
    occurredTime: local.time,
    summary: r.summary,
    details: r.restricted.details ?? '',
    householdReference: r.restricted.householdReference ?? '',
    victims: String(r.people.victims),
    suspects: String(r.people.suspects),
    witnesses: String(r.people.witnesses),
    vulnerablePerson: String(r.people.vulnerablePerson),
    childrenPresent: String(r.people.childrenPresent),
    policeReference: r.policeReference ?? '',
    risk: r.risk,
    actions: r.actions.join(','),
    sharedWith: r.sharedWith.join(','),
    marking: r.marking,
  };
}

export function organisationName(organisations: readonly Organisation[], id: string): string {
  return organisations.find((o) => o.id === id)?.name ?? id;
}

export function redactedOf(r: IncidentRecord, organisations: readonly Organisation[]): RedactedIncident {
  return redactIncident(r, organisationName(organisations, r.reporter.organisationId));
}

/** The buttons of an incident a viewer may act on. */
export function incidentButtons(reference: string, opts: { view?: boolean; update: boolean; edit: boolean }): Button[] {
  const data = { reference };
  return [
    ...(opts.view ? [{ title: 'View details', verb: INCIDENT_VERBS.view, data }] : []),
    ...(opts.update ? [{ title: 'Add an update', verb: INCIDENT_VERBS.updateForm, data }] : []),
    ...(opts.edit ? [{ title: 'Edit', verb: INCIDENT_VERBS.editForm, data }] : []),
    { title: 'Link to a joint operation', verb: INCIDENT_VERBS.link, data },
  ];
}

export function summaryFacts(r: IncidentRecord, organisations: readonly Organisation[], timeZone: string): Fact[] {
  return [
    { title: 'Category', value: categoryLabel(r) },
    { title: 'Where', value: `${r.area ? `${r.area}, ` : ''}${r.postcodeDistrict} · ${boroughById(r.borough).name}` },
    { title: 'Happened', value: formatInstant(r.occurredAt, timeZone, 'weekdayDateTime') },
    { title: 'Risk', value: `${RISK_GUIDANCE[r.risk].label}: ${RISK_GUIDANCE[r.risk].guidance}` },
    { title: 'Shared with', value: r.sharedWith.map((id) => organisationName(organisations, id)).join(', ') || 'Police only' },
  ];
}

/**
 * A reference names the borough where the incident was first recorded and is never changed: when the
 * borough has since been corrected (STO-… now in Tameside), the card says so rather than look wrong.
 */
export function firstRecordedFact(r: Pick<IncidentRecord, 'reference' | 'borough'>): Fact[] {
  const code = r.reference.slice(0, 3);
  const first = BOROUGHS.find((b) => b.code === code);
  if (!first || first.id === r.borough) return [];
  return [{ title: 'Reference', value: `Given in ${first.name}, where it was first recorded; the borough was corrected since, and a reference never changes` }];
}

export function detailFacts(r: IncidentRecord, organisations: readonly Organisation[], timeZone: string): Fact[] {
  const p = r.people;
  const flags = [p.vulnerablePerson && 'vulnerable person involved', p.childrenPresent && 'children present'].filter(Boolean).join('; ');
  return [
    ...summaryFacts(r, organisations, timeZone),
    { title: 'Reported', value: `${formatInstant(r.reportedAt, timeZone, 'weekdayDateTime')} by ${r.reporter.displayName}, ${organisationName(organisations, r.reporter.organisationId)}` },
    { title: 'People', value: `${countsInWords([[p.victims, 'victim'], [p.suspects, 'suspect'], [p.witnesses, 'witness', 'witnesses']])}${flags ? `; ${flags}` : ''}` },
    { title: 'Police reference', value: r.policeReference ?? 'none given' },
    ...firstRecordedFact(r),
    { title: 'Actions taken', value: r.actions.map((a) => ACTION_LABELS[a]).join(', ') },
  ];
}

/** The most of one history entry a card shows (a long edit is shortened; the current text is in the card above). */
const HISTORY_TEXT_MAX = 1000;

/**
 * A history value as people chose it on the form: the label, not the stored
 * code ("High", not "high"; "Reported to the police", not
 * "reported-to-police"). History rows keep codes (labels may be reworded
 * later); an unknown code shows as stored.
 */
export function historyValue(field: string, value: string, organisations: readonly Organisation[], timeZone: string): string {
  const each = (map: (code: string) => string) => value.split(', ').map(map).join(', ');
  switch (field) {
    case 'category':
      return CATEGORY_LABELS[value as IncidentCategory] ?? value;
    case 'hateCrimeStrand':
      return STRAND_LABELS[value as HateCrimeStrand] ?? value;
    case 'risk':
      return RISK_GUIDANCE[value as RiskLevel]?.label ?? value;
    case 'actions':
      return each((a) => ACTION_LABELS[a as ActionTaken] ?? a);
    case 'sharedWith':
      return each((o) => organisations.find((x) => x.id === o)?.name ?? o);
    case 'borough':
      return BOROUGHS.find((b) => b.id === value)?.name ?? value;
    case 'occurredAt':
      return Number.isNaN(Date.parse(value)) ? value : formatInstant(value, timeZone, 'weekdayDateTime');
    default:
      return value;
  }
}

export function historyLines(history: readonly IncidentHistoryEntry[], timeZone: string, organisations: readonly Organisation[]): { heading: string; text: string }[] {
  return history.map((h) => {
    const who = h.by.displayName;
    const what = { created: 'Reported', update: 'Update', edit: 'Edited', linked: 'Linked to a joint operation', anonymised: 'Anonymised (retention)' }[h.type];
    const lines: string[] = [];
    if (h.note) lines.push(h.note);
    for (const c of h.changes) {
      if (c.from === undefined && c.to === undefined) lines.push(`• ${fieldLabel(c.field)} changed`);
      else if (c.from === undefined && h.type === 'linked') lines.push(`• ${c.to}`);
      else {
        const shown = (v: string | undefined) => (v === undefined ? '' : historyValue(c.field, v, organisations, timeZone));
        lines.push(`• ${fieldLabel(c.field)}: "${shown(c.from)}" → "${shown(c.to)}"`);
      }
    }
    const text = lines.join('\n');
    return { heading: `${what} · ${formatInstant(h.at, timeZone, 'weekdayDateTime')} · ${who}`.slice(0, 200), text: text.length > HISTORY_TEXT_MAX ? `${text.slice(0, HISTORY_TEXT_MAX - 1)}…` : text };
  });
}
