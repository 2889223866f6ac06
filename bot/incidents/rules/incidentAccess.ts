import type { Member } from '../../common/member';
import type { Organisation } from '../../common/organisation';

/**
 * Who may see an incident's details (summary, restricted fields, history).
 * Pure: the caller supplies the viewer and the incident's sharing.
 *
 * - administrators see everything;
 * - the police always see incidents (the concordat's agreement);
 * - the reporter's organisation, and organisations it was shared with.
 * Everyone else registered sees that it exists: reference, category,
 * district and risk. Unregistered people see nothing.
 */
export type AccessGrant = 'admin' | 'police' | 'reporter-organisation' | 'shared-with';
export type AccessDecision =
  | { level: 'details'; grant: AccessGrant }
  | { level: 'existence'; reason: string }
  | { level: 'none'; reason: string };

export interface Viewer {
  member?: Pick<Member, 'roles' | 'organisationId'>;
  /** `boroughs`: where it works (mayRecordIn); absent, it works nowhere. */
  organisation?: Pick<Organisation, 'id' | 'kind'> & Partial<Pick<Organisation, 'boroughs'>>;
}

export interface SharingOf {
  reporterOrganisationId: string;
  sharedWith: readonly string[];
}

export function decideAccess(viewer: Viewer, incident: SharingOf): AccessDecision {
  const member = viewer.member;
  if (!member) return { level: 'none', reason: 'not registered with the concordat' };
  if (member.roles.includes('admin')) return { level: 'details', grant: 'admin' };
  const orgId = member.organisationId;
  if (viewer.organisation?.kind === 'police' && viewer.organisation.id === orgId) return { level: 'details', grant: 'police' };
  if (orgId === incident.reporterOrganisationId) return { level: 'details', grant: 'reporter-organisation' };
  if (incident.sharedWith.includes(orgId)) return { level: 'details', grant: 'shared-with' };
  return { level: 'existence', reason: `not shared with ${orgId}` };
}

/** Editing changes the record itself: the reporter's organisation and administrators only. */
export function mayEdit(viewer: Viewer, incident: SharingOf): boolean {
  const m = viewer.member;
  return !!m && (m.roles.includes('admin') || m.organisationId === incident.reporterOrganisationId);
}

/** Adding an update (a progress note) is open to anyone who may see the details. */
export function mayAddUpdate(viewer: Viewer, incident: SharingOf): boolean {
  return decideAccess(viewer, incident).level === 'details';
}

export const GRANT_JUSTIFICATION: Record<AccessGrant, string> = {
  admin: 'concordat administrator',
  police: 'police: incidents are always shared with the police',
  'reporter-organisation': "member of the reporting organisation",
  'shared-with': 'member of an organisation the incident was shared with',
};

/**
 * Recording an incident in a borough: administrators anywhere; anyone else
 * only in a borough their organisation serves (its partnership entry). Asked
 * again of whoever corrects an incident's borough: an editor may not move an
 * incident into a borough their organisation does not work in.
 */
export function mayRecordIn(viewer: Viewer, borough: string): boolean {
  const m = viewer.member;
  if (!m) return false;
  if (m.roles.includes('admin')) return true;
  return viewer.organisation?.id === m.organisationId && ((viewer.organisation.boroughs ?? []) as readonly string[]).includes(borough);
}
