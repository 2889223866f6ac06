import type { FieldChange, IncidentRecord } from '../model';
import type { IncidentDraft } from './incidentForm';

/** Editing an incident (the edit form): what changed, as the history records it, and the record it makes. Pure. */

/** The fields an edit compares, as text for the history ("from" → "to"). */
function comparable(r: IncidentRecord | (IncidentDraft & { reporterless?: true })): Record<string, string | undefined> {
  const isRecord = 'kind' in r;
  const fullAddress = isRecord ? (r as IncidentRecord).restricted.fullAddress : (r as IncidentDraft).fullAddress;
  const details = isRecord ? (r as IncidentRecord).restricted.details : (r as IncidentDraft).details;
  const p = r.people;
  return {
    borough: r.borough,
    occurredAt: r.occurredAt,
    category: r.category,
    hateCrimeStrand: r.hateCrimeStrand,
    area: r.area,
    postcodeDistrict: r.postcodeDistrict,
    fullAddress,
    summary: r.summary,
    details,
    people: `victims ${p.victims}, suspects ${p.suspects}, witnesses ${p.witnesses}, vulnerable ${p.vulnerablePerson ? 'yes' : 'no'}, children ${p.childrenPresent ? 'yes' : 'no'}`,
    policeReference: r.policeReference,
    householdReference: isRecord ? (r as IncidentRecord).restricted.householdReference : (r as IncidentDraft).householdReference,
    risk: r.risk,
    actions: [...r.actions].sort().join(', '),
    sharedWith: [...r.sharedWith].sort().join(', '),
    marking: r.marking,
  };
}

export function diffIncident(before: IncidentRecord, after: IncidentDraft): FieldChange[] {
  const a = comparable(before);
  const b = comparable(after);
  return Object.keys(a)
    .filter((k) => (a[k] ?? '') !== (b[k] ?? ''))
    // The household reference is matched as a hash and never written out in clear, not even in history.
    .map((k) => (k === 'householdReference' ? { field: k } : { field: k, ...(a[k] ? { from: a[k] } : {}), ...(b[k] ? { to: b[k] } : {}) }));
}

/**
 * The record an edit makes of `current`: the form's fields, the next version. `household` is the reference and its
 * keyed hash when the household reference was changed (the hash needs the deployment's key: the caller makes it).
 */
export function editedRecord(
  current: IncidentRecord,
  d: IncidentDraft,
  version: number,
  at: string,
  household: (typed: string | undefined) => { householdReference?: string; householdReferenceHash?: string },
): IncidentRecord {
  const { policeReference: _old, hateCrimeStrand: _oldStrand, move: _move, ...rest } = current;
  return {
    ...rest,
    borough: d.borough,
    occurredAt: d.occurredAt,
    category: d.category,
    ...(d.hateCrimeStrand ? { hateCrimeStrand: d.hateCrimeStrand } : {}),
    area: d.area,
    postcodeDistrict: d.postcodeDistrict,
    summary: d.summary,
    people: d.people,
    ...(d.policeReference ? { policeReference: d.policeReference } : {}),
    risk: d.risk,
    actions: d.actions,
    sharedWith: d.sharedWith,
    marking: d.marking,
    restricted: {
      fullAddress: d.fullAddress,
      details: d.details,
      ...(d.householdReference === current.restricted.householdReference
        ? { householdReference: current.restricted.householdReference, householdReferenceHash: current.restricted.householdReferenceHash }
        : household(d.householdReference)),
    },
    version,
    updatedAt: at,
  };
}
