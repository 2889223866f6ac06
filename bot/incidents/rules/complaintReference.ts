import { createHmac } from 'node:crypto';
import type { OrganisationKind } from '../../common/organisation';
import { isAsb, type IncidentCategory } from '../../common/taxonomy';

/**
 * Repeat complaints and the ASB case-review threshold ("community trigger":
 * 3 qualifying complaints within 6 months). Pure.
 *
 * A household or complainant reference is the landlord's own tenancy or case
 * reference. It is stored restricted beside the incident and, for matching,
 * only as a keyed hash (HMAC-SHA256, key REFERENCE_HASH_KEY): the index, the
 * cards, digests and logs never hold it in clear.
 */

export const REFERENCE_MAX = 40;
export const CASE_REVIEW_THRESHOLD = 3;
export const CASE_REVIEW_MONTHS = 6;

/** The form's check: letters, digits and a few separators, with at least one digit (so that a name is refused). */
export function referenceProblem(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (t.length > REFERENCE_MAX) return `Household or complainant reference: at most ${REFERENCE_MAX} characters`;
  if (!/^[A-Za-z0-9 /._-]+$/.test(t)) return 'Household or complainant reference: letters, digits, spaces and / . _ - only (your tenancy or case reference, never a name)';
  if (!/\d/.test(t)) return 'Household or complainant reference: give your tenancy or case reference (it has digits), never a name';
  return undefined;
}

/** "sto/ten 00123", "STO-TEN-00123" and "StoTen00123" are one reference: upper case, letters and digits only. */
export function normaliseComplaintReference(text: string): string {
  return text.normalize('NFKC').toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** The keyed hash that stands for a reference wherever matching is needed. */
export function hashComplaintReference(key: string, text: string): string {
  const normalised = normaliseComplaintReference(text);
  if (normalised === '') throw new RangeError('an empty reference has no hash');
  return createHmac('sha256', key).update(`complaint-reference:v1:${normalised}`).digest('hex');
}

export interface Complaint {
  reference: string;
  category: IncidentCategory;
  occurredAt: string;
  reporterOrganisationId: string;
  sharedWith: readonly string[];
  anonymised?: boolean;
}

/** Whether an organisation may see an incident's details under the incident access rules (reporter, shared with, police). */
export function organisationMaySee(org: { id: string; kind: OrganisationKind | string }, c: Pick<Complaint, 'reporterOrganisationId' | 'sharedWith'>): boolean {
  return org.id === c.reporterOrganisationId || c.sharedWith.includes(org.id) || org.kind === 'police';
}

/**
 * Two complaints with the same reference hash count together when each is
 * visible to the other's reporting organisation under the incident access
 * rules: the same organisation, or each shared with the other's organisation
 * (the police see every incident, so a police report counts with a
 * landlord's if the police report was shared with that landlord). A
 * complaint one side cannot see is never counted for it, so a count never
 * discloses more than the sharing agreement already does.
 */
export function complaintsLinked(a: Complaint, b: Complaint, kindOf: (orgId: string) => string | undefined): boolean {
  if (a.reporterOrganisationId === b.reporterOrganisationId) return true;
  const orgA = { id: a.reporterOrganisationId, kind: kindOf(a.reporterOrganisationId) ?? 'other' };
  const orgB = { id: b.reporterOrganisationId, kind: kindOf(b.reporterOrganisationId) ?? 'other' };
  return organisationMaySee(orgA, b) && organisationMaySee(orgB, a);
}

/** `months` calendar months before an instant (clamped at month ends: 31 August − 6 months = 28/29 February). */
export function monthsBefore(instant: string, months: number): Date {
  const t = new Date(instant);
  const target = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - months, 1, t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds(), t.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(t.getUTCDate(), lastDay));
  return target;
}

/**
 * The qualifying complaints counted for `subject`: ASB complaints with its
 * reference, linked to it, that happened in the 6 months up to and including
 * it. `subject` is the last of them; the length is its ordinal ("3rd in 6 months").
 */
export function qualifyingComplaints(subject: Complaint, sameReference: readonly Complaint[], kindOf: (orgId: string) => string | undefined): Complaint[] {
  if (!isAsb(subject.category) || subject.anonymised) return [];
  const end = Date.parse(subject.occurredAt);
  const start = monthsBefore(subject.occurredAt, CASE_REVIEW_MONTHS).getTime();
  const others = sameReference.filter(
    (c) =>
      c.reference !== subject.reference &&
      !c.anonymised &&
      isAsb(c.category) &&
      Date.parse(c.occurredAt) >= start &&
      Date.parse(c.occurredAt) <= end &&
      complaintsLinked(subject, c, kindOf),
  );
  return [...others, subject].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.reference.localeCompare(b.reference));
}

export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** "repeat: 3rd in 6 months", or nothing for a first complaint. */
export function repeatLabel(count: number): string | undefined {
  return count >= 2 ? `repeat: ${ordinal(count)} in ${CASE_REVIEW_MONTHS} months` : undefined;
}
